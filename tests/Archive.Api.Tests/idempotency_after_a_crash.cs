using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Archive.Api.Infrastructure.Auth;
using Archive.Api.Infrastructure.Idempotency;
using Archive.Api.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using static Archive.Api.Tests.Support.DispositionRecords;

namespace Archive.Api.Tests;

/// <summary>A host whose idempotent requests can be made to "die" just before or just after their commit.</summary>
public sealed class CrashingApiFixture : ApiFixture
{
    public IdempotencyTestHooks Hooks { get; } = new();
    public MovableClock Clock { get; } = new();

    protected override void Configure(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder) =>
        builder.ConfigureServices(s => s.AddSingleton(Hooks).AddSingleton<TimeProvider>(Clock));
}

/// <summary>
/// Every endpoint that takes an <c>Idempotency-Key</c>, with the process dying at each point around the commit of the
/// request's one transaction (events, other rows and the stored answer): before it, nothing is kept and the retry runs
/// once; after it, the retry gets exactly the answer the first attempt would have sent, and nothing runs twice.
/// </summary>
public class idempotency_after_a_crash(CrashingApiFixture api) : IClassFixture<CrashingApiFixture>
{
    private sealed class ProcessDied() : Exception("the process died (test)");

    public static TheoryData<string> Endpoints =>
    [
        "fonds", "dossier", "document", "filing", "upload", "blob", "saved-search", "dossier-hold", "document-hold", "retention-group",
        "dossier-list-entry", "proposal", "opinion", "decision", "execution", "signature", "copy",
    ];

    private sealed record Request(HttpClient Client, string Url, Func<HttpContent> Body);

    private static int _serial;
    private static string Unique(string prefix) => $"{prefix}{Interlocked.Increment(ref _serial):000}";

    /// <summary>The endpoint's request, with whatever it needs prepared beforehand (without a key).</summary>
    private async Task<Request> PrepareAsync(string endpoint)
    {
        api.Clock.Reset();
        var officer = await api.ClientAsync(Roles.RecordsOfficer);
        var legal = await api.ClientAsync(Roles.Legal);
        var admin = await api.ClientAsync(Roles.Admin);
        async Task<(string Dossier, string Document)> DocumentAsync()
        {
            var dossier = await Records.CreateDossierAsync(officer, Unique("CR-"));
            return (dossier, (await Records.CreateDocumentAsync(officer, dossier)).GetProperty("id").GetString()!);
        }
        async Task<string> ProposalAsync(int upTo)
        {
            var (code, _) = await ClosedDossierAsync(officer, Unique("CRD-"), "06");
            api.Clock.SetToday(new DateOnly(2036, 1, 2));
            var id = Unique("crash-");
            (await officer.PostAsync("/api/v1/disposition/proposals", ApiFixture.Json(Proposal(id, ("dossier", code))))).StatusCode.ShouldBe(HttpStatusCode.Created);
            if (upTo > 1)
                foreach (var member in new[] { officer, legal })
                    (await member.PostAsync($"/api/v1/disposition/proposals/{id}/opinions", ApiFixture.Json("""{"agrees":true}"""))).StatusCode.ShouldBe(HttpStatusCode.OK);
            if (upTo > 2)
                (await admin.PostAsync($"/api/v1/disposition/proposals/{id}/decision", ApiFixture.Json("""{"decisionNumber":"15/QĐ-UBND"}""")))
                    .StatusCode.ShouldBe(HttpStatusCode.OK);
            return id;
        }
        async Task<string> ScannedAsync()
        {
            var (_, id) = await DocumentAsync();
            await Records.UploadPdfAsync(officer, id, PdfSamples.Scan(pixelWidth: 120, color: false, pageInches: 8.27));
            return id;
        }
        switch (endpoint)
        {
            case "fonds":
                var organ = $"000.00.{Interlocked.Increment(ref _serial) % 100:00}.K{_serial % 90 + 10}";
                return new(officer, "/api/v1/fonds", () => ApiFixture.Json($$"""{"organId":"{{organ}}","name":"Phông thử"}"""));
            case "dossier":
                await Records.CreateFondsAsync(officer);
                var notation = Unique("CRN-");
                return new(officer, "/api/v1/dossiers", () => ApiFixture.Json(Records.DossierJson(Records.Organ, 2025, notation)));
            case "document":
                var dossierCode = await Records.CreateDossierAsync(officer, Unique("CR-"));
                return new(officer, "/api/v1/documents", () => ApiFixture.Json(Records.DocumentJson(dossierCode)));
            case "filing":
                var (_, documentId) = await DocumentAsync();
                var other = await Records.CreateDossierAsync(officer, Unique("CR-"));
                return new(officer, $"/api/v1/documents/{documentId}/filings", () => ApiFixture.Json($$"""{"dossierCode":"{{other}}"}"""));
            case "upload":
                var (_, uploaded) = await DocumentAsync();
                var scan = PdfSamples.Scan(200, color: true, fill: (byte)(Interlocked.Increment(ref _serial) % 250));
                return new(officer, $"/api/v1/documents/{uploaded}/content?fileName=scan.pdf", () => ApiFixture.Bytes(scan, "application/pdf"));
            case "blob":
                var blob = PdfSamples.Scan(200, color: false, fill: (byte)(Interlocked.Increment(ref _serial) % 250));
                return new(admin, "/api/v1/blobs", () => ApiFixture.Bytes(blob));
            case "saved-search":
                var name = Unique("crash-search-");
                return new(officer, "/api/v1/saved-searches", () => ApiFixture.Json($$$"""{"name":"{{{name}}}","query":{"text":"quyết định"}}"""));
            case "dossier-hold":
                var held = await Records.CreateDossierAsync(officer, Unique("CR-"));
                return new(legal, $"/api/v1/dossiers/{held}/holds", () => ApiFixture.Json("""{"holdId":"toa-1","kind":"legal","authority":"TAND tỉnh","reason":"Vụ án"}"""));
            case "document-hold":
                var (_, heldDocument) = await DocumentAsync();
                return new(legal, $"/api/v1/documents/{heldDocument}/holds", () => ApiFixture.Json("""{"holdId":"toa-2","kind":"legal","authority":"TAND tỉnh","reason":"Chứng cứ"}"""));
            case "retention-group":
                await Records.CreateFondsAsync(officer);
                var group = "I." + Interlocked.Increment(ref _serial);
                return new(officer, $"/api/v1/fonds/{Records.Organ}/retention-schedule/groups",
                    () => ApiFixture.Json($$"""{"code":"{{group}}","name":"Nhóm hồ sơ thử","retentionCode":"06"}"""));
            case "dossier-list-entry":
                await Records.CreateFondsAsync(officer);
                var entry = Unique("E");
                return new(officer, $"/api/v1/fonds/{Records.Organ}/dossier-lists/2026/entries",
                    () => ApiFixture.Json($$"""{"fileNotation":"{{entry}}","title":"Hồ sơ dự kiến","retentionCode":"06","creator":"Văn phòng"}"""));
            case "proposal":
                var (listed, _) = await ClosedDossierAsync(officer, Unique("CRD-"), "06");
                api.Clock.SetToday(new DateOnly(2036, 1, 2));
                var proposalId = Unique("crash-p-");
                return new(officer, "/api/v1/disposition/proposals", () => ApiFixture.Json(Proposal(proposalId, ("dossier", listed))));
            case "opinion":
                var forOpinion = await ProposalAsync(1);
                return new(legal, $"/api/v1/disposition/proposals/{forOpinion}/opinions", () => ApiFixture.Json("""{"agrees":true,"comment":"Đồng ý"}"""));
            case "decision":
                var forDecision = await ProposalAsync(2);
                return new(admin, $"/api/v1/disposition/proposals/{forDecision}/decision", () => ApiFixture.Json("""{"decisionNumber":"16/QĐ-UBND"}"""));
            case "execution":
                var forExecution = await ProposalAsync(3);
                return new(officer, $"/api/v1/disposition/proposals/{forExecution}/execution", () => ApiFixture.Json("{}"));
            case "signature":
                var toSign = await ScannedAsync();
                return new(officer, $"/api/v1/documents/{toSign}/signatures", () => ApiFixture.Json("""{"level":"B-T"}"""));
            case "copy":
                var toCopy = await ScannedAsync();
                return new(await api.ClientAsync(Roles.ApiClient), $"/api/v1/documents/{toCopy}/copies",
                    () => ApiFixture.Json("""{"kind":"sao-y","purpose":"Cung cấp cho Tòa án"}"""));
            default:
                throw new ArgumentException(endpoint);
        }
    }

    private static HttpRequestMessage Post(Request r, string key)
    {
        var m = new HttpRequestMessage(HttpMethod.Post, r.Url) { Content = r.Body() };
        m.Headers.Add(IdempotencyExtensions.Header, key);
        return m;
    }

    /// <summary>What a request left behind: events, the rows kept outside the event store, and its stored answer.</summary>
    private async Task<long> EffectsAsync()
    {
        await using var db = NpgsqlDataSource.Create(api.ConnectionString);
        await using var cmd = db.CreateCommand("""
            select (select count(*) from event_store.events) + (select count(*) from archive_api.saved_searches)
                 + (select count(*) from archive_api.content_refs) + (select count(*) from archive_api.idempotency)
            """);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    private sealed record Sent(int Status, string? Location, string? ETag, byte[] Body);

    private static async Task<Sent> SentAsync(HttpResponseMessage r) =>
        new((int)r.StatusCode, r.Headers.Location?.ToString(), r.Headers.ETag?.Tag, await r.Content.ReadAsByteArrayAsync());

    /// <summary>Sends the request while the process is set to die at <paramref name="point"/>; the client gets no usable answer.</summary>
    private async Task<Sent?> DyingAsync(Request request, string key, bool afterCommit)
    {
        Sent? wouldHaveSent = null;
        Task Die(HttpContext http, byte[] body)
        {
            wouldHaveSent = new(http.Response.StatusCode, http.Response.Headers.Location.ToString() is { Length: > 0 } l ? l : null,
                http.Response.Headers.ETag.ToString() is { Length: > 0 } e ? e : null, body);
            throw new ProcessDied();
        }
        if (afterCommit) api.Hooks.AfterCommit = Die; else api.Hooks.BeforeCommit = Die;
        try
        {
            var r = await request.Client.SendAsync(Post(request, key));
            ((int)r.StatusCode).ShouldBe(500, "the dying request must not answer normally");
        }
        catch (HttpRequestException) { /* the connection went with the process */ }
        catch (ProcessDied) { /* the in-memory test server rethrows the host's exception */ }
        finally { api.Hooks.AfterCommit = null; api.Hooks.BeforeCommit = null; }
        wouldHaveSent.ShouldNotBeNull("the request reached its commit");
        return wouldHaveSent;
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task a_process_dying_after_the_commit_leaves_the_answer_the_retry_gets_and_nothing_runs_twice(string endpoint)
    {
        var request = await PrepareAsync(endpoint);
        var before = await EffectsAsync();

        var first = await DyingAsync(request, "after-" + endpoint, afterCommit: true);
        var kept = await EffectsAsync();
        kept.ShouldBeGreaterThan(before, "the request's events committed");
        first!.Status.ShouldBeLessThan(300, System.Text.Encoding.UTF8.GetString(first.Body));

        var retry = await request.Client.SendAsync(Post(request, "after-" + endpoint));
        var replayed = await SentAsync(retry);
        replayed.Status.ShouldBe(first.Status);
        replayed.Location.ShouldBe(first.Location);
        replayed.ETag.ShouldBe(first.ETag);
        replayed.Body.ShouldBe(first.Body);
        retry.Headers.GetValues(IdempotencyExtensions.ReplayedHeader).ShouldBe(["true"]);
        (await EffectsAsync()).ShouldBe(kept);
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task a_process_dying_before_the_commit_keeps_nothing_and_the_retry_runs_once(string endpoint)
    {
        var request = await PrepareAsync(endpoint);
        var before = await EffectsAsync();

        await DyingAsync(request, "before-" + endpoint, afterCommit: false);
        (await EffectsAsync()).ShouldBe(before, "nothing of the dead request was kept, not even its answer");

        var retry = await SentAsync(await request.Client.SendAsync(Post(request, "before-" + endpoint)));
        retry.Status.ShouldBeLessThan(300, System.Text.Encoding.UTF8.GetString(retry.Body));
        var once = await EffectsAsync();
        once.ShouldBeGreaterThan(before);

        var again = await request.Client.SendAsync(Post(request, "before-" + endpoint));
        again.Headers.GetValues(IdempotencyExtensions.ReplayedHeader).ShouldBe(["true"]);
        (await SentAsync(again)).Body.ShouldBe(retry.Body);
        (await EffectsAsync()).ShouldBe(once);
    }

    [Fact]
    public async Task concurrent_duplicates_wait_for_the_first_and_all_get_its_answer()
    {
        var request = await PrepareAsync("document");
        var before = await api.EventCountAsync();
        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => request.Client.SendAsync(Post(request, "together"))));

        var answers = new List<string>();
        foreach (var r in responses)
        {
            r.StatusCode.ShouldBe(HttpStatusCode.Created, await r.Content.ReadAsStringAsync());
            answers.Add(await r.Content.ReadAsStringAsync());
        }
        answers.Distinct().Count().ShouldBe(1);
        responses.Count(r => r.Headers.Contains(IdempotencyExtensions.ReplayedHeader)).ShouldBe(5);
        (await api.EventCountAsync()).ShouldBe(before + 2); // one registration, one filing
    }

    [Fact]
    public async Task a_retry_with_a_different_body_is_a_422_problem_and_changes_nothing()
    {
        var request = await PrepareAsync("document");
        (await request.Client.SendAsync(Post(request, "changed-body"))).StatusCode.ShouldBe(HttpStatusCode.Created);
        var before = await EffectsAsync();
        var changed = new HttpRequestMessage(HttpMethod.Post, request.Url)
            { Content = ApiFixture.Json((await request.Body().ReadAsStringAsync()).Replace("Quyết định", "Công văn")) };
        changed.Headers.Add(IdempotencyExtensions.Header, "changed-body");
        var problem = await (await request.Client.SendAsync(changed)).ShouldBeProblemAsync(422);
        problem.GetProperty("code").GetString().ShouldBe("idempotency-key-reused");
        problem.GetProperty("detail_vi").GetString().ShouldNotBeNullOrEmpty();
        (await EffectsAsync()).ShouldBe(before);
    }
}
