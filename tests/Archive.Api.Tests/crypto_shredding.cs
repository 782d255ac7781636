using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Archive.Api.Features.Records;
using Archive.Api.Infrastructure.Auth;
using Archive.Api.Infrastructure.Content;
using Archive.Api.Infrastructure.Search;
using Archive.Api.Infrastructure.Shredding;
using Archive.Api.Tests.Support;
using Archive.Domain.Documents;
using Archive.Domain.Dossiers;
using Archive.EventStore;
using Archive.EventStore.Encryption;
using Archive.EventStore.Hosting;
using Npgsql;
using Store = Archive.EventStore.EventStore;

namespace Archive.Api.Tests;

/// <summary>
/// Destruction leaves no plaintext: after a dossier and its document are destroyed and shredded, neither a
/// data-only dump of the database, nor a read of every table, nor the content store holds their title,
/// subject, file name, reason or bytes, in any of the forms they could have been stored in.
/// </summary>
public class crypto_shredding : IClassFixture<ApiFixture>
{
    // Distinctive, with letters that differ between NFC and NFD.
    private const string Title = "Hồ sơ đền bù khu Ỷ Lan Thượng Độ";
    private const string Subject = "Trích yếu thu hồi đất Đầm Vạc Quỳnh Lưu";
    private const string FileName = "ban-goc-Quynh-Luu-Dam-Vac.pdf";
    private const string Reason = "bổ sung theo đơn của ông Nghiêm Xuân Yêm";
    private readonly ApiFixture _api;

    public crypto_shredding(ApiFixture api) => _api = api;

    [Fact]
    public async Task a_destroyed_dossier_and_document_leave_no_trace_of_title_subject_or_bytes()
    {
        var client = await _api.ClientAsync(Roles.RecordsOfficer);
        var dossier = await Records.CreateDossierAsync(client, "SHRED", title: Title);
        var create = new HttpRequestMessage(HttpMethod.Post, "/api/v1/documents") { Content = ApiFixture.Json(Records.DocumentJson(dossier, Subject)) };
        create.Headers.Add("Idempotency-Key", "shred-doc-1");
        create.Headers.Add(RecordsRepository.ReasonHeader, Uri.EscapeDataString(Reason));
        var created = await client.SendAsync(create);
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var documentId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var scan = PdfSamples.Scan(300, color: false, fill: 0x5A);
        var upload = await client.PostAsync($"/api/v1/documents/{documentId}/content?fileName={FileName}&scan=true", ApiFixture.Bytes(scan, "application/pdf"));
        upload.StatusCode.ShouldBe(HttpStatusCode.Created, await upload.Content.ReadAsStringAsync());
        var sha = (await upload.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sha256").GetString()!;
        (await client.GetAsync($"/api/v1/documents/{documentId}/content?purpose={Uri.EscapeDataString("tra cứu " + Title)}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        await _api.WaitForSearchAsync();
        var needles = Needles(scan);
        // The record keys, as wrapped in the key table: with the master key, an old copy would decrypt the events.
        await using (var keys = _api.Service<NpgsqlDataSource>().CreateCommand(
            $"select stream_id, wrapped_key from event_store.stream_keys where stream_id in ('document-{documentId}', 'dossier-{dossier}')"))
        await using (var r = await keys.ExecuteReaderAsync())
            while (await r.ReadAsync())
            {
                var key = r.GetFieldValue<byte[]>(1);
                needles.Add(($"key of {r.GetString(0)}", key));
                needles.Add(($"key of {r.GetString(0)} as bytea hex", Encoding.ASCII.GetBytes(Convert.ToHexStringLower(key))));
            }
        needles.Count(n => n.Name.StartsWith("key of")).ShouldBe(4);
        // The test must be able to fail: before destruction the plaintext is there to be found.
        (await FindInDatabaseAsync(needles)).ShouldNotBeEmpty();

        var documentStream = RecordsRepository.DocumentStream(documentId);
        var dossierStream = RecordsRepository.DossierStream(dossier);
        await DestroyAsync(documentStream, dossierStream, documentId, dossier, sha);
        await _api.WaitForSearchAsync();
        var vacuum = _api.Service<ShreddingVacuum>();
        await WaitUntilAsync(() => vacuum.Completed >= 1, "the vacuum after shredding");

        (await DumpAsync()).ShouldSatisfyAllConditions(dump => FoundIn(dump, needles).ShouldBeEmpty());
        (await FindInDatabaseAsync(needles)).ShouldBeEmpty();
        (await FindInTableFilesAsync(needles)).ShouldBeEmpty();
        foreach (var file in Directory.EnumerateFiles(_api.DataFolder, "*", SearchOption.AllDirectories)
                     .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}pg{Path.DirectorySeparatorChar}")))
            FoundIn(await File.ReadAllBytesAsync(file), needles).ShouldBeEmpty(file);
        (await _api.Service<IContentStore>().GetInfoAsync(sha, CancellationToken.None)).ShouldBeNull();

        // The residual record remains, and the store still proves nobody rewrote it.
        var repo = _api.Service<RecordsRepository>();
        var (doc, _) = await repo.LoadDocumentAsync(documentId, CancellationToken.None);
        doc.Status.ShouldBe(DocumentStatus.Destroyed);
        doc.Metadata.ShouldBeNull();
        doc.Residual.ShouldNotBeNull().DecisionNumber.ShouldBe("15/QĐ-UBND");
        doc.Residual.ContentSha256s.ShouldBe([sha]);
        var (dos, _dv) = await repo.LoadDossierAsync(dossier, CancellationToken.None);
        dos.Status.ShouldBe(DossierStatus.Destroyed);
        dos.Code.ShouldBe(dossier);
        (await _api.Service<Store>().ReadStreamAsync(documentStream))[0].Data.ShouldBeOfType<ShreddedEvent>();
        (await _api.Service<Store>().VerifyHashChainsAsync()).ShouldBeEmpty();
        var search = await client.GetAsync($"/api/v1/search?q={Uri.EscapeDataString("Ỷ Lan")}");
        (await search.Content.ReadAsStringAsync()).ShouldNotContain(dossier);

        // Replaying the cached creation answers 410 instead of the body that held the subject.
        var replay = new HttpRequestMessage(HttpMethod.Post, "/api/v1/documents") { Content = ApiFixture.Json(Records.DocumentJson(dossier, Subject)) };
        replay.Headers.Add("Idempotency-Key", "shred-doc-1");
        replay.Headers.Add(RecordsRepository.ReasonHeader, Uri.EscapeDataString(Reason));
        (await client.SendAsync(replay)).StatusCode.ShouldBe(HttpStatusCode.Gone);
    }

    /// <summary>What the destruction step does: destruction events, shredding, in one transaction; then the blob goes.</summary>
    private async Task DestroyAsync(string documentStream, string dossierStream, string documentId, string dossier, string sha)
    {
        var store = _api.Service<Store>();
        var decision = ("15/QĐ-UBND", new DateOnly(2026, 11, 30), new DateOnly(2026, 12, 6), "admin-1");
        await using (var conn = await _api.Service<NpgsqlDataSource>().OpenConnectionAsync())
        await using (var tx = await conn.BeginTransactionAsync())
        {
            var metadata = new EventMetadata { Actor = "admin-1", Headers = { ["reason"] = "thi hành quyết định hủy 15/QĐ-UBND" } };
            await store.AppendAsync(conn, tx, documentStream, ExpectedVersion.Any,
                [new DocumentDestroyed(documentId, decision.Item1, decision.Item2, decision.Item3, decision.Item4, [sha])], metadata);
            await store.AppendAsync(conn, tx, dossierStream, ExpectedVersion.Any,
                [new DossierDestroyed(dossier, decision.Item1, decision.Item2, decision.Item3, decision.Item4, [sha])], metadata);
            await _api.Service<IRecordShredder>().ShredAsync([documentStream, dossierStream], conn, tx, CancellationToken.None);
            await tx.CommitAsync();
        }
        await _api.Service<ContentReferences>().RemoveAsync(sha, "document", documentId, CancellationToken.None);
        (await _api.Service<IContentStore>().DeleteAsync(sha, CancellationToken.None)).ShouldBeTrue();
    }

    /// <summary>Every form the texts could be stored in: NFC, NFD, JSON \u-escaped, the search index's normalized form, and bytea hex.</summary>
    private static List<(string Name, byte[] Bytes)> Needles(byte[] scan)
    {
        var list = new List<(string, byte[])>();
        foreach (var (name, text) in new[] { ("title", Title), ("subject", Subject), ("reason", Reason), ("file name", FileName) })
        {
            var forms = new[]
            {
                ("NFC", text.Normalize(NormalizationForm.FormC)), ("NFD", text.Normalize(NormalizationForm.FormD)),
                ("JSON", JsonSerializer.Serialize(text).Trim('"')), ("JSON lower", JsonSerializer.Serialize(text).Trim('"').ToLowerInvariant()),
                ("normalized", TextNormalizer.Normalize(text)), ("URL", Uri.EscapeDataString(text)),
            };
            foreach (var (form, value) in forms.DistinctBy(f => f.Item2))
            {
                list.Add(($"{name} {form}", Encoding.UTF8.GetBytes(value)));
                list.Add(($"{name} {form} as bytea hex", Encoding.ASCII.GetBytes(Convert.ToHexStringLower(Encoding.UTF8.GetBytes(value)))));
            }
        }
        // A run of the scan's bytes from its middle (its image data), raw and as hex.
        var slice = scan.AsSpan(scan.Length / 2 - 32, 64).ToArray();
        list.Add(("scan bytes", slice));
        list.Add(("scan bytes as hex", Encoding.ASCII.GetBytes(Convert.ToHexStringLower(slice))));
        list.Add(("whole scan", scan));
        return list;
    }

    private static List<string> FoundIn(string text, List<(string Name, byte[] Bytes)> needles) => FoundIn(Encoding.UTF8.GetBytes(text), needles);

    private static List<string> FoundIn(byte[] haystack, List<(string Name, byte[] Bytes)> needles) =>
        needles.Where(n => haystack.AsSpan().IndexOf(n.Bytes) >= 0).Select(n => n.Name).ToList();

    /// <summary>Every row of every table of the database, as PostgreSQL's row text (bytea appears as hex).</summary>
    private async Task<List<string>> FindInDatabaseAsync(List<(string Name, byte[] Bytes)> needles)
    {
        var found = new List<string>();
        await using var conn = await _api.Service<NpgsqlDataSource>().OpenConnectionAsync();
        var tables = new List<string>();
        await using (var cmd = new NpgsqlCommand("""
            select format('%I.%I', table_schema, table_name) from information_schema.tables
            where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')
            """, conn))
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync()) tables.Add(r.GetString(0));
        tables.ShouldContain("archive_api.search_index");
        foreach (var table in tables)
        {
            await using var cmd = new NpgsqlCommand($"select t::text from {table} t", conn);
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync())
                found.AddRange(FoundIn(r.GetString(0), needles).Select(n => $"{n} in {table}"));
        }
        return found;
    }

    /// <summary>
    /// The on-disk files (heap, TOAST, indexes) of every table in the database, after a checkpoint: what a copy
    /// of the data directory would hold. WAL is not scanned: it keeps the old rows until recycled (documented).
    /// </summary>
    private async Task<List<string>> FindInTableFilesAsync(List<(string Name, byte[] Bytes)> needles)
    {
        await using var conn = await _api.Service<NpgsqlDataSource>().OpenConnectionAsync();
        await using (var cp = new NpgsqlCommand("checkpoint", conn)) await cp.ExecuteNonQueryAsync();
        var dataDir = "";
        var files = new List<string>();
        await using (var cmd = new NpgsqlCommand("select current_setting('data_directory')", conn)) dataDir = (string)(await cmd.ExecuteScalarAsync())!;
        await using (var cmd = new NpgsqlCommand("""
            select pg_relation_filepath(c.oid) from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where n.nspname not in ('pg_catalog', 'information_schema') and c.relkind in ('r', 'i', 't') and pg_relation_filepath(c.oid) is not null
            """, conn))
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync()) files.Add(Path.Combine(dataDir, r.GetString(0)));
        files.Count.ShouldBeGreaterThan(10);
        var found = new List<string>();
        foreach (var file in files.SelectMany(f => Directory.EnumerateFiles(Path.GetDirectoryName(f)!, Path.GetFileName(f) + "*")))
            found.AddRange(FoundIn(await File.ReadAllBytesAsync(file), needles).Select(n => $"{n} in {file}"));
        return found;
    }

    private async Task<string> DumpAsync()
    {
        var cs = new NpgsqlConnectionStringBuilder(_api.ConnectionString);
        var psi = new ProcessStartInfo(Path.Combine(EmbeddedPostgres.FindBinaries(), "pg_dump"),
            ["--data-only", "-h", cs.Host!, "-p", cs.Port.ToString(), "-U", cs.Username!, "-d", cs.Database!])
        { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.Environment["PGPASSWORD"] = cs.Password;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        p.ExitCode.ShouldBe(0, await stderr);
        var dump = await stdout;
        dump.ShouldContain("COPY event_store.events");
        return dump;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"waited 60 s for {what}");
            await Task.Delay(50);
        }
    }
}
