using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Archive.Api.Features.Records;
using Archive.Api.Infrastructure.Auth;
using Archive.Api.Tests.Audit;
using Archive.Api.Tests.Support;
using Archive.Domain.Documents;
using Archive.Domain.Dossiers;
using Npgsql;
using static Archive.Api.Tests.Support.Records;

namespace Archive.Api.Tests;

/// <summary>
/// A record's access regime lives in one inline place, <c>archive_api.record_list</c>, written with the events; every read
/// over many records takes it from there, with the projection daemon stopped (issue 15). Destroyed records keep a
/// tombstone row with their last regime, since their own events were shredded.
/// </summary>
public class one_access_source(PausedProjectionsFixture api) : IClassFixture<PausedProjectionsFixture>
{
    private const string Secret = "Phương án phòng thủ khu vực biên giới";

    private static async Task<string> TextAsync(HttpResponseMessage r) =>
        System.Text.RegularExpressions.Regex.Unescape(await r.EnsureSuccessStatusCode().Content.ReadAsStringAsync());

    /// <summary>What a read shows the caller; a read their role may not use at all shows nothing.</summary>
    private static async Task<string> SeenAsync(HttpClient client, string url)
    {
        var r = await client.GetAsync(url);
        return r.StatusCode == HttpStatusCode.Forbidden ? "" : await TextAsync(r);
    }

    private static async Task<string> EtagAsync(HttpClient client, string url) => (await client.GetAsync(url)).Headers.ETag!.Tag;

    /// <summary>Every read over many records an uncleared person can use, as text.</summary>
    private static async Task<string> EverythingSeenAsync(HttpClient client, string dossier, string word, Guid savedSearch)
    {
        var urls = new List<string>();
        foreach (var format in new[] { "json", "jsonl", "csv" })
            foreach (var record in new[] { dossier, Organ })
                urls.Add($"/api/v1/audit/timeline?record={record}&limit=1000&format={format}");
        urls.AddRange([$"/api/v1/search?q={Uri.EscapeDataString(word)}", $"/api/v1/saved-searches/{savedSearch}/results",
            "/api/v1/documents?limit=200", $"/api/v1/documents?dossierCode={dossier}", "/api/v1/dossiers?limit=200",
            "/api/v1/access-log?limit=1000", "/api/v1/disposition/review", "/api/v1/access-alerts"]);
        var seen = new System.Text.StringBuilder();
        foreach (var url in urls) seen.AppendLine(await SeenAsync(client, url));
        return seen.ToString();
    }

    private async Task<Guid> SavedSearchAsync(HttpClient client, string word)
    {
        var r = await client.PostAsync("/api/v1/saved-searches", ApiFixture.Json($$$"""{"name":"{{{word}}}","query":{"text":"{{{word}}}"}}"""));
        r.StatusCode.ShouldBe(HttpStatusCode.Created);
        return (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    [Fact]
    public async Task a_document_that_becomes_secret_leaks_through_no_read_path_while_projections_are_stopped()
    {
        var officer = await api.ClientAsync(Roles.RecordsOfficer, clearedForSecret: true);
        var dossier = await CreateDossierAsync(officer, "ONE-01");
        const string subject = Secret + " charlie";
        var id = (await CreateDocumentAsync(officer, dossier, subject)).GetProperty("id").GetString()!;
        (await officer.GetAsync($"/api/v1/documents/{id}?purpose=Tra cứu {subject}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        await api.CatchUpAsync();
        // Both an auditor (timelines, access log) and a legal officer (lists, search, copies) without clearance.
        var auditor = await api.ClientAsync(Roles.Auditor);
        var legal = await api.ClientAsync(Roles.Legal);
        var auditorSearch = await SavedSearchAsync(auditor, "charlie");
        var legalSearch = await SavedSearchAsync(legal, "charlie");
        (await EverythingSeenAsync(auditor, dossier, "charlie", auditorSearch)).ShouldContain(subject, customMessage: "the test can see the record before");

        var changed = await officer.SendAsync(Put($"/api/v1/documents/{id}", DocumentJson(dossier, subject, access: "03"),
            await EtagAsync(officer, $"/api/v1/documents/{id}")));
        changed.StatusCode.ShouldBe(HttpStatusCode.OK, await changed.Content.ReadAsStringAsync());

        // The search index still says 01 (no projection ran); nothing an uncleared caller reads may show the record.
        foreach (var (client, search) in new[] { (auditor, auditorSearch), (legal, legalSearch) })
        {
            var seen = await EverythingSeenAsync(client, dossier, "charlie", search);
            seen.ShouldNotContain(subject);
            seen.ShouldNotContain("document-" + id);
        }
        // Single-record paths decide from the record's own stream: 404, as if it did not exist.
        await (await auditor.GetAsync($"/api/v1/audit/documents/{id}?asOf={await api.LastPositionAsync()}")).ShouldBeProblemAsync(404);
        await (await auditor.GetAsync($"/api/v1/audit/timeline?record={id}")).ShouldBeProblemAsync(404);
        await (await legal.GetAsync($"/api/v1/documents/{id}")).ShouldBeProblemAsync(404);
        await (await legal.PostAsync($"/api/v1/documents/{id}/copies", ApiFixture.Json("""{"kind":"sao-y","purpose":"Tòa án"}"""))).ShouldBeProblemAsync(404);

        var cleared = await api.ClientAsync(Roles.Auditor, clearedForSecret: true);
        (await EverythingSeenAsync(cleared, dossier, "charlie", await SavedSearchAsync(cleared, "charlie"))).ShouldContain(subject);
        await EveryRegimeMatchesTheRecordsOwnStreamAsync();
    }

    [Fact]
    public async Task an_uncleared_caller_still_sees_every_ordinary_record_on_every_read_path_while_a_secret_one_exists()
    {
        var officer = await api.ClientAsync(Roles.RecordsOfficer, clearedForSecret: true);
        var dossier = await CreateDossierAsync(officer, "ONE-03");
        const string secret = Secret + " delta", ordinary = "Báo cáo tổng kết công tác văn thư delta";
        var secretId = (await CreateDocumentAsync(officer, dossier, secret)).GetProperty("id").GetString()!;
        var changed = await officer.SendAsync(Put($"/api/v1/documents/{secretId}", DocumentJson(dossier, secret, access: "03"),
            await EtagAsync(officer, $"/api/v1/documents/{secretId}")));
        changed.StatusCode.ShouldBe(HttpStatusCode.OK, await changed.Content.ReadAsStringAsync());
        var ordinaryId = (await CreateDocumentAsync(officer, dossier, ordinary)).GetProperty("id").GetString()!;
        (await officer.GetAsync($"/api/v1/documents/{ordinaryId}?purpose=Tra cứu {ordinary}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        await api.CatchUpAsync();

        // A filter that hid every record as soon as one 03 record existed would pass the leak tests: this one fails then.
        foreach (var role in new[] { Roles.Auditor, Roles.Legal })
        {
            var client = await api.ClientAsync(role);
            var seen = await EverythingSeenAsync(client, dossier, "delta", await SavedSearchAsync(client, "delta"));
            seen.ShouldContain(role == Roles.Auditor ? "document-" + ordinaryId : ordinary, customMessage: role);
            seen.ShouldNotContain(secret);
            seen.ShouldNotContain("document-" + secretId);
        }
        var legal = await api.ClientAsync(Roles.Legal);
        (await TextAsync(await legal.GetAsync("/api/v1/search?q=delta"))).ShouldContain(ordinary);
        (await TextAsync(await legal.GetAsync($"/api/v1/documents?dossierCode={dossier}"))).ShouldContain(ordinary);
        var auditor = await api.ClientAsync(Roles.Auditor);
        (await TextAsync(await auditor.GetAsync($"/api/v1/audit/timeline?record={dossier}&limit=1000&format=jsonl"))).ShouldContain("document-" + ordinaryId);
    }

    [Fact]
    public async Task a_destroyed_secret_record_keeps_its_regime_in_a_tombstone_and_its_residual_is_hidden_from_uncleared_callers()
    {
        var officer = await api.ClientAsync(Roles.RecordsOfficer, clearedForSecret: true);
        const string title = "Hồ sơ " + Secret + " delta";
        await CreateFondsAsync(officer);
        var opened = await officer.PostAsync("/api/v1/dossiers", ApiFixture.Json(DossierJson(Organ, 2025, "ONE-02", title, access: "03", retention: "06")));
        opened.StatusCode.ShouldBe(HttpStatusCode.Created, await opened.Content.ReadAsStringAsync());
        var code = (await opened.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString()!;
        var documentId = (await CreateDocumentAsync(officer, code, Secret + " echo", access: "03")).GetProperty("id").GetString()!;
        await DispositionRecords.CloseAsync(officer, code);
        var admin = await api.ClientAsync(Roles.Admin, clearedForSecret: true);
        api.Clock.SetToday(new DateOnly(2036, 1, 2));
        try
        {
            (await officer.PostAsync("/api/v1/disposition/proposals", ApiFixture.Json(DispositionRecords.Proposal("one-2", ("dossier", code)))))
                .StatusCode.ShouldBe(HttpStatusCode.Created);
            foreach (var member in new[] { officer, await api.ClientAsync(Roles.Legal, clearedForSecret: true) })
                (await member.PostAsync("/api/v1/disposition/proposals/one-2/opinions", ApiFixture.Json("""{"agrees":true}"""))).StatusCode.ShouldBe(HttpStatusCode.OK);
            (await admin.PostAsync("/api/v1/disposition/proposals/one-2/decision", ApiFixture.Json("""{"decisionNumber":"20/QĐ-UBND"}""")))
                .StatusCode.ShouldBe(HttpStatusCode.OK);
            var executed = await officer.PostAsync("/api/v1/disposition/proposals/one-2/execution", ApiFixture.Json("{}"));
            executed.StatusCode.ShouldBe(HttpStatusCode.OK, await executed.Content.ReadAsStringAsync());
        }
        finally { api.Clock.Reset(); }

        // The tombstone: regime kept, no text.
        await using var db = NpgsqlDataSource.Create(api.ConnectionString);
        await using (var cmd = db.CreateCommand("select status, access_regime, title from archive_api.record_list where id = any($1) order by kind"))
        {
            cmd.Parameters.AddWithValue(new[] { code, documentId });
            await using var r = await cmd.ExecuteReaderAsync();
            var rows = new List<(string, string, string)>();
            while (await r.ReadAsync()) rows.Add((r.GetString(0), r.GetString(1), r.GetString(2)));
            rows.ShouldBe([("destroyed", "03", ""), ("destroyed", "03", "")]);
        }
        (await db.CreateCommand("select to_regclass('archive_api.record_access') is null").ExecuteScalarAsync()).ShouldBe(true);

        var auditor = await api.ClientAsync(Roles.Auditor);
        await (await auditor.GetAsync($"/api/v1/dossiers/{code}")).ShouldBeProblemAsync(404);
        await (await auditor.GetAsync($"/api/v1/documents/{documentId}")).ShouldBeProblemAsync(404);
        await (await auditor.GetAsync($"/api/v1/audit/timeline?record={code}")).ShouldBeProblemAsync(404);
        var fonds = await TextAsync(await auditor.GetAsync($"/api/v1/audit/timeline?record={Organ}&limit=1000&format=jsonl"));
        fonds.ShouldNotContain("dossier-" + code);
        fonds.ShouldNotContain("document-" + documentId);
        (await TextAsync(await auditor.GetAsync("/api/v1/dossiers?limit=200"))).ShouldNotContain(code);

        var cleared = await api.ClientAsync(Roles.Auditor, clearedForSecret: true);
        (await (await cleared.GetAsync($"/api/v1/dossiers/{code}")).ShouldBeProblemAsync(410)).GetProperty("residual")
            .GetProperty("decisionNumber").GetString().ShouldBe("20/QĐ-UBND");
        await (await cleared.GetAsync($"/api/v1/documents/{documentId}")).ShouldBeProblemAsync(410);
        (await TextAsync(await cleared.GetAsync($"/api/v1/audit/timeline?record={code}&limit=1000&format=jsonl"))).ShouldContain("dossier.destroyed.v1");
        // Lists leave destroyed records out, for everybody.
        (await TextAsync(await cleared.GetAsync("/api/v1/dossiers?limit=200"))).ShouldNotContain(code);
        await EveryRegimeMatchesTheRecordsOwnStreamAsync();
    }

    /// <summary>
    /// The one source agrees with the records themselves: each live record's regime in <c>record_list</c> is the one its
    /// own stream folds to, and there is no second table that could say otherwise.
    /// </summary>
    private async Task EveryRegimeMatchesTheRecordsOwnStreamAsync()
    {
        var repo = api.Service<RecordsRepository>();
        await using var db = NpgsqlDataSource.Create(api.ConnectionString);
        (await db.CreateCommand("select to_regclass('archive_api.record_access') is null").ExecuteScalarAsync()).ShouldBe(true);
        await using var cmd = db.CreateCommand("select kind, id, access_regime, status from archive_api.record_list");
        var rows = new List<(string Kind, string Id, string Regime, string Status)>();
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync()) rows.Add((r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3)));
        rows.ShouldNotBeEmpty();
        foreach (var (kind, id, regime, status) in rows)
        {
            var (own, destroyed) = kind == "dossier"
                ? (await repo.LoadDossierAsync(id, default)).State is var d ? (d.Metadata?.AccessMode, d.Residual is not null) : default
                : (await repo.LoadDocumentAsync(id, default)).State is var x ? (x.Metadata?.AccessMode, x.Residual is not null) : default;
            (status == "destroyed").ShouldBe(destroyed, $"{kind} {id}");
            // A destroyed record's own regime was shredded with it: the tombstone is all that is left to decide.
            if (!destroyed) regime.ShouldBe(own, $"{kind} {id}");
        }
        var streams = (await repo.StreamsOfTypeAsync("dossier", default)).Count + (await repo.StreamsOfTypeAsync("document", default)).Count;
        (await db.CreateCommand("select count(*) from archive_api.record_list").ExecuteScalarAsync()).ShouldBe((long)streams,
            "every record has exactly one row, destroyed ones included");
    }
}
