using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Archive.EventStore.Encryption;
using Npgsql;

namespace Archive.Cli.Backup;

/// <summary>
/// <c>archive restore</c> (phục hồi): restores a backup set into an empty archive (a wiped data folder and an empty
/// database). Checks every file of the set against its SHA-256 first, then restores the database dump, the master key
/// and signing identity, and the content blobs the database references (from this set or the earlier sets of its
/// chain). Destroyed records stay destroyed: every stream the shredding ledger (beside the sets, or given with
/// <c>--ledger</c>) names and the restored database still holds a key for, because it was destroyed after this backup
/// was taken, has its key destroyed again, its blob references dropped (its scans are not restored) and is listed for
/// the API, which completes the shredding of its read-model rows at its next start.
/// </summary>
public static class RestoreCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var from = new Option<string>("--from") { Description = "A backup target folder (its newest set is restored) or one set's folder", Required = true };
        var set = new Option<string?>("--set") { Description = "Name of the set in the --from target to restore (default: the newest)" };
        var data = BackupCommand.DataOption();
        var connection = new Option<string?>("--connection") { Description = "Npgsql connection string of an empty database (default: a new private cluster in the data folder)" };
        var content = new Option<string?>("--content") { Description = "Content store folder (default: DATA/content)" };
        var ledgers = new Option<string[]>("--ledger") { Description = "Another shredding ledger to re-apply (repeatable)", AllowMultipleArgumentsPerToken = true };
        var actor = new Option<string>("--operator") { Description = "Who restores (written in the backup log)", DefaultValueFactory = _ => Environment.UserName };
        var command = new Command("restore", "Restore a backup set into an empty archive, destroyed records staying destroyed; exit 0 done, 1 failed, 2 usage")
        {
            from, set, data, connection, content, ledgers, actor,
        };
        command.SetAction(async (pr, ct) => await RunAsync(pr.GetValue(from)!, pr.GetValue(set), pr.GetValue(data)!, pr.GetValue(connection),
            pr.GetValue(content), pr.GetValue(ledgers) ?? [], pr.GetValue(actor)!, output, error, ct));
        return command;
    }

    private static async Task<int> RunAsync(string fromArg, string? setName, string dataArg, string? connection, string? contentArg,
        string[] extraLedgers, string actor, TextWriter output, TextWriter error, CancellationToken ct)
    {
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var from = Path.GetFullPath(fromArg);
        var data = Path.GetFullPath(dataArg);
        var contentRoot = Path.GetFullPath(contentArg ?? Path.Combine(data, "content"));
        string setFolder;
        if (File.Exists(Path.Combine(from, BackupManifest.FileName))) setFolder = from;
        else if (setName is not null) setFolder = Path.Combine(from, setName);
        else setFolder = BackupSets.List(from).LastOrDefault() ?? "";
        if (!File.Exists(Path.Combine(setFolder, BackupManifest.FileName)))
        {
            await error.WriteLineAsync($"archive restore: no backup set in {from}{(setName is null ? "" : $" named {setName}")}");
            return BackupCommand.UsageError;
        }
        var target = Path.GetDirectoryName(setFolder)!;
        var manifest = BackupManifest.Read(setFolder);

        // 1. The set is whole: the dump and keys hash as recorded, every blob is where the manifest says.
        var problems = new List<string>();
        foreach (var f in manifest.Keys.Append(manifest.Database.Dump))
        {
            var path = Path.Combine(setFolder, f.Path);
            if (!File.Exists(path)) problems.Add($"MISSING {f.Path}");
            else if (await BackupSets.HashAsync(path, ct) != f.Sha256) problems.Add($"MISMATCH {f.Path}");
        }
        foreach (var b in manifest.Blobs.Where(b => !File.Exists(BackupSets.BlobPath(Path.Combine(target, b.Set), b.Sha256))))
            problems.Add($"MISSING blob {b.Sha256} (set {b.Set})");
        if (problems.Count > 0)
        {
            foreach (var p in problems) await error.WriteLineAsync($"archive restore: {p}");
            BackupCommand.TryLog(target, started, $"Phục hồi (restore) bộ (set) {manifest.Set}", actor,
                [("Kết quả (result)", $"THẤT BẠI (FAILED): bộ sao lưu không nguyên vẹn (the set is damaged): {string.Join("; ", problems)}")]);
            return BackupCommand.Failed;
        }

        // 2. Only into an empty archive: a restore never merges into, or overwrites, a live one.
        if (File.Exists(Path.Combine(data, "master.key")) || (Directory.Exists(contentRoot) && Directory.EnumerateFiles(contentRoot, "*", SearchOption.AllDirectories).Any()))
        {
            await error.WriteLineAsync($"archive restore: {data} is not empty (master.key or content present); restore goes into an empty archive");
            return BackupCommand.UsageError;
        }
        Directory.CreateDirectory(data);
        ArchiveDatabaseLocation db;
        try { db = await ArchiveDatabaseLocation.ResolveAsync(connection, data, create: true, ct); }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or NpgsqlException or IOException)
        {
            await error.WriteLineAsync($"archive restore: {e.Message}");
            return BackupCommand.Failed;
        }
        await using var _ = db;
        await using var dataSource = NpgsqlDataSource.Create(db.ConnectionString);
        await using (var cmd = dataSource.CreateCommand($"select to_regclass('{BackupCommand.Schema}.events') is not null"))
            if ((bool)(await cmd.ExecuteScalarAsync(ct))!)
            {
                await error.WriteLineAsync("archive restore: the database already holds an archive; restore goes into an empty database");
                return BackupCommand.UsageError;
            }

        try
        {
            // 3. Database, then keys and signing identity.
            await PgTools.RestoreAsync(db.ConnectionString, Path.Combine(setFolder, manifest.Database.Dump.Path), ct);
            foreach (var k in manifest.Keys)
                await BackupSets.CopyAsync(Path.Combine(setFolder, k.Path), Path.Combine(data, Path.GetRelativePath("keys", k.Path)), ct);

            // 4. Destroyed records stay destroyed.
            var ledger = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
            foreach (var path in extraLedgers.Prepend(Path.Combine(target, ShreddingLedger.FileName)))
                foreach (var (stream, at) in ShreddingLedger.Read(path))
                    if (!ledger.TryGetValue(stream, out var seen) || at < seen) ledger[stream] = at;
            var reshredded = await ReshredAsync(dataSource, ledger, ct);

            // 5. The blobs the restored database references, each re-hashed on the way.
            var index = manifest.Blobs.ToDictionary(b => b.Sha256, StringComparer.Ordinal);
            var referenced = new List<string>();
            await using (var cmd = dataSource.CreateCommand($"select distinct sha256 from {BackupCommand.ApiSchema}.content_refs"))
            await using (var r = await cmd.ExecuteReaderAsync(ct))
                while (await r.ReadAsync(ct)) referenced.Add(r.GetString(0));
            long bytes = 0;
            foreach (var sha in referenced)
            {
                if (!index.TryGetValue(sha, out var blob)) { problems.Add($"MISSING blob {sha}: referenced by the database, not in the backup"); continue; }
                var (actual, n) = await BackupSets.CopyAsync(BackupSets.BlobPath(Path.Combine(target, blob.Set), sha),
                    Path.Combine(contentRoot, sha[..2], sha[2..4], sha), ct);
                if (actual != sha) problems.Add($"MISMATCH blob {sha}: hashes to {actual}");
                bytes += n;
            }
            var skipped = manifest.Blobs.Count - referenced.Count(index.ContainsKey);

            BackupLog.Append(target, $"{BackupLog.Time(started)} · Phục hồi (restore) · bộ (set) {manifest.Set} ({manifest.Kind}, {BackupLog.Time(manifest.CreatedAt)})",
            [
                ("Người thực hiện (operator)", actor),
                ("Đích (destination)", $"{db.Describe}; thư mục dữ liệu (data folder) {data}"),
                ("Cơ sở dữ liệu (database)", $"{BackupLog.Number(manifest.Database.Events)} sự kiện (events), {BackupLog.Number(manifest.Database.Streams)} luồng (streams), " +
                    $"đến vị trí (through position) {manifest.Database.LastPosition}"),
                ("Tệp nội dung (content files)", $"{BackupLog.Number(referenced.Count)} phục hồi (restored), {BackupLog.Size(bytes)}; " +
                    $"{BackupLog.Number(skipped)} không phục hồi vì hồ sơ/tài liệu đã bị hủy (not restored: their records were destroyed)"),
                ("Khóa và danh tính ký số (keys and signing identity)", $"{manifest.Keys.Count} tệp (files)"),
                ("Hủy lại khóa (shredding re-applied)", $"{reshredded.Count} bản ghi bị hủy sau thời điểm sao lưu (records destroyed after the backup)" +
                    (reshredded.Count == 0 ? "" : ": " + string.Join(", ", reshredded))),
                .. problems.Select(p => ("Lỗi (error)", p)),
                ("Kết quả (result)", problems.Count == 0 ? "THÀNH CÔNG (SUCCEEDED)" : $"CÓ LỖI (COMPLETED WITH {problems.Count} ERROR(S))"),
            ]);
            await output.WriteLineAsync($"restored {manifest.Set} into {data}: {manifest.Database.Events} events, {referenced.Count} blob(s), " +
                $"{manifest.Keys.Count} key file(s); shredding re-applied to {reshredded.Count} record(s)");
            foreach (var p in problems) await output.WriteLineAsync($"  {p}");
            await output.WriteLineAsync($"RESULT {(problems.Count == 0 ? "done" : "failed")} in {clock.Elapsed.TotalSeconds:0.0} s");
            return problems.Count == 0 ? BackupCommand.Succeeded : BackupCommand.Failed;
        }
        catch (Exception e) when (e is NpgsqlException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            await error.WriteLineAsync($"archive restore: {e.Message}");
            BackupCommand.TryLog(target, started, $"Phục hồi (restore) bộ (set) {manifest.Set}", actor, [("Kết quả (result)", $"THẤT BẠI (FAILED): {e.Message}")]);
            return BackupCommand.Failed;
        }
    }

    /// <summary>
    /// Streams the ledger names whose key the restored database still holds: their keys are destroyed (the store's own
    /// shredding), their documents' blob references dropped, and they are listed in <c>archive_api.restore_reshredding</c>
    /// for the API to complete, all in one transaction.
    /// </summary>
    private static async Task<List<string>> ReshredAsync(NpgsqlDataSource db, IReadOnlyDictionary<string, DateTimeOffset> ledger, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var live = new List<string>();
        await using (var cmd = new NpgsqlCommand(
            $"select stream_id from {BackupCommand.Schema}.stream_keys where wrapped_key is not null and stream_id = any($1) order by 1", conn, tx))
        {
            cmd.Parameters.AddWithValue(ledger.Keys.ToArray());
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) live.Add(r.GetString(0));
        }
        if (live.Count == 0) return live;
        var store = new Archive.EventStore.EventStore(db, new Archive.EventStore.EventStoreOptions { Schema = BackupCommand.Schema });
        await store.ShredStreamsAsync(live, conn, tx, ct);
        await using (var batch = new NpgsqlBatch(conn, tx))
        {
            var documents = live.Where(s => s.StartsWith("document-", StringComparison.Ordinal)).Select(s => s["document-".Length..]).ToArray();
            batch.BatchCommands.Add(new NpgsqlBatchCommand(
                $"delete from {BackupCommand.ApiSchema}.content_refs where owner_kind = 'document' and owner_id = any($1)") { Parameters = { new() { Value = documents } } });
            batch.BatchCommands.Add(new NpgsqlBatchCommand($"""
                create table if not exists {BackupCommand.ApiSchema}.restore_reshredding (
                    stream_id text primary key, shredded_at timestamptz not null, restored_at timestamptz not null default now())
                """));
            batch.BatchCommands.Add(new NpgsqlBatchCommand(
                $"insert into {BackupCommand.ApiSchema}.restore_reshredding (stream_id, shredded_at) select * from unnest($1::text[], $2::timestamptz[]) on conflict do nothing")
                { Parameters = { new() { Value = live.ToArray() }, new() { Value = live.Select(s => ledger[s]).ToArray() } } });
            await batch.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        return live;
    }
}
