using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Archive.Api.Infrastructure.Auth;
using Archive.Api.Infrastructure.Shredding;
using Archive.Api.Tests.Support;
using Archive.Cli;
using Archive.EventStore.Encryption;
using Archive.Testing;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using static Archive.Api.Tests.Support.DispositionRecords;

namespace Archive.Api.Tests;

/// <summary>
/// Diễn tập phục hồi (restore drill), TT 02/2019 Điều 8 and 10: an archive is loaded through the API, backed up by
/// <c>archive backup</c> to two targets while it runs, a record is destroyed after the backup, the archive is wiped
/// (database dropped, data folder deleted) and <c>archive restore</c> brings it back into an empty database and folder.
/// </summary>
public sealed class restore_drill : IAsyncLifetime
{
    private static readonly DateOnly AfterTenYears = new(2036, 1, 2);
    private readonly string _root = Directory.CreateTempSubdirectory("archive-drill-").FullName;
    private string Data => Path.Combine(_root, "data");
    private string Restored => Path.Combine(_root, "restored");
    private string Target1 => Path.Combine(_root, "backup-a");
    private string Target2 => Path.Combine(_root, "backup-b");
    private string _database = "", _restoredDatabase = "";
    private readonly MovableClock _clock = new();

    public async Task InitializeAsync()
    {
        _database = await TestPostgres.CreateDatabaseAsync("drill");
        _restoredDatabase = await TestPostgres.CreateDatabaseAsync("restored");
    }

    public async Task DisposeAsync()
    {
        await TestPostgres.DropDatabaseAsync(_database);
        await TestPostgres.DropDatabaseAsync(_restoredDatabase);
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    private WebApplicationFactory<Program> Host(string connection, string data) => new WebApplicationFactory<Program>().WithWebHostBuilder(b => b
        .UseSetting("ConnectionStrings:Archive", connection)
        .UseSetting("Archive:DataFolder", data)
        .UseSetting("Archive:Signing:PrepareAtStartup", "false")
        .UseSetting(ShreddingLedgerWriter.TargetsKey, $"{Target1};{Target2}")
        .ConfigureServices(s => s.AddSingleton<TimeProvider>(_clock)));

    private static async Task<HttpClient> ClientAsync(WebApplicationFactory<Program> app, string role)
    {
        var created = await app.Services.GetRequiredService<ApiKeyStore>().CreateAsync($"drill {role}", role, true, "test", CancellationToken.None);
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Add(ApiKeyAuthentication.Header, created.Key);
        return client;
    }

    private static async Task<(int Code, string Output)> CliAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await CliApp.RunAsync(args, output, error);
        return (code, output + error.ToString());
    }

    /// <summary>The destruction workflow over HTTP: proposal, two council opinions, the head's decision, execution.</summary>
    private async Task DestroyAsync(WebApplicationFactory<Program> app, string proposalId, string dossierCode)
    {
        _clock.SetToday(AfterTenYears);
        var officer = await ClientAsync(app, Roles.RecordsOfficer);
        (await officer.PostAsync("/api/v1/disposition/proposals", ApiFixture.Json(Proposal(proposalId, ("dossier", dossierCode))))).StatusCode.ShouldBe(HttpStatusCode.Created);
        foreach (var member in new[] { officer, await ClientAsync(app, Roles.Legal) })
            (await member.PostAsync($"/api/v1/disposition/proposals/{proposalId}/opinions", ApiFixture.Json("""{"agrees":true}"""))).StatusCode.ShouldBe(HttpStatusCode.OK);
        var admin = await ClientAsync(app, Roles.Admin);
        (await admin.PostAsync($"/api/v1/disposition/proposals/{proposalId}/decision", ApiFixture.Json("""{"decisionNumber":"15/QĐ-UBND"}"""))).StatusCode.ShouldBe(HttpStatusCode.OK);
        var executed = await officer.PostAsync($"/api/v1/disposition/proposals/{proposalId}/execution", ApiFixture.Json("{}"));
        executed.StatusCode.ShouldBe(HttpStatusCode.OK, await executed.Content.ReadAsStringAsync());
        _clock.Reset();
    }

    [Fact]
    public async Task an_archive_backed_up_wiped_and_restored_verifies_has_every_blob_and_its_destroyed_records_stay_destroyed()
    {
        const string GoneSubject = "Quyết định thu hồi đất khu Đầm Vạc";
        string keepDoc, keepSha, goneDoc, goneSha, goneDossier, oldDossier;
        byte[] keepBytes;
        await using (var app = Host(_database, Data))
        {
            var officer = await ClientAsync(app, Roles.RecordsOfficer);
            (_, keepDoc) = await ClosedDossierAsync(officer, "BK-VV", "01");
            keepSha = await UploadAsync(officer, keepDoc, "kept for ever");
            keepBytes = await (await officer.GetAsync($"/api/v1/documents/{keepDoc}/content")).Content.ReadAsByteArrayAsync();
            (oldDossier, var oldDoc) = await ClosedDossierAsync(officer, "BK-OLD", "06");
            await UploadAsync(officer, oldDoc, "destroyed before the backup");
            var opened = await officer.PostAsync("/api/v1/dossiers", ApiFixture.Json(Records.DossierJson(Records.Organ, 2025, "BK-GONE", retention: "06")));
            opened.StatusCode.ShouldBe(HttpStatusCode.Created, await opened.Content.ReadAsStringAsync());
            goneDossier = (await opened.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString()!;
            goneDoc = (await Records.CreateDocumentAsync(officer, goneDossier, GoneSubject)).GetProperty("id").GetString()!;
            goneSha = await UploadAsync(officer, goneDoc, "destroyed after the backup");
            await CloseAsync(officer, goneDossier);
            await DestroyAsync(app, "drill-old", oldDossier);

            // The archive keeps taking scans while the backup runs: the set must still be one consistent point.
            using var stop = new CancellationTokenSource();
            var writer = Task.Run(async () =>
            {
                var n = 0;
                for (; !stop.IsCancellationRequested; n++)
                {
                    var opened = await officer.PostAsync("/api/v1/dossiers", ApiFixture.Json(Records.DossierJson(Records.Organ, 2024, $"BUSY-{n}")));
                    var code = (await opened.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString()!;
                    var doc = (await Records.CreateDocumentAsync(officer, code)).GetProperty("id").GetString()!;
                    await UploadAsync(officer, doc, $"scan taken during the backup {n}");
                }
                return n;
            });
            var (backup, backupOutput) = await CliAsync("backup", "--connection", _database, "--data", Data, "--target", Target1, "--target", Target2,
                "--operator", "Nguyễn Văn Lưu");
            await stop.CancelAsync();
            (await writer).ShouldBeGreaterThan(0);
            backup.ShouldBe(0, backupOutput);

            // After the backup: this record's destruction is known only to the ledgers beside the backup sets.
            await DestroyAsync(app, "drill-gone", goneDossier);
        }
        foreach (var target in new[] { Target1, Target2 })
        {
            ShreddingLedger.Read(Path.Combine(target, ShreddingLedger.FileName)).Keys.ShouldContain($"document-{goneDoc}");
            var log = await File.ReadAllTextAsync(Path.Combine(target, "nhat-ky-sao-luu.log"));
            log.ShouldContain("Sao lưu toàn bộ (full backup)");
            log.ShouldContain("Nguyễn Văn Lưu");
            log.ShouldContain("THÀNH CÔNG (SUCCEEDED)");
        }

        // Wipe: the database and the data folder (content, master key, signing identity) are gone.
        await TestPostgres.DropDatabaseAsync(_database);
        Directory.Delete(Data, recursive: true);

        var (restore, restoreOutput) = await CliAsync("restore", "--from", Target2, "--connection", _restoredDatabase, "--data", Restored);
        restore.ShouldBe(0, restoreOutput);
        restoreOutput.ShouldContain("shredding re-applied to 2 record(s)");
        var (audit, auditOutput) = await CliAsync("audit", "verify", "--connection", _restoredDatabase, "--content", Path.Combine(Restored, "content"));
        audit.ShouldBe(0, auditOutput);
        auditOutput.ShouldContain("RESULT intact");
        (await File.ReadAllBytesAsync(Path.Combine(Restored, "content", keepSha[..2], keepSha[2..4], keepSha))).ShouldBe(keepBytes);
        File.Exists(Path.Combine(Restored, "content", goneSha[..2], goneSha[2..4], goneSha)).ShouldBeFalse();
        await using (var db = NpgsqlDataSource.Create(_restoredDatabase))
        await using (var keys = db.CreateCommand("select count(*) from event_store.stream_keys where wrapped_key is not null and stream_id = any($1)"))
        {
            keys.Parameters.AddWithValue(new[] { $"document-{goneDoc}", $"dossier-{goneDossier}", $"dossier-{oldDossier}" });
            ((long)(await keys.ExecuteScalarAsync())!).ShouldBe(0);
        }

        // The restored archive serves: the kept record reads (so the master key came back), the destroyed one does not.
        await using (var app = Host(_restoredDatabase, Restored))
        {
            var auditor = await ClientAsync(app, Roles.Admin);
            var kept = await auditor.GetAsync($"/api/v1/documents/{keepDoc}");
            kept.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await kept.Content.ReadAsStringAsync()).ShouldContain("Quyết định về việc ban hành quy chế");
            (await (await auditor.GetAsync($"/api/v1/documents/{keepDoc}/content")).Content.ReadAsByteArrayAsync()).ShouldBe(keepBytes);
            var gone = await auditor.GetAsync($"/api/v1/documents/{goneDoc}");
            ((int)gone.StatusCode).ShouldBeOneOf(404, 410);
            (await gone.Content.ReadAsStringAsync()).ShouldNotContain(GoneSubject);
            ((int)(await auditor.GetAsync($"/api/v1/documents/{goneDoc}/content")).StatusCode).ShouldBeOneOf(404, 410);
            var search = await auditor.GetAsync($"/api/v1/search?q={Uri.EscapeDataString("Đầm Vạc")}");
            (await search.Content.ReadAsStringAsync()).ShouldNotContain(goneDoc);
            await using var pending = app.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand("select count(*) from archive_api.restore_reshredding");
            ((long)(await pending.ExecuteScalarAsync())!).ShouldBe(0);
        }
    }
}
