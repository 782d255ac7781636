using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Archive.Api.Infrastructure.Auth;
using Archive.Api.Tests.Support;
using static Archive.Api.Tests.Support.DispositionRecords;

namespace Archive.Api.Tests;

/// <summary>Holds (phong tỏa / đóng băng) and retention (schedule and per-record periods) over HTTP.</summary>
public class holds_and_retention(DispositionFixture api) : IClassFixture<DispositionFixture>
{
    private const string Organ = Records.Organ;

    private static string DossierEdit(string title) => $$"""
        {"title":"{{title}}","retentionCode":"06","accessMode":"01","languages":["01"],"creator":"Văn phòng","confidenceLevel":"01",
         "startDate":"2025-01-05","endDate":"2025-12-20"}
        """;

    [Fact]
    public async Task holds_block_editing_content_and_destruction_until_every_hold_is_lifted()
    {
        api.Clock.Reset();
        var officer = await api.ClientAsync(Roles.RecordsOfficer);
        var legal = await api.ClientAsync(Roles.Legal);
        var (code, documentId) = await ClosedDossierAsync(officer, "HD-10", "06");

        var first = await legal.PostAsync($"/api/v1/dossiers/{code}/holds",
            ApiFixture.Json("""{"holdId":"toa-1","kind":"legal","authority":"Quyết định 12/QĐ-TAND của Tòa án nhân dân tỉnh","reason":"Vụ án hành chính"}"""));
        first.StatusCode.ShouldBe(HttpStatusCode.Created, await first.Content.ReadAsStringAsync());
        var second = await legal.PostAsync($"/api/v1/dossiers/{code}/holds",
            ApiFixture.Json("""{"holdId":"tt-2","kind":"freeze","authority":"Thanh tra tỉnh, Công văn 45/TTr","reason":"Thanh tra"}"""));
        second.StatusCode.ShouldBe(HttpStatusCode.Created);
        var docHold = await legal.PostAsync($"/api/v1/documents/{documentId}/holds",
            ApiFixture.Json("""{"holdId":"toa-3","kind":"legal","authority":"TAND tỉnh","reason":"Chứng cứ"}"""));
        docHold.StatusCode.ShouldBe(HttpStatusCode.Created);

        // Editing: 409 with a bilingual reason.
        var etag = (await officer.GetAsync($"/api/v1/dossiers/{code}")).Headers.ETag!.Tag;
        var edit = await (await officer.SendAsync(Records.Put($"/api/v1/dossiers/{code}", DossierEdit("Tên mới"), etag))).ShouldBeProblemAsync(409);
        edit.GetProperty("code").GetString().ShouldBe("under_hold");
        edit.GetProperty("detail_vi").GetString()!.ShouldContain("phong tỏa");
        edit.GetProperty("detail_en").GetString()!.ShouldContain("under hold");
        var upload = await officer.PostAsync($"/api/v1/documents/{documentId}/content", ApiFixture.Bytes([.. PdfSamples.Png, 1, 2, 3], "image/png"));
        (await upload.ShouldBeProblemAsync(409)).GetProperty("code").GetString().ShouldBe("under_hold");

        // Destruction: refused and recorded.
        api.Clock.SetToday(new DateOnly(2036, 1, 2));
        var refused = await (await officer.PostAsync("/api/v1/disposition/proposals", ApiFixture.Json(Proposal("hd-1", ("dossier", code)))))
            .ShouldBeProblemAsync(409);
        refused.GetProperty("errors")[0].GetProperty("code").GetString().ShouldBe("under_hold");

        // Lifting one of two holds is not enough.
        (await legal.PostAsync($"/api/v1/dossiers/{code}/holds/toa-1/lift", ApiFixture.Json("""{"authority":"Quyết định 30/QĐ-TAND","reason":"Vụ án kết thúc"}""")))
            .StatusCode.ShouldBe(HttpStatusCode.OK);
        etag = (await officer.GetAsync($"/api/v1/dossiers/{code}")).Headers.ETag!.Tag;
        await (await officer.SendAsync(Records.Put($"/api/v1/dossiers/{code}", DossierEdit("Tên mới"), etag))).ShouldBeProblemAsync(409);
        var holds = await legal.GetFromJsonAsync<JsonElement>($"/api/v1/dossiers/{code}/holds");
        holds.GetProperty("holds").EnumerateArray().Select(h => h.GetProperty("holdId").GetString()).ShouldBe(["tt-2"]);

        (await legal.PostAsync($"/api/v1/dossiers/{code}/holds/tt-2/lift", ApiFixture.Json("""{"authority":"Thanh tra tỉnh","reason":"Kết thúc thanh tra"}""")))
            .StatusCode.ShouldBe(HttpStatusCode.OK);
        etag = (await officer.GetAsync($"/api/v1/dossiers/{code}")).Headers.ETag!.Tag;
        (await officer.SendAsync(Records.Put($"/api/v1/dossiers/{code}", DossierEdit("Tên mới"), etag))).StatusCode.ShouldBe(HttpStatusCode.OK);
        // The document's own hold still stops its dossier's destruction.
        (await (await officer.PostAsync("/api/v1/disposition/proposals", ApiFixture.Json(Proposal("hd-2", ("dossier", code)))))
            .ShouldBeProblemAsync(409)).GetProperty("errors")[0].GetProperty("code").GetString().ShouldBe("under_hold");
        (await legal.PostAsync($"/api/v1/documents/{documentId}/holds/toa-3/lift", ApiFixture.Json("""{"authority":"TAND tỉnh","reason":"Xong"}""")))
            .StatusCode.ShouldBe(HttpStatusCode.OK);
        var accepted = await officer.PostAsync("/api/v1/disposition/proposals", ApiFixture.Json(Proposal("hd-3", ("dossier", code))));
        accepted.StatusCode.ShouldBe(HttpStatusCode.Created, await accepted.Content.ReadAsStringAsync());

        // Every placing and lifting is an event with its authority.
        var events = await api.Service<Archive.EventStore.EventStore>().ReadStreamAsync($"dossier-{code}");
        events.Count(e => e.TypeName == "hold.placed.v1").ShouldBe(2);
        events.Where(e => e.TypeName == "hold.lifted.v1").Select(e => ((Archive.Domain.Holds.HoldLifted)e.Data!).Authority)
            .ShouldBe(["Quyết định 30/QĐ-TAND", "Thanh tra tỉnh"]);
    }

    [Fact]
    public async Task a_hold_needs_a_kind_an_authority_and_a_reason_and_records_officers_cannot_place_one()
    {
        api.Clock.Reset();
        var officer = await api.ClientAsync(Roles.RecordsOfficer);
        var (code, _) = await ClosedDossierAsync(officer, "HV-10", "06", withDocument: false);
        var legal = await api.ClientAsync(Roles.Legal);
        var bad = await (await legal.PostAsync($"/api/v1/dossiers/{code}/holds", ApiFixture.Json("""{"kind":"forever"}"""))).ShouldBeProblemAsync(400);
        bad.ErrorFields().ShouldBe(["authority", "reason", "kind"], ignoreOrder: true);
        await (await officer.PostAsync($"/api/v1/dossiers/{code}/holds",
            ApiFixture.Json("""{"kind":"legal","authority":"x","reason":"y"}"""))).ShouldBeProblemAsync(403);
        await (await legal.PostAsync($"/api/v1/dossiers/{code}/holds/none/lift", ApiFixture.Json("""{"authority":"x","reason":"y"}""")))
            .ShouldBeProblemAsync(404);
    }

    [Fact]
    public async Task the_schedule_proposes_a_period_by_group_and_a_record_cannot_be_set_below_it()
    {
        api.Clock.Reset();
        var officer = await api.ClientAsync(Roles.RecordsOfficer);
        var added = await officer.PostAsync($"/api/v1/fonds/{Organ}/retention-schedule/groups",
            ApiFixture.Json("""{"code":"I.3","name":"Hồ sơ xây dựng, ban hành điều lệ, quy chế, quy định","retentionCode":"05"}"""));
        added.StatusCode.ShouldBe(HttpStatusCode.Created, await added.Content.ReadAsStringAsync());
        var auditor = await api.ClientAsync(Roles.Auditor);
        var group = await auditor.GetFromJsonAsync<JsonElement>($"/api/v1/fonds/{Organ}/retention-schedule/groups/I.3");
        group.GetProperty("retentionYears").GetInt32().ShouldBe(20);
        group.GetProperty("retention").GetString().ShouldBe("20 năm");

        var (code, documentId) = await ClosedDossierAsync(officer, "RT-10", "06");
        string Etag(HttpResponseMessage r) => r.Headers.ETag!.Tag;
        var etag = Etag(await officer.GetAsync($"/api/v1/dossiers/{code}/retention"));

        // The agency has a schedule, so a change must name its group.
        var noGroup = await (await officer.SendAsync(Records.Put($"/api/v1/dossiers/{code}/retention", """{"retentionCode":"04"}""", etag)))
            .ShouldBeProblemAsync(400);
        noGroup.ErrorFields().ShouldBe(["scheduleGroup"]);
        var badYears = await (await officer.SendAsync(Records.Put($"/api/v1/dossiers/{code}/retention",
            """{"retentionCode":"07","retentionYears":1,"scheduleGroup":"I.3"}""", etag))).ShouldBeProblemAsync(400);
        badYears.ErrorFields().ShouldBe(["retentionCode"]);

        // 10 years is below the group's 20: refused, bilingual.
        var below = await (await officer.SendAsync(Records.Put($"/api/v1/dossiers/{code}/retention",
            """{"retentionCode":"06","retentionYears":10,"scheduleGroup":"I.3"}""", etag))).ShouldBeProblemAsync(409);
        below.GetProperty("code").GetString().ShouldBe("retention_below_schedule");
        below.GetProperty("detail_vi").GetString()!.ShouldContain("20 năm");
        below.GetProperty("detail_en").GetString()!.ShouldContain("20 years");

        var raised = await officer.SendAsync(Records.Put($"/api/v1/dossiers/{code}/retention",
            """{"retentionCode":"04","scheduleGroup":"I.3","reason":"Theo bảng thời hạn"}""", etag));
        raised.StatusCode.ShouldBe(HttpStatusCode.OK, await raised.Content.ReadAsStringAsync());
        var body = await raised.Content.ReadFromJsonAsync<JsonElement>();
        body.GetProperty("retention").GetString().ShouldBe("30 năm");
        body.GetProperty("keepUntil").GetString().ShouldBe("2055-12-31");

        // A document made permanent raises its dossier (a dossier takes the longest of its documents).
        var docEtag = Etag(await officer.GetAsync($"/api/v1/documents/{documentId}/retention"));
        var permanent = await officer.SendAsync(Records.Put($"/api/v1/documents/{documentId}/retention",
            """{"retentionCode":"01","scheduleGroup":"I.3"}""", docEtag));
        permanent.StatusCode.ShouldBe(HttpStatusCode.OK, await permanent.Content.ReadAsStringAsync());
        (await officer.GetFromJsonAsync<JsonElement>($"/api/v1/dossiers/{code}/retention")).GetProperty("retentionCode").GetString().ShouldBe("01");

        // ...and the dossier can no longer be set below it.
        etag = Etag(await officer.GetAsync($"/api/v1/dossiers/{code}/retention"));
        (await (await officer.SendAsync(Records.Put($"/api/v1/dossiers/{code}/retention", """{"retentionCode":"04","scheduleGroup":"I.3"}""", etag)))
            .ShouldBeProblemAsync(400)).GetProperty("errors")[0].GetProperty("code").GetString().ShouldBe("shorter_than_documents");

        // Editing the schedule needs If-Match and records the change.
        var schedule = await officer.GetAsync($"/api/v1/fonds/{Organ}/retention-schedule");
        var changed = await officer.SendAsync(Records.Put($"/api/v1/fonds/{Organ}/retention-schedule/groups/I.3",
            """{"name":"Hồ sơ xây dựng, ban hành điều lệ, quy chế, quy định","retentionCode":"04"}""", Etag(schedule)));
        changed.StatusCode.ShouldBe(HttpStatusCode.OK, await changed.Content.ReadAsStringAsync());
        (await changed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("changes")[0].GetProperty("field").GetString().ShouldBe("period");
    }

    [Fact]
    public async Task a_general_edit_may_raise_retention_but_not_shorten_it()
    {
        api.Clock.Reset();
        var officer = await api.ClientAsync(Roles.RecordsOfficer);
        var (code, _) = await ClosedDossierAsync(officer, "GE-10", "06", withDocument: false);
        var etag = (await officer.GetAsync($"/api/v1/dossiers/{code}")).Headers.ETag!.Tag;
        var before = await api.EventCountAsync();
        var shorter = await (await officer.SendAsync(Records.Put($"/api/v1/dossiers/{code}",
            DossierEdit("Hồ sơ GE-10").Replace("\"retentionCode\":\"06\"", "\"retentionCode\":\"07\",\"retentionYears\":5"), etag))).ShouldBeProblemAsync(409);
        shorter.GetProperty("code").GetString().ShouldBe("retention_shortening_needs_schedule");
        shorter.GetProperty("detail_en").GetString()!.ShouldContain("/retention");
        (await api.EventCountAsync()).ShouldBe(before);
        var longer = await officer.SendAsync(Records.Put($"/api/v1/dossiers/{code}",
            DossierEdit("Hồ sơ GE-10").Replace("\"retentionCode\":\"06\"", "\"retentionCode\":\"04\""), etag));
        longer.StatusCode.ShouldBe(HttpStatusCode.OK, await longer.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task a_hold_on_a_dossier_freezes_the_documents_filed_in_it()
    {
        api.Clock.Reset();
        var officer = await api.ClientAsync(Roles.RecordsOfficer);
        var legal = await api.ClientAsync(Roles.Legal);
        var (code, documentId) = await ClosedDossierAsync(officer, "HF-10", "06");
        (await legal.PostAsync($"/api/v1/dossiers/{code}/holds", ApiFixture.Json("""{"holdId":"f-1","kind":"freeze","authority":"Thanh tra tỉnh","reason":"Thanh tra"}""")))
            .StatusCode.ShouldBe(HttpStatusCode.Created);
        var before = await api.EventCountAsync();
        var etag = (await officer.GetAsync($"/api/v1/documents/{documentId}")).Headers.ETag!.Tag;
        var edit = await (await officer.SendAsync(Records.Put($"/api/v1/documents/{documentId}", Records.DocumentJson(code, "Trích yếu mới"), etag)))
            .ShouldBeProblemAsync(409);
        edit.GetProperty("code").GetString().ShouldBe("under_hold");
        edit.GetProperty("detail_en").GetString()!.ShouldContain(code);
        var bytes = PdfSamples.Png.Concat(new byte[] { 9, 9, 9 }).ToArray();
        (await (await officer.PostAsync($"/api/v1/documents/{documentId}/content", ApiFixture.Bytes(bytes, "image/png"))).ShouldBeProblemAsync(409))
            .GetProperty("code").GetString().ShouldBe("under_hold");
        (await api.EventCountAsync()).ShouldBe(before);

        (await legal.PostAsync($"/api/v1/dossiers/{code}/holds/f-1/lift", ApiFixture.Json("""{"authority":"Thanh tra tỉnh","reason":"Xong"}""")))
            .StatusCode.ShouldBe(HttpStatusCode.OK);
        (await officer.PostAsync($"/api/v1/documents/{documentId}/content", ApiFixture.Bytes(bytes, "image/png"))).StatusCode.ShouldBe(HttpStatusCode.Created);
    }
}
