using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Archive.Api.Hosting;
using Archive.Api.Infrastructure.Auth;
using Archive.Api.Tests.Audit;
using Archive.Api.Tests.Support;
using Archive.EventStore;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using static Archive.Api.Tests.Support.Records;

namespace Archive.Api.Tests;

/// <summary>
/// The API with its projection daemon switched off, so the asynchronous read models (search index, disposition
/// review) are exactly as far as the test moved them with <see cref="CatchUpAsync"/>: what an uncleared caller sees
/// right after an append, however far behind the projections are under load.
/// </summary>
public sealed class PausedProjectionsFixture : ApiFixture
{
    public MovableClock Clock { get; } = new();

    protected override void Configure(IWebHostBuilder builder) =>
        builder.ConfigureServices(s =>
        {
            foreach (var d in s.Where(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(ProjectionDaemonService)).ToList())
                s.Remove(d);
            s.AddSingleton<TimeProvider>(Clock);
        });

    /// <summary>
    /// Projects everything stored so far. The safe high-water mark follows the whole cluster's open transactions (other
    /// test classes share it), so catch-up repeats until every projection's checkpoint has reached the last event.
    /// </summary>
    public async Task CatchUpAsync()
    {
        var store = Service<Archive.EventStore.EventStore>();
        var projections = Service<IEnumerable<IAsyncProjection>>().ToList();
        var daemon = new ProjectionDaemon(store, projections);
        var last = await this.LastPositionAsync();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            await daemon.CatchUpAsync();
            var behind = false;
            foreach (var p in projections) behind |= await store.GetCheckpointAsync(p.Name) < last;
            if (!behind) return;
            if (DateTime.UtcNow > deadline) throw new TimeoutException("projections did not reach the last event");
            await Task.Delay(20);
        }
    }
}

/// <summary>
/// Regime 03 (Mật) records stay hidden from callers without clearance on every read that lists many records, from the
/// moment of the append: the decision never waits for an asynchronous read model (issue 15).
/// </summary>
public class secret_records_without_projections(PausedProjectionsFixture api) : IClassFixture<PausedProjectionsFixture>
{
    private const string Secret = "Kế hoạch bảo vệ mục tiêu quân sự trọng yếu";

    /// <summary>The timeline as text, JSON escapes undone so Vietnamese text can be looked for in every format.</summary>
    private static async Task<string> TimelineAsync(HttpClient client, string record, string format) =>
        System.Text.RegularExpressions.Regex.Unescape(await (await client.GetAsync($"/api/v1/audit/timeline?record={record}&limit=1000&format={format}"))
            .EnsureSuccessStatusCode().Content.ReadAsStringAsync());

    private static async Task<List<string?>> PurposesAsync(HttpClient client, string documentId) =>
        (await client.GetFromJsonAsync<JsonElement>($"/api/v1/access-log?resourceKind=document&resourceId={documentId}"))
            .EnumerateArray().Select(e => e.GetProperty("purpose").GetString()).ToList();

    private static async Task<string> EtagAsync(HttpClient client, string url) => (await client.GetAsync(url)).Headers.ETag!.Tag;

    [Fact]
    public async Task a_new_secret_document_is_absent_from_dossier_and_fonds_timelines_of_an_uncleared_auditor_in_every_format()
    {
        var officer = await api.ClientAsync(Roles.RecordsOfficer, clearedForSecret: true);
        var dossier = await CreateDossierAsync(officer, "MAT-01");
        const string secret = Secret + " (MAT-01)";
        var secretId = (await CreateDocumentAsync(officer, dossier, secret, access: "03")).GetProperty("id").GetString()!;
        var auditor = await api.ClientAsync(Roles.Auditor);
        var cleared = await api.ClientAsync(Roles.Auditor, clearedForSecret: true);

        foreach (var format in new[] { "json", "jsonl", "csv" })
            foreach (var record in new[] { dossier, Organ })
            {
                var seen = await TimelineAsync(auditor, record, format);
                seen.ShouldContain("dossier-" + dossier);
                seen.ShouldNotContain(secret, customMessage: $"{format} timeline of {record}");
                seen.ShouldNotContain("document-" + secretId, customMessage: $"{format} timeline of {record}");
                (await TimelineAsync(cleared, record, format)).ShouldContain(secret);
            }
        await (await auditor.GetAsync($"/api/v1/audit/timeline?record={secretId}")).ShouldBeProblemAsync(404);
    }

    [Fact]
    public async Task a_document_that_becomes_secret_leaves_timelines_search_and_the_access_log_at_once()
    {
        var officer = await api.ClientAsync(Roles.RecordsOfficer, clearedForSecret: true);
        var dossier = await CreateDossierAsync(officer, "MAT-02");
        const string secret = Secret + " (MAT-02 bravo)";
        var id = (await CreateDocumentAsync(officer, dossier, secret)).GetProperty("id").GetString()!;
        (await officer.GetAsync($"/api/v1/documents/{id}?purpose=Tra cứu {secret}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        await api.CatchUpAsync();
        var auditor = await api.ClientAsync(Roles.Auditor);
        var search = $"/api/v1/search?q={Uri.EscapeDataString("bravo")}";
        (await auditor.GetFromJsonAsync<JsonElement>(search)).GetProperty("items").GetArrayLength().ShouldBe(1);
        (await PurposesAsync(auditor, id)).ShouldContain("Tra cứu " + secret);

        var changed = await officer.SendAsync(Put($"/api/v1/documents/{id}", DocumentJson(dossier, secret, access: "03"),
            await EtagAsync(officer, $"/api/v1/documents/{id}")));
        changed.StatusCode.ShouldBe(HttpStatusCode.OK, await changed.Content.ReadAsStringAsync());

        foreach (var format in new[] { "json", "jsonl", "csv" })
            (await TimelineAsync(auditor, dossier, format)).ShouldNotContain(secret);
        (await auditor.GetFromJsonAsync<JsonElement>(search)).GetProperty("items").GetArrayLength().ShouldBe(0);
        (await PurposesAsync(auditor, id)).ShouldBeEmpty();

        var cleared = await api.ClientAsync(Roles.Auditor, clearedForSecret: true);
        (await cleared.GetFromJsonAsync<JsonElement>(search)).GetProperty("items").GetArrayLength().ShouldBe(1);
        (await PurposesAsync(cleared, id)).ShouldContain("Tra cứu " + secret);
    }

    [Fact]
    public async Task a_dossier_that_becomes_secret_leaves_the_disposition_review_list_at_once()
    {
        var officer = await api.ClientAsync(Roles.RecordsOfficer, clearedForSecret: true);
        var (code, _) = await DispositionRecords.ClosedDossierAsync(officer, "MAT-03", retention: "06");
        api.Clock.SetToday(new DateOnly(2040, 1, 1));
        try
        {
            await api.CatchUpAsync();
            var auditor = await api.ClientAsync(Roles.Auditor);
            (await DispositionRecords.ReviewIdsAsync(auditor)).ShouldContain(code);

            var json = DossierJson(Organ, 2025, "MAT-03", "Hồ sơ MAT-03", access: "03", retention: "06");
            var changed = await officer.SendAsync(Put($"/api/v1/dossiers/{code}", json, await EtagAsync(officer, $"/api/v1/dossiers/{code}")));
            changed.StatusCode.ShouldBe(HttpStatusCode.OK, await changed.Content.ReadAsStringAsync());

            (await DispositionRecords.ReviewIdsAsync(auditor)).ShouldNotContain(code);
            (await DispositionRecords.ReviewIdsAsync(await api.ClientAsync(Roles.Auditor, clearedForSecret: true))).ShouldContain(code);
        }
        finally { api.Clock.Reset(); }
    }
}
