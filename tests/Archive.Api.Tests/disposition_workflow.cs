using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Archive.Api.Infrastructure.Auth;
using Archive.Api.Infrastructure.Content;
using Archive.Api.Tests.Audit;
using Archive.Api.Tests.Support;
using static Archive.Api.Tests.Support.DispositionRecords;

namespace Archive.Api.Tests;

/// <summary>"Xem xét hủy", the destruction workflow, the destruction block and execution, over HTTP on a real database.</summary>
public class disposition_workflow(DispositionFixture api) : IClassFixture<DispositionFixture>
{
    private static readonly DateOnly AfterTenYears = new(2036, 1, 2);

    [Fact]
    public async Task a_record_whose_retention_expired_enters_the_review_list_by_itself_and_a_permanent_one_never_does()
    {
        api.Clock.Reset();
        var officer = await api.ClientAsync(Roles.RecordsOfficer);
        var (tenYears, _) = await ClosedDossierAsync(officer, "RV-10", "06");
        var (permanent, _) = await ClosedDossierAsync(officer, "RV-VV", "01");
        await api.WaitForReviewAsync();

        var auditor = await api.ClientAsync(Roles.Auditor);
        (await ReviewIdsAsync(auditor)).ShouldNotContain(tenYears);

        // Kept through 31/12/2035: still not due on the last day, due the day after. Nobody adds it.
        api.Clock.SetToday(new DateOnly(2035, 12, 31));
        (await ReviewIdsAsync(auditor)).ShouldNotContain(tenYears);
        api.Clock.SetToday(new DateOnly(2036, 1, 1));
        var due = await ReviewIdsAsync(auditor);
        due.ShouldContain(tenYears);
        due.ShouldNotContain(permanent);
        var item = (await auditor.GetFromJsonAsync<JsonElement>("/api/v1/disposition/review")).EnumerateArray().First(e => e.GetProperty("id").GetString() == tenYears);
        item.GetProperty("status").GetString().ShouldBe("Xem xét hủy");
        item.GetProperty("keepUntil").GetString().ShouldBe("2035-12-31");

        api.Clock.SetToday(new DateOnly(2500, 1, 1));
        (await ReviewIdsAsync(auditor)).ShouldNotContain(permanent);
    }

    [Fact]
    public async Task a_list_with_one_permanent_record_is_refused_whole_and_the_block_is_recorded_for_auditors()
    {
        api.Clock.Reset();
        var officer = await api.ClientAsync(Roles.RecordsOfficer);
        var (expired, _) = await ClosedDossierAsync(officer, "BL-10", "06");
        var (permanent, _) = await ClosedDossierAsync(officer, "BL-VV", "01");
        api.Clock.SetToday(AfterTenYears);
        var before = await api.EventCountAsync();

        // The head of agency (admin) is refused like anyone else.
        var admin = await api.ClientAsync(Roles.Admin);
        var refused = await admin.PostAsync("/api/v1/disposition/proposals",
            ApiFixture.Json(Proposal("bl-1", ("dossier", expired), ("dossier", permanent))));
        var problem = await refused.ShouldBeProblemAsync(409);
        problem.GetProperty("code").GetString().ShouldBe("destruction_blocked");
        problem.GetProperty("detail_vi").GetString()!.ShouldContain(permanent);
        problem.GetProperty("detail_en").GetString()!.ShouldContain("whole list is refused");
        problem.ErrorFields().ShouldBe([$"items[{permanent}]"]);
        problem.GetProperty("errors")[0].GetProperty("code").GetString().ShouldBe("permanent");

        // Nothing was proposed: the only events stored are the block records.
        (await api.EventCountAsync()).ShouldBe(before + 1);
        await (await officer.GetAsync("/api/v1/disposition/proposals/bl-1")).ShouldBeProblemAsync(404);

        var auditor = await api.ClientAsync(Roles.Auditor);
        var blocked = await auditor.GetFromJsonAsync<JsonElement>("/api/v1/disposition/blocked");
        var attempt = blocked.GetProperty("items").EnumerateArray().Single(e => e.GetProperty("proposalId").GetString() == "bl-1");
        attempt.GetProperty("recordCode").GetString().ShouldBe(permanent);
        attempt.GetProperty("blockCode").GetString().ShouldBe("permanent");
        attempt.GetProperty("stage").GetString().ShouldBe("proposal");
        attempt.GetProperty("attemptedByRole").GetString().ShouldBe(Roles.Admin);
        attempt.GetProperty("reasonEn").GetString()!.ShouldContain("can never be destroyed");

        // The expired dossier alone is accepted.
        var alone = await officer.PostAsync("/api/v1/disposition/proposals", ApiFixture.Json(Proposal("bl-2", ("dossier", expired))));
        alone.StatusCode.ShouldBe(HttpStatusCode.Created, await alone.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task the_paper_original_behind_a_digitised_permanent_dossier_cannot_be_listed()
    {
        api.Clock.Reset();
        var officer = await api.ClientAsync(Roles.RecordsOfficer);
        await ClosedDossierAsync(officer, "PO-VV", "01", paperFileCode: "KHO1-H015");
        api.Clock.SetToday(AfterTenYears);
        var refused = await officer.PostAsync("/api/v1/disposition/proposals", ApiFixture.Json(Proposal("po-1", ("paperOriginal", "KHO1-H015"))));
        var problem = await refused.ShouldBeProblemAsync(409);
        problem.GetProperty("errors")[0].GetProperty("code").GetString().ShouldBe("paper_original_of_permanent");
        var blocked = await (await api.ClientAsync(Roles.Auditor)).GetFromJsonAsync<JsonElement>("/api/v1/disposition/blocked");
        blocked.GetProperty("items").EnumerateArray().ShouldContain(e => e.GetProperty("recordCode").GetString() == "KHO1-H015");
    }

    [Fact]
    public async Task a_record_not_yet_expired_cannot_be_proposed()
    {
        api.Clock.Reset();
        var officer = await api.ClientAsync(Roles.RecordsOfficer);
        var (code, _) = await ClosedDossierAsync(officer, "NE-10", "06");
        var before = await api.EventCountAsync();
        var refused = await officer.PostAsync("/api/v1/disposition/proposals", ApiFixture.Json(Proposal("ne-1", ("dossier", code))));
        (await refused.ShouldBeProblemAsync(400)).ErrorFields().ShouldContain($"items[{code}]");
        (await api.EventCountAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task execution_after_council_and_signed_decision_deletes_unshared_blobs_and_leaves_a_residual()
    {
        api.Clock.Reset();
        var officer = await api.ClientAsync(Roles.RecordsOfficer);
        var (code, documentId, unique) = await ClosedDossierWithContentAsync(officer);
        // The same bytes in a record that survives: that blob must stay.
        var (_, otherDoc) = await ClosedDossierAsync(officer, "EX-VV", "01");
        var shared = await UploadAsync(officer, otherDoc, "shared-bytes");
        var store = api.Service<IContentStore>();
        (await store.GetInfoAsync(shared, default)).ShouldNotBeNull();

        api.Clock.SetToday(AfterTenYears);
        var proposed = await officer.PostAsync("/api/v1/disposition/proposals", ApiFixture.Json(Proposal("ex-1", ("dossier", code))));
        proposed.StatusCode.ShouldBe(HttpStatusCode.Created, await proposed.Content.ReadAsStringAsync());

        var admin = await api.ClientAsync(Roles.Admin);
        // Not before the council has agreed.
        (await (await admin.PostAsync("/api/v1/disposition/proposals/ex-1/decision", ApiFixture.Json("""{"decisionNumber":"15/QĐ-UBND"}""")))
            .ShouldBeProblemAsync(409)).GetProperty("code").GetString().ShouldBe("wrong_status");
        foreach (var member in new[] { officer, await api.ClientAsync(Roles.Legal) })
        {
            var opinion = await member.PostAsync("/api/v1/disposition/proposals/ex-1/opinions", ApiFixture.Json("""{"agrees":true,"comment":"Đồng ý hủy"}"""));
            opinion.StatusCode.ShouldBe(HttpStatusCode.OK, await opinion.Content.ReadAsStringAsync());
        }
        // Only the head of agency signs.
        await (await officer.PostAsync("/api/v1/disposition/proposals/ex-1/decision", ApiFixture.Json("""{"decisionNumber":"15/QĐ-UBND"}""")))
            .ShouldBeProblemAsync(403);
        var signed = await admin.PostAsync("/api/v1/disposition/proposals/ex-1/decision", ApiFixture.Json("""{"decisionNumber":"15/QĐ-UBND"}"""));
        signed.StatusCode.ShouldBe(HttpStatusCode.OK, await signed.Content.ReadAsStringAsync());
        (await signed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("opinions").GetArrayLength().ShouldBe(2);

        var executed = await officer.PostAsync("/api/v1/disposition/proposals/ex-1/execution", ApiFixture.Json("{}"));
        executed.StatusCode.ShouldBe(HttpStatusCode.OK, await executed.Content.ReadAsStringAsync());
        var result = await executed.Content.ReadFromJsonAsync<JsonElement>();
        var deleted = result.GetProperty("deletedBlobs").EnumerateArray().Select(e => e.GetString()).ToList();
        deleted.ShouldBe([unique], ignoreOrder: true);
        result.GetProperty("keptSharedBlobs").EnumerateArray().Select(e => e.GetString()).ShouldBe([shared]);

        // The shredder ran inside the destruction's transaction, for exactly the destroyed streams.
        var call = api.Shredder.Calls.Single(c => c.StreamIds.Contains($"dossier-{code}"));
        call.StreamIds.ShouldBe([$"dossier-{code}", $"document-{documentId}"], ignoreOrder: true);
        call.DestroyedEventsVisible.ShouldBe(2);
        // And it really shredded: the keys are gone and no stored event, search or review row shows the dossier's title.
        (await api.ScalarAsync<long>("select count(*) from event_store.stream_keys where stream_id = any($1) and wrapped_key is null",
            (object)new[] { $"dossier-{code}", $"document-{documentId}" })).ShouldBe(2L);
        (await api.ScalarAsync<long>("""
            select (select count(*) from event_store.events where data::text like '%' || $1 || '%' or metadata::text like '%' || $1 || '%')
                 + (select count(*) from archive_api.search_index where title like '%' || $1 || '%')
                 + (select count(*) from archive_api.disposition_review where title like '%' || $1 || '%')
            """, "Hồ sơ EX-10")).ShouldBe(0L);

        (await store.GetInfoAsync(unique, default)).ShouldBeNull();
        (await store.GetInfoAsync(shared, default)).ShouldNotBeNull();
        (await officer.GetAsync($"/api/v1/documents/{otherDoc}/content")).StatusCode.ShouldBe(HttpStatusCode.OK);

        var gone = await (await officer.GetAsync($"/api/v1/dossiers/{code}")).ShouldBeProblemAsync(410);
        var residual = gone.GetProperty("residual");
        residual.GetProperty("recordCode").GetString().ShouldBe(code);
        residual.GetProperty("decisionNumber").GetString().ShouldBe("15/QĐ-UBND");
        residual.GetProperty("destroyedOn").GetString().ShouldBe("2036-01-02");
        residual.GetProperty("contentSha256s").EnumerateArray().Select(e => e.GetString()).ShouldBe([unique, shared], ignoreOrder: true);
        residual.GetProperty("executedBy").GetString().ShouldNotBeNullOrEmpty();
        gone.GetProperty("detail_vi").GetString()!.ShouldNotContain("Hồ sơ EX-10");
        var docGone = await (await officer.GetAsync($"/api/v1/documents/{documentId}")).ShouldBeProblemAsync(410);
        docGone.GetProperty("residual").GetProperty("contentSha256s").EnumerateArray().Select(e => e.GetString()).ShouldBe([unique, shared], ignoreOrder: true);
        await (await officer.GetAsync($"/api/v1/documents/{documentId}/content")).ShouldBeProblemAsync(410);

        var file = await (await api.ClientAsync(Roles.Auditor)).GetFromJsonAsync<JsonElement>("/api/v1/disposition/proposals/ex-1/file");
        file.GetProperty("retentionYears").GetInt32().ShouldBeGreaterThanOrEqualTo(20);
        file.GetProperty("decision").GetProperty("number").GetString().ShouldBe("15/QĐ-UBND");
        file.GetProperty("councilMinutes").GetArrayLength().ShouldBe(2);
        file.GetProperty("list").GetArrayLength().ShouldBe(1);

        // Executing twice is refused; the destroyed dossier cannot be edited or re-proposed.
        await (await officer.PostAsync("/api/v1/disposition/proposals/ex-1/execution", ApiFixture.Json("{}"))).ShouldBeProblemAsync(409);
        (await (await officer.PostAsync("/api/v1/disposition/proposals", ApiFixture.Json(Proposal("ex-2", ("dossier", code)))))
            .ShouldBeProblemAsync(400)).GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("code").GetString()).ShouldContain("already_destroyed");
    }

    /// <summary>A 10-year dossier whose one document has two content versions: one unique, one shared with another record.</summary>
    [Fact]
    public async Task a_failing_shredder_rolls_the_whole_destruction_back()
    {
        api.Clock.Reset();
        var officer = await api.ClientAsync(Roles.RecordsOfficer);
        var (code, documentId) = await ClosedDossierAsync(officer, "SF-10", "06");
        var sha = await UploadAsync(officer, documentId, "shred-fail-" + Guid.NewGuid());
        api.Clock.SetToday(AfterTenYears);
        await SignedProposalAsync("sf-1", code);
        var before = await api.EventCountAsync();
        api.Shredder.Fail = true;
        try
        {
            var failed = await officer.PostAsync("/api/v1/disposition/proposals/sf-1/execution", ApiFixture.Json("{}"));
            ((int)failed.StatusCode).ShouldBe(500);
        }
        finally { api.Shredder.Fail = false; }
        (await api.EventCountAsync()).ShouldBe(before);
        (await officer.GetAsync($"/api/v1/dossiers/{code}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await api.Service<IContentStore>().GetInfoAsync(sha, default)).ShouldNotBeNull();
        (await (await api.ClientAsync(Roles.Auditor)).GetFromJsonAsync<JsonElement>("/api/v1/disposition/proposals/sf-1"))
            .GetProperty("status").GetString().ShouldBe("signed");
    }

    [Fact]
    public async Task a_hold_placed_after_the_proposal_stops_the_signature_and_is_recorded_at_that_stage()
    {
        api.Clock.Reset();
        var officer = await api.ClientAsync(Roles.RecordsOfficer);
        var (code, _) = await ClosedDossierAsync(officer, "LS-10", "06");
        api.Clock.SetToday(AfterTenYears);
        (await officer.PostAsync("/api/v1/disposition/proposals", ApiFixture.Json(Proposal("ls-1", ("dossier", code))))).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await officer.PostAsync("/api/v1/disposition/proposals/ls-1/opinions", ApiFixture.Json("""{"agrees":true}"""))).StatusCode.ShouldBe(HttpStatusCode.OK);
        var legal = await api.ClientAsync(Roles.Legal);
        (await legal.PostAsync($"/api/v1/dossiers/{code}/holds", ApiFixture.Json("""{"kind":"freeze","authority":"Thanh tra Bộ Nội vụ","reason":"Kiểm tra"}""")))
            .StatusCode.ShouldBe(HttpStatusCode.Created);
        var admin = await api.ClientAsync(Roles.Admin);
        var refused = await (await admin.PostAsync("/api/v1/disposition/proposals/ls-1/decision", ApiFixture.Json("""{"decisionNumber":"20/QĐ-UBND"}""")))
            .ShouldBeProblemAsync(409);
        refused.GetProperty("code").GetString().ShouldBe("destruction_blocked");
        var blocked = await (await api.ClientAsync(Roles.Auditor)).GetFromJsonAsync<JsonElement>("/api/v1/disposition/blocked");
        blocked.GetProperty("items").EnumerateArray()
            .ShouldContain(e => e.GetProperty("proposalId").GetString() == "ls-1" && e.GetProperty("stage").GetString() == "decision"
                && e.GetProperty("blockCode").GetString() == "under_hold");
    }

    [Fact]
    public async Task a_record_made_permanent_after_the_decision_stops_the_execution_whole()
    {
        api.Clock.Reset();
        var officer = await api.ClientAsync(Roles.RecordsOfficer);
        var (code, documentId) = await ClosedDossierAsync(officer, "PX-10", "06");
        var sha = await UploadAsync(officer, documentId, "px-" + Guid.NewGuid());
        api.Clock.SetToday(AfterTenYears);
        await SignedProposalAsync("px-1", code);
        // Re-valued as permanent after the signature: the dossier follows its document.
        var etag = (await officer.GetAsync($"/api/v1/documents/{documentId}/retention")).Headers.ETag!.Tag;
        (await officer.SendAsync(Records.Put($"/api/v1/documents/{documentId}/retention", """{"retentionCode":"01"}""", etag)))
            .StatusCode.ShouldBe(HttpStatusCode.OK);

        var refused = await (await officer.PostAsync("/api/v1/disposition/proposals/px-1/execution", ApiFixture.Json("{}"))).ShouldBeProblemAsync(409);
        refused.GetProperty("code").GetString().ShouldBe("destruction_blocked");
        (await officer.GetAsync($"/api/v1/dossiers/{code}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await api.Service<IContentStore>().GetInfoAsync(sha, default)).ShouldNotBeNull();
        var blocked = await (await api.ClientAsync(Roles.Auditor)).GetFromJsonAsync<JsonElement>("/api/v1/disposition/blocked");
        blocked.GetProperty("items").EnumerateArray().ShouldContain(e => e.GetProperty("proposalId").GetString() == "px-1"
            && e.GetProperty("stage").GetString() == "execution" && e.GetProperty("blockCode").GetString() == "permanent");
    }

    [Fact]
    public async Task a_retried_proposal_with_the_same_idempotency_key_is_stored_once()
    {
        api.Clock.Reset();
        var officer = await api.ClientAsync(Roles.RecordsOfficer);
        var (code, _) = await ClosedDossierAsync(officer, "ID-10", "06");
        api.Clock.SetToday(AfterTenYears);
        var before = await api.EventCountAsync();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 2; i++)
        {
            var r = new HttpRequestMessage(HttpMethod.Post, "/api/v1/disposition/proposals") { Content = ApiFixture.Json(Proposal("id-1", ("dossier", code))) };
            r.Headers.Add("Idempotency-Key", "proposal-id-1");
            statuses.Add((await officer.SendAsync(r)).StatusCode);
        }
        statuses.ShouldBe([HttpStatusCode.Created, HttpStatusCode.Created]);
        (await api.EventCountAsync()).ShouldBe(before + 1);
    }

    [Fact]
    public async Task a_document_kept_shorter_than_its_dossier_is_reviewed_and_destroyed_on_its_own_first()
    {
        api.Clock.Reset();
        var officer = await api.ClientAsync(Roles.RecordsOfficer);
        await Records.CreateFondsAsync(officer);
        var code = await Records.CreateDossierAsync(officer, "WD-10");
        var etag = (await officer.GetAsync($"/api/v1/dossiers/{code}/retention")).Headers.ETag!.Tag;
        (await officer.SendAsync(Records.Put($"/api/v1/dossiers/{code}/retention", """{"retentionCode":"06"}""", etag))).StatusCode.ShouldBe(HttpStatusCode.OK);
        var shortDoc = (await Records.CreateDocumentAsync(officer, code, "Giấy mời họp")).GetProperty("id").GetString()!;
        var keptDoc = (await Records.CreateDocumentAsync(officer, code)).GetProperty("id").GetString()!;
        etag = (await officer.GetAsync($"/api/v1/documents/{shortDoc}/retention")).Headers.ETag!.Tag;
        (await officer.SendAsync(Records.Put($"/api/v1/documents/{shortDoc}/retention", """{"retentionCode":"07","retentionYears":5}""", etag)))
            .StatusCode.ShouldBe(HttpStatusCode.OK);
        await CloseAsync(officer, code);
        await api.WaitForReviewAsync();

        api.Clock.SetToday(new DateOnly(2031, 1, 2));
        var due = await ReviewIdsAsync(officer);
        due.ShouldContain(shortDoc);
        due.ShouldNotContain(keptDoc);
        due.ShouldNotContain(code);
        await SignedProposalAsync("wd-1", shortDoc, "document");
        (await officer.PostAsync("/api/v1/disposition/proposals/wd-1/execution", ApiFixture.Json("{}"))).StatusCode.ShouldBe(HttpStatusCode.OK);
        await (await officer.GetAsync($"/api/v1/documents/{shortDoc}")).ShouldBeProblemAsync(410);
        (await officer.GetAsync($"/api/v1/dossiers/{code}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await officer.GetAsync($"/api/v1/documents/{keptDoc}")).StatusCode.ShouldBe(HttpStatusCode.OK);

        api.Clock.SetToday(AfterTenYears);
        await api.WaitForReviewAsync();
        (await ReviewIdsAsync(officer)).ShouldContain(code);
        await SignedProposalAsync("wd-2", code);
        var executed = await officer.PostAsync("/api/v1/disposition/proposals/wd-2/execution", ApiFixture.Json("{}"));
        executed.StatusCode.ShouldBe(HttpStatusCode.OK, await executed.Content.ReadAsStringAsync());
        (await executed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("destroyedDocuments").EnumerateArray().Select(e => e.GetString())
            .ShouldBe([keptDoc]);
        await (await officer.GetAsync($"/api/v1/documents/{keptDoc}")).ShouldBeProblemAsync(410);
    }

    private async Task SignedProposalAsync(string id, string code, string kind = "dossier")
    {
        var officer = await api.ClientAsync(Roles.RecordsOfficer);
        var proposed = await officer.PostAsync("/api/v1/disposition/proposals", ApiFixture.Json(Proposal(id, (kind, code))));
        proposed.StatusCode.ShouldBe(HttpStatusCode.Created, await proposed.Content.ReadAsStringAsync());
        (await officer.PostAsync($"/api/v1/disposition/proposals/{id}/opinions", ApiFixture.Json("""{"agrees":true}"""))).StatusCode.ShouldBe(HttpStatusCode.OK);
        var signed = await (await api.ClientAsync(Roles.Admin)).PostAsync($"/api/v1/disposition/proposals/{id}/decision",
            ApiFixture.Json("""{"decisionNumber":"99/QĐ-UBND"}"""));
        signed.StatusCode.ShouldBe(HttpStatusCode.OK, await signed.Content.ReadAsStringAsync());
    }

    private static async Task<(string Code, string DocumentId, string UniqueSha)> ClosedDossierWithContentAsync(HttpClient officer)
    {
        await Records.CreateFondsAsync(officer);
        var code = await Records.CreateDossierAsync(officer, "EX-10");
        var etag = (await officer.GetAsync($"/api/v1/dossiers/{code}/retention")).Headers.ETag!.Tag;
        var tenYears = await officer.SendAsync(Records.Put($"/api/v1/dossiers/{code}/retention", """{"retentionCode":"06"}""", etag));
        tenYears.StatusCode.ShouldBe(HttpStatusCode.OK, await tenYears.Content.ReadAsStringAsync());
        var doc = (await Records.CreateDocumentAsync(officer, code)).GetProperty("id").GetString()!;
        var unique = await UploadAsync(officer, doc, "unique-" + Guid.NewGuid());
        await UploadAsync(officer, doc, "shared-bytes");
        await CloseAsync(officer, code);
        return (code, doc, unique);
    }

    [Fact]
    public async Task auditors_read_the_lists_and_change_nothing()
    {
        api.Clock.Reset();
        var officer = await api.ClientAsync(Roles.RecordsOfficer);
        var (code, documentId) = await ClosedDossierAsync(officer, "AU-10", "06");
        api.Clock.SetToday(AfterTenYears);
        var auditor = await api.ClientAsync(Roles.Auditor);
        var before = await api.EventCountAsync();
        await (await auditor.PostAsync("/api/v1/disposition/proposals", ApiFixture.Json(Proposal("au-1", ("dossier", code))))).ShouldBeProblemAsync(403);
        await (await auditor.PostAsync($"/api/v1/dossiers/{code}/holds", ApiFixture.Json("""{"kind":"legal","authority":"TAND","reason":"x"}""")))
            .ShouldBeProblemAsync(403);
        await (await auditor.PostAsync($"/api/v1/fonds/{Records.Organ}/retention-schedule/groups",
            ApiFixture.Json("""{"code":"3","name":"Quy chế","retentionCode":"05"}"""))).ShouldBeProblemAsync(403);
        await (await auditor.SendAsync(Records.Put($"/api/v1/documents/{documentId}/retention", """{"retentionCode":"01"}""", "\"1\"")))
            .ShouldBeProblemAsync(403);
        (await api.EventCountAsync()).ShouldBe(before);
        (await auditor.GetAsync("/api/v1/disposition/review")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await auditor.GetAsync("/api/v1/disposition/blocked")).StatusCode.ShouldBe(HttpStatusCode.OK);
        // The blocked list is the auditors' (and admin's), not the proposers'.
        await (await officer.GetAsync("/api/v1/disposition/blocked")).ShouldBeProblemAsync(403);
    }
}
