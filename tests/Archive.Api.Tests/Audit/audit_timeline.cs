using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Archive.Api.Infrastructure.Auth;
using Archive.Api.Tests.Support;
using static Archive.Api.Tests.Audit.AuditTestData;
using static Archive.Api.Tests.Support.Records;

namespace Archive.Api.Tests.Audit;

/// <summary>The audit timeline of fonds, dossiers and documents: content, paging, filters, exports and access.</summary>
public class audit_timeline(AuditFixture api) : IClassFixture<AuditFixture>
{
    private async Task<(Filed Filed, string EditReason)> EditedDocumentAsync(string notation)
    {
        var filed = await DossierWithDocumentAsync(api, notation);
        var edit = Put($"/api/v1/documents/{filed.DocumentId}", DocumentJson(filed.Dossier, "Quyết định về việc sửa đổi quy chế"), "\"1\"");
        const string reason = "Đính chính trích yếu theo công văn 12/VP";
        edit.Headers.Add("X-Reason", reason);
        (await filed.Officer.SendAsync(edit)).StatusCode.ShouldBe(HttpStatusCode.OK);
        return (filed, reason);
    }

    private static List<JsonElement> Items(JsonElement page) => page.GetProperty("items").EnumerateArray().ToList();

    [Fact]
    public async Task a_documents_timeline_shows_every_event_with_actor_time_source_address_reason_and_field_changes()
    {
        var (filed, reason) = await EditedDocumentAsync("TL-01");
        var auditor = await api.ClientAsync(Roles.Auditor);
        var page = await auditor.GetFromJsonAsync<JsonElement>($"/api/v1/audit/timeline?record={filed.DocumentId}");
        page.GetProperty("kind").GetString().ShouldBe("document");
        var items = Items(page);
        items.Select(i => i.GetProperty("type").GetString())
            .ShouldBe(["document.registered.v1", "dossier.document.filed.v1", "document.metadata.changed.v1"]);
        items.Select(i => i.GetProperty("position").GetInt64()).ShouldBeInOrder(SortDirection.Ascending);
        items.ShouldAllBe(i => i.GetProperty("sourceAddress").GetString() == AuditFixture.ClientAddress.ToString());
        items.ShouldAllBe(i => i.GetProperty("actorRole").GetString() == Roles.RecordsOfficer);
        items.ShouldAllBe(i => !string.IsNullOrEmpty(i.GetProperty("actor").GetString()));
        items.ShouldAllBe(i => i.GetProperty("recordedAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-5));
        items[1].GetProperty("streamId").GetString().ShouldBe("dossier-" + filed.Dossier);

        var edit = items[2];
        edit.GetProperty("reason").GetString().ShouldBe(reason);
        var change = edit.GetProperty("changes").EnumerateArray().Single();
        change.GetProperty("field").GetString().ShouldBe("subject");
        change.GetProperty("old").GetString().ShouldBe("Quyết định về việc ban hành quy chế");
        change.GetProperty("new").GetString().ShouldBe("Quyết định về việc sửa đổi quy chế");
    }

    [Fact]
    public async Task dossier_and_fonds_timelines_include_what_they_contain()
    {
        var (filed, _) = await EditedDocumentAsync("TL-02");
        var auditor = await api.ClientAsync(Roles.Admin);
        var dossier = Items(await auditor.GetFromJsonAsync<JsonElement>($"/api/v1/audit/timeline?record={filed.Dossier}"));
        dossier.Select(i => i.GetProperty("streamId").GetString()).Distinct()
            .ShouldBe(["dossier-" + filed.Dossier, "document-" + filed.DocumentId], ignoreOrder: true);
        dossier.Count.ShouldBe(4);

        var fonds = await auditor.GetFromJsonAsync<JsonElement>($"/api/v1/audit/timeline?record={Organ}&limit=1000");
        fonds.GetProperty("kind").GetString().ShouldBe("fonds");
        var streams = Items(fonds).Select(i => i.GetProperty("streamId").GetString()).ToHashSet();
        streams.ShouldContain("fonds-" + Organ);
        streams.ShouldContain("dossier-" + filed.Dossier);
        streams.ShouldContain("document-" + filed.DocumentId);
    }

    [Fact]
    public async Task pages_follow_a_stable_order_and_filters_select_period_and_type()
    {
        var (filed, _) = await EditedDocumentAsync("TL-03");
        var auditor = await api.ClientAsync(Roles.Auditor);
        var url = $"/api/v1/audit/timeline?record={filed.Dossier}";
        var all = Items(await auditor.GetFromJsonAsync<JsonElement>(url)).Select(i => i.GetProperty("position").GetInt64()).ToList();

        var paged = new List<long>();
        long? cursor = null;
        do
        {
            var page = await auditor.GetFromJsonAsync<JsonElement>(url + "&limit=1" + (cursor is null ? "" : $"&cursor={cursor}"));
            paged.AddRange(Items(page).Select(i => i.GetProperty("position").GetInt64()));
            cursor = page.GetProperty("nextCursor").ValueKind == JsonValueKind.Null ? null : page.GetProperty("nextCursor").GetInt64();
        } while (cursor is not null);
        paged.ShouldBe(all);

        var edits = Items(await auditor.GetFromJsonAsync<JsonElement>(url + "&type=document.metadata.changed.v1,dossier.opened.v1"));
        edits.Select(i => i.GetProperty("type").GetString()).ShouldBe(["dossier.opened.v1", "document.metadata.changed.v1"]);
        var future = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddDays(1).ToString("O"));
        Items(await auditor.GetFromJsonAsync<JsonElement>(url + $"&from={future}")).ShouldBeEmpty();
        var past = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddDays(-1).ToString("O"));
        Items(await auditor.GetFromJsonAsync<JsonElement>(url + $"&from={past}&to={future}")).Count.ShouldBe(all.Count);
    }

    [Fact]
    public async Task a_period_exports_as_json_lines_and_as_csv()
    {
        var (filed, reason) = await EditedDocumentAsync("TL-04");
        var auditor = await api.ClientAsync(Roles.Auditor);
        var url = $"/api/v1/audit/timeline?record={filed.DocumentId}&from={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(-1).ToString("O"))}";

        var jsonl = await auditor.GetAsync(url + "&format=jsonl");
        jsonl.StatusCode.ShouldBe(HttpStatusCode.OK);
        jsonl.Content.Headers.ContentType!.MediaType.ShouldBe("application/jsonl");
        var lines = (await jsonl.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Length.ShouldBe(3);
        lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("type").GetString()).Last().ShouldBe("document.metadata.changed.v1");

        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
        var csv = await auditor.SendAsync(request);
        csv.Content.Headers.ContentType!.MediaType.ShouldBe("text/csv");
        var text = await csv.Content.ReadAsStringAsync();
        var rows = text.TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        rows[0].ShouldBe("position,recorded_at,stream_id,version,type,actor,actor_name,actor_role,source_address,reason,correlation_id,changes,data");
        rows.Length.ShouldBe(4);
        rows[3].ShouldContain(reason);
        rows[3].ShouldContain(AuditFixture.ClientAddress.ToString());
        rows[3].ShouldContain("\"\"field\"\": \"\"subject\"\"");
    }

    [Fact]
    public async Task bad_or_unknown_requests_are_refused_and_change_nothing()
    {
        var auditor = await api.ClientAsync(Roles.Auditor);
        (await (await auditor.GetAsync("/api/v1/audit/timeline")).ShouldBeProblemAsync(400)).ErrorFields().ShouldContain("record");
        (await (await auditor.GetAsync($"/api/v1/audit/timeline?record={Organ}&from=yesterday&limit=0")).ShouldBeProblemAsync(400))
            .ErrorFields().ShouldBe(["from", "limit"], ignoreOrder: true);
        await (await auditor.GetAsync("/api/v1/audit/timeline?record=no-such-record")).ShouldBeProblemAsync(404);
    }

    [Fact]
    public async Task an_auditor_cannot_change_records()
    {
        var filed = await DossierWithDocumentAsync(api, "TL-05");
        var auditor = await api.ClientAsync(Roles.Auditor);
        var before = await api.EventCountAsync();
        await (await auditor.PostAsync("/api/v1/dossiers", ApiFixture.Json(DossierJson(Organ, 2025, "TL-06")))).ShouldBeProblemAsync(403);
        await (await auditor.SendAsync(Put($"/api/v1/documents/{filed.DocumentId}", DocumentJson(filed.Dossier, "Sửa"), "\"1\""))).ShouldBeProblemAsync(403);
        (await api.EventCountAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task a_secret_records_timeline_is_hidden_from_an_uncleared_auditor()
    {
        var officer = await api.ClientAsync(Roles.RecordsOfficer, clearedForSecret: true);
        var secret = await CreateDossierAsync(officer, "TL-MAT", access: "03");
        await (await (await api.ClientAsync(Roles.Auditor)).GetAsync($"/api/v1/audit/timeline?record={secret}")).ShouldBeProblemAsync(404);
        var cleared = await api.ClientAsync(Roles.Auditor, clearedForSecret: true);
        Items(await cleared.GetFromJsonAsync<JsonElement>($"/api/v1/audit/timeline?record={secret}")).ShouldNotBeEmpty();
    }

    [Fact]
    public async Task a_secret_documents_events_are_left_out_of_its_dossiers_timeline_for_an_uncleared_auditor()
    {
        var officer = await api.ClientAsync(Roles.RecordsOfficer, clearedForSecret: true);
        var dossier = await CreateDossierAsync(officer, "TL-07");
        var secret = (await CreateDocumentAsync(officer, dossier, access: "03")).GetProperty("id").GetString()!;
        await api.WaitForSearchAsync();
        var url = $"/api/v1/audit/timeline?record={dossier}";

        var uncleared = Items(await (await api.ClientAsync(Roles.Auditor)).GetFromJsonAsync<JsonElement>(url));
        uncleared.Select(i => i.GetProperty("streamId").GetString()).ShouldNotContain("document-" + secret);
        var cleared = Items(await (await api.ClientAsync(Roles.Auditor, clearedForSecret: true)).GetFromJsonAsync<JsonElement>(url));
        cleared.Select(i => i.GetProperty("streamId").GetString()).ShouldContain("document-" + secret);
    }
}
