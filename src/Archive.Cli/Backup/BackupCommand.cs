using System.CommandLine;
using System.Data;
using System.Diagnostics;
using System.Text.Json;
using Archive.EventStore.Encryption;
using Npgsql;

namespace Archive.Cli.Backup;

/// <summary>
/// <c>archive backup</c> (sao lưu, TT 02/2019 Điều 8 and 10; NĐ 30/2020 Phụ lục VI IV.g): a consistent backup of the whole
/// archive while it runs, to at least two independent targets. One consistent point: a repeatable-read snapshot is
/// exported, <c>pg_dump</c> dumps exactly that snapshot, and the blobs copied are those the database referenced in that
/// same snapshot (blobs are content-addressed and never rewritten, so a blob named then has these bytes now). Full on
/// the first backup of each month (Vietnam time) or with <c>--full</c>, otherwise incremental: the blobs already in the
/// target's current chain are not copied again (the database dump, small beside the scans, is whole every time).
/// Each set also holds the master key and the signing identity, and every file's SHA-256; each target gets a block in
/// its backup log and the database's list of destroyed keys in its shredding ledger.
/// </summary>
public static class BackupCommand
{
    public const int Succeeded = 0, Failed = 1, UsageError = 2;
    public const string Schema = "event_store", ApiSchema = "archive_api";

    public static Command Create(TextWriter output, TextWriter error)
    {
        var targets = new Option<string[]>("--target")
        {
            Description = "Backup target folder on an independent storage medium; give at least two", Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        var data = DataOption();
        var connection = new Option<string?>("--connection") { Description = "Npgsql connection string (default: the private cluster in the data folder)" };
        var content = new Option<string?>("--content") { Description = "Content store folder (default: DATA/content)" };
        var full = new Option<bool>("--full") { Description = "Take a full backup even when an incremental one would do" };
        var actor = new Option<string>("--operator") { Description = "Who takes the backup (written in the backup log)", DefaultValueFactory = _ => Environment.UserName };
        var command = new Command("backup", "Back up the database, content store, keys and signing identity to two or more targets; exit 0 done, 1 failed, 2 usage")
        {
            targets, data, connection, content, full, actor,
        };
        command.SetAction(async (pr, ct) => await RunAsync(pr.GetValue(targets) ?? [], pr.GetValue(data)!, pr.GetValue(connection), pr.GetValue(content),
            pr.GetValue(full), pr.GetValue(actor)!, output, error, ct));
        return command;
    }

    internal static Option<string> DataOption() => new("--data")
    {
        Description = "The archive's data folder (default: ARCHIVE_DATA, else ./.data)",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("ARCHIVE_DATA") is { Length: > 0 } d ? d : ".data",
    };

    private sealed record Snapshot(string Id, string ServerVersion, long Events, long Streams, long LastPosition,
        IReadOnlyList<string> Blobs, IReadOnlyList<ShreddingEntry> Shredded);

    private static async Task<int> RunAsync(string[] targetArgs, string dataArg, string? connection, string? contentArg, bool forceFull,
        string actor, TextWriter output, TextWriter error, CancellationToken ct)
    {
        var data = Path.GetFullPath(dataArg);
        var contentRoot = Path.GetFullPath(contentArg ?? Path.Combine(data, "content"));
        var targets = targetArgs.Select(Path.GetFullPath).Distinct().ToList();
        if (targets.Count < 2)
        {
            await error.WriteLineAsync("archive backup: give at least two --target folders on independent media (TT 02/2019 Điều 8)");
            return UsageError;
        }
        if (targets.FirstOrDefault(t => t.StartsWith(data + Path.DirectorySeparatorChar, StringComparison.Ordinal) || t == data) is { } inside)
        {
            await error.WriteLineAsync($"archive backup: target {inside} is inside the data folder; a backup must live apart from what it backs up");
            return UsageError;
        }
        if (!Directory.Exists(data))
        {
            await error.WriteLineAsync($"archive backup: data folder {data} does not exist");
            return UsageError;
        }

        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        ArchiveDatabaseLocation db;
        try { db = await ArchiveDatabaseLocation.ResolveAsync(connection, data, create: false, ct); }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or NpgsqlException or IOException)
        {
            await error.WriteLineAsync($"archive backup: {e.Message}");
            return e is ArgumentException ? UsageError : Failed;
        }
        await using var _ = db;

        string dumpFile;
        Snapshot snap;
        var plans = targets.Select(t => Plan(t, started, forceFull)).ToList();
        try
        {
            await using var conn = new NpgsqlConnection(db.ConnectionString);
            await conn.OpenAsync(ct);
            await using var tx = await conn.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
            snap = await TakeSnapshotAsync(conn, tx, ct);
            BackupSets.CreateOwnerOnlyDirectory(plans[0].Partial);
            dumpFile = Path.Combine(plans[0].Partial, "database.dump");
            // The exporting transaction stays open until pg_dump has read everything under its snapshot.
            await PgTools.DumpAsync(db.ConnectionString, snap.Id, dumpFile, ct);
            BackupSets.MakeOwnerOnly(dumpFile);
            await tx.RollbackAsync(ct);
        }
        catch (Exception e) when (e is NpgsqlException or IOException or InvalidOperationException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"archive backup: the database could not be dumped: {e.Message}");
            foreach (var t in targets) TryLog(t, started, "Sao lưu (backup)", actor, [("Kết quả (result)", $"THẤT BẠI (FAILED): {e.Message}")]);
            return Failed;
        }
        var dumpSha = await BackupSets.HashAsync(dumpFile, ct);
        var dumpBytes = new FileInfo(dumpFile).Length;

        var failed = false;
        // The first target's set holds the dump the others copy: it is completed (moved into place) last.
        foreach (var plan in plans.Skip(1).Append(plans[0]))
        {
            try
            {
                var result = await WriteSetAsync(plan, snap, dumpFile, dumpSha, dumpBytes, data, contentRoot, started, actor, db.Describe, ct);
                var ok = result.Problems.Count == 0;
                failed |= !ok;
                await output.WriteLineAsync($"{(ok ? "OK" : "PROBLEMS")} {Path.Combine(plan.Target, plan.Name)}: {plan.Kind}, {snap.Events} events, " +
                    $"{snap.Blobs.Count} blob(s) ({result.Copied} copied), {result.Keys} key file(s)");
                foreach (var p in result.Problems) await output.WriteLineAsync($"  {p}");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or InvalidDataException)
            {
                failed = true;
                await error.WriteLineAsync($"archive backup: target {plan.Target} failed: {e.Message}");
                TryLog(plan.Target, started, $"Sao lưu (backup) {plan.Name}", actor, [("Kết quả (result)", $"THẤT BẠI (FAILED): {e.Message}")]);
            }
        }
        await output.WriteLineAsync($"RESULT {(failed ? "failed" : "done")} in {clock.Elapsed.TotalSeconds:0.0} s");
        return failed ? Failed : Succeeded;
    }

    private sealed record SetPlan(string Target, string Name, string Kind, string? Base, BackupManifest? Previous)
    {
        public string Partial => Path.Combine(Target, "." + Name + ".partial");
        public string Final => Path.Combine(Target, Name);
    }

    /// <summary>Full when forced, when the target has no full set, or when its last full set is from an earlier month (Vietnam time).</summary>
    private static SetPlan Plan(string target, DateTimeOffset now, bool forceFull)
    {
        var sets = BackupSets.List(target);
        var lastFull = sets.LastOrDefault(s => s.EndsWith("-full", StringComparison.Ordinal));
        BackupManifest? fullManifest = null;
        try { fullManifest = lastFull is null ? null : BackupManifest.Read(lastFull); }
        catch (Exception e) when (e is IOException or JsonException or InvalidDataException) { }
        var month = now.ToOffset(BackupSets.VietnamOffset);
        var sameMonth = fullManifest is not null && fullManifest.CreatedAt.ToOffset(BackupSets.VietnamOffset) is var f
                        && f.Year == month.Year && f.Month == month.Month;
        if (forceFull || !sameMonth) return new(target, BackupSets.NameFor(now, BackupManifest.Full), BackupManifest.Full, null, null);
        var previous = BackupManifest.Read(sets[^1]);
        return new(target, BackupSets.NameFor(now, BackupManifest.Incremental), BackupManifest.Incremental, Path.GetFileName(lastFull), previous);
    }

    private static async Task<Snapshot> TakeSnapshotAsync(NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct)
    {
        async Task<T> Scalar<T>(string sql)
        {
            await using var cmd = new NpgsqlCommand(sql, conn, tx);
            return (T)(await cmd.ExecuteScalarAsync(ct))!;
        }
        async Task<List<(string, DateTimeOffset?)>> Rows(string sql)
        {
            var list = new List<(string, DateTimeOffset?)>();
            await using var cmd = new NpgsqlCommand(sql, conn, tx);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) list.Add((r.GetString(0), r.FieldCount > 1 && !r.IsDBNull(1) ? r.GetFieldValue<DateTimeOffset>(1) : null));
            return list;
        }
        await using (var ro = new NpgsqlCommand("set transaction read only", conn, tx)) await ro.ExecuteNonQueryAsync(ct);
        var id = await Scalar<string>("select pg_export_snapshot()");
        var version = await Scalar<string>("select current_setting('server_version')");
        var hasStore = await Scalar<bool>($"select to_regclass('{Schema}.events') is not null");
        var hasRefs = await Scalar<bool>($"select to_regclass('{ApiSchema}.content_refs') is not null");
        var hasKeys = await Scalar<bool>($"select to_regclass('{Schema}.stream_keys') is not null");
        long events = 0, streams = 0, last = 0;
        if (hasStore)
        {
            events = await Scalar<long>($"select count(*) from {Schema}.events");
            streams = await Scalar<long>($"select count(*) from {Schema}.streams");
            last = await Scalar<long>($"select coalesce(max(position), 0) from {Schema}.events");
        }
        var blobs = hasRefs ? (await Rows($"select distinct sha256 from {ApiSchema}.content_refs order by 1")).Select(r => r.Item1).ToList() : [];
        var shredded = hasKeys
            ? (await Rows($"select stream_id, shredded_at from {Schema}.stream_keys where shredded_at is not null order by 1"))
                .Select(r => new ShreddingEntry(r.Item1, r.Item2!.Value)).ToList()
            : [];
        return new Snapshot(id, version, events, streams, last, blobs, shredded);
    }

    private sealed record SetResult(int Copied, long CopiedBytes, int Keys, List<string> Problems);

    private static async Task<SetResult> WriteSetAsync(SetPlan plan, Snapshot snap, string dumpFile, string dumpSha, long dumpBytes, string data,
        string contentRoot, DateTimeOffset started, string actor, string origin, CancellationToken ct)
    {
        var problems = new List<string>();
        BackupSets.CreateOwnerOnlyDirectory(plan.Partial);
        var setDump = Path.Combine(plan.Partial, "database.dump");
        if (Path.GetFullPath(setDump) != Path.GetFullPath(dumpFile))
        {
            var (sha, _) = await BackupSets.CopyAsync(dumpFile, setDump, ct);
            if (sha != dumpSha) throw new IOException($"the copy of the database dump in {plan.Target} does not match (SHA-256 {sha})");
        }

        // Blobs: each referenced one from the previous set of this chain, or copied (and re-hashed) now.
        var known = (plan.Previous?.Blobs ?? []).ToDictionary(b => b.Sha256, StringComparer.Ordinal);
        var blobs = new List<BackupBlob>();
        int copied = 0;
        long copiedBytes = 0;
        foreach (var sha in snap.Blobs)
        {
            if (known.TryGetValue(sha, out var earlier) && File.Exists(BackupSets.BlobPath(Path.Combine(plan.Target, earlier.Set), sha)))
            {
                blobs.Add(earlier);
                continue;
            }
            var source = Path.Combine(contentRoot, sha[..2], sha[2..4], sha);
            if (!File.Exists(source))
            {
                problems.Add($"MISSING blob {sha}: referenced by the database, not in {contentRoot}");
                continue;
            }
            var (actual, bytes) = await BackupSets.CopyAsync(source, BackupSets.BlobPath(plan.Partial, sha), ct);
            if (actual != sha)
            {
                File.Delete(BackupSets.BlobPath(plan.Partial, sha));
                problems.Add($"MISMATCH blob {sha}: its bytes hash to {actual}; not backed up");
                continue;
            }
            blobs.Add(new BackupBlob(sha, bytes, plan.Name));
            copied++;
            copiedBytes += bytes;
        }

        // Keys and signing identity: the master key and everything under signing/ (owner-only, as in the data folder).
        var keys = new List<BackupFile>();
        var keyFiles = new List<string>();
        if (File.Exists(Path.Combine(data, "master.key"))) keyFiles.Add(Path.Combine(data, "master.key"));
        else problems.Add("NOTE no master.key in the data folder (configured by Archive__Encryption__MasterKey?): keep the master key apart");
        if (Directory.Exists(Path.Combine(data, "signing")))
            keyFiles.AddRange(Directory.EnumerateFiles(Path.Combine(data, "signing"), "*", SearchOption.AllDirectories).Where(f => !f.EndsWith(".tmp")).Order());
        foreach (var file in keyFiles)
        {
            var relative = Path.Combine("keys", Path.GetRelativePath(data, file));
            var (sha, bytes) = await BackupSets.CopyAsync(file, Path.Combine(plan.Partial, relative), ct);
            keys.Add(new BackupFile(relative.Replace('\\', '/'), sha, bytes));
        }

        var manifest = new BackupManifest(1, plan.Name, plan.Kind, plan.Base, started, snap.Id, actor,
            new BackupDatabase(ArchiveDatabaseLocation.DatabaseName, snap.ServerVersion, snap.Events, snap.Streams, snap.LastPosition,
                new BackupFile("database.dump", dumpSha, dumpBytes)),
            blobs, keys, snap.Shredded.Count);
        await File.WriteAllTextAsync(Path.Combine(plan.Partial, BackupManifest.FileName), JsonSerializer.Serialize(manifest, BackupManifest.Json), ct);
        BackupSets.MakeOwnerOnly(Path.Combine(plan.Partial, BackupManifest.FileName));
        Directory.Move(plan.Partial, plan.Final);

        // The ledger of destroyed keys lives beside the sets, outside them: a restore of this set or an older one reads it.
        var ledgerPath = Path.Combine(plan.Target, ShreddingLedger.FileName);
        var inLedger = ShreddingLedger.Read(ledgerPath);
        var newlyShredded = snap.Shredded.Where(s => !inLedger.ContainsKey(s.StreamId)).ToList();
        ShreddingLedger.Append(ledgerPath, newlyShredded);

        var notes = problems.Where(p => p.StartsWith("NOTE", StringComparison.Ordinal)).ToList();
        var errors = problems.Except(notes).ToList();
        BackupLog.Append(plan.Target,
            $"{BackupLog.Time(started)} · {(plan.Kind == BackupManifest.Full ? "Sao lưu toàn bộ (full backup)" : "Sao lưu gia tăng (incremental backup)")} · bộ (set) {plan.Name}",
            [
                ("Người thực hiện (operator)", actor),
                ("Nguồn (source)", $"{origin}; thư mục dữ liệu (data folder) {data}"),
                ("Điểm nhất quán (consistent point)", $"snapshot {snap.Id}, vị trí sự kiện cuối (last event position) {snap.LastPosition}"),
                ("Cơ sở dữ liệu (database)", $"PostgreSQL {snap.ServerVersion}; {BackupLog.Number(snap.Events)} sự kiện (events), " +
                    $"{BackupLog.Number(snap.Streams)} luồng (streams); database.dump {BackupLog.Size(dumpBytes)}, SHA-256 {dumpSha}"),
                ("Tệp nội dung (content files)", $"{BackupLog.Number(blobs.Count)} được tham chiếu (referenced); {BackupLog.Number(copied)} sao chép vào bộ này " +
                    $"(copied into this set), {BackupLog.Size(copiedBytes)}" + (plan.Base is null ? "" : $"; phần còn lại trong chuỗi từ (the rest in the chain from) {plan.Base}")),
                ("Khóa và danh tính ký số (keys and signing identity)", $"{keys.Count} tệp (files): {string.Join(", ", keys.Select(k => k.Path))}"),
                ("Sổ hủy khóa (shredding ledger)", $"{snap.Shredded.Count} bản ghi đã hủy khóa (records shredded), {newlyShredded.Count} mới ghi (newly written)"),
                .. notes.Select(n => ("Ghi chú (note)", n)),
                .. errors.Select(p => ("Lỗi (error)", p)),
                ("Kết quả (result)", errors.Count == 0 ? "THÀNH CÔNG (SUCCEEDED)" : $"CÓ LỖI (COMPLETED WITH {errors.Count} ERROR(S))"),
            ]);
        return new SetResult(copied, copiedBytes, keys.Count, errors);
    }

    internal static void TryLog(string target, DateTimeOffset at, string what, string actor, IEnumerable<(string, string)> lines)
    {
        try { BackupLog.Append(target, $"{BackupLog.Time(at)} · {what}", [("Người thực hiện (operator)", actor), .. lines]); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}
