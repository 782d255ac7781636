using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Archive.Cli.Backup;
using Archive.EventStore;
using Archive.Testing;

namespace Archive.Cli.Tests;

/// <summary>
/// <c>archive backup</c> and <c>archive restore</c> on a real PostgreSQL with the archive's schemas: full and incremental
/// sets, the monthly full, restoring from an incremental chain, and the usage rules. (The whole drill through the API,
/// destruction included, is tests/Archive.Api.Tests/restore_drill.cs.)
/// </summary>
public sealed class backup_command(AuditDatabase db) : IClassFixture<AuditDatabase>, IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("archive-backup-").FullName;
    private string Data => Path.Combine(_root, "data");
    private string T1 => Path.Combine(_root, "a");
    private string T2 => Path.Combine(_root, "b");

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static async Task<(int Code, string Out)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await CliApp.RunAsync(args, output, error);
        return (code, output + error.ToString());
    }

    private async Task<string> AddBlobAsync(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
        var path = Path.Combine(Data, "content", sha[..2], sha[2..4], sha);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllBytesAsync(path, bytes);
        await db.ExecAsync($"insert into archive_api.content_refs (sha256, owner_kind, owner_id) values ('{sha}', 'document', '{Guid.NewGuid():N}')");
        return sha;
    }

    private Task<(int Code, string Out)> BackupAsync() =>
        RunAsync("backup", "--connection", db.ConnectionString, "--data", Data, "--target", T1, "--target", T2, "--operator", "Trần Thị Bình");

    [Fact]
    public async Task sets_are_full_then_incremental_a_new_month_is_full_again_and_an_incremental_chain_restores_every_blob()
    {
        var options = new EventStoreOptions();
        options.Events.RegisterAssembly(typeof(backup_command).Assembly);
        var store = new EventStore.EventStore(db.DataSource, options);
        await store.MigrateAsync();
        await store.AppendAsync("dossier-bk", ExpectedVersion.NoStream, [new CliThingOpened("a"), new CliThingRenamed("b")]);
        await db.ExecAsync("""
            create schema if not exists archive_api;
            create table if not exists archive_api.content_refs (sha256 text not null, owner_kind text not null, owner_id text not null,
                created_at timestamptz not null default now(), primary key (sha256, owner_kind, owner_id));
            """);
        var first = await AddBlobAsync("bản quét thứ nhất");
        var second = await AddBlobAsync("bản quét thứ hai");
        var masterKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        await File.WriteAllTextAsync(Path.Combine(Data, "master.key"), masterKey + "\n");

        var (full, fullOut) = await BackupAsync();
        var third = await AddBlobAsync("bản quét thứ ba");
        var (incremental, incrementalOut) = await BackupAsync();

        full.ShouldBe(0, fullOut);
        fullOut.ShouldContain("-full: full, 2 events, 2 blob(s) (2 copied)");
        incremental.ShouldBe(0, incrementalOut);
        incrementalOut.ShouldContain("-incr: incremental, 2 events, 3 blob(s) (1 copied)");
        var incr = BackupSets.List(T2)[^1];
        Directory.EnumerateFiles(Path.Combine(incr, "content"), "*", SearchOption.AllDirectories).Select(Path.GetFileName).ShouldBe([third]);
        (await File.ReadAllTextAsync(Path.Combine(T1, BackupLog.FileName))).ShouldContain("Sao lưu gia tăng (incremental backup)");

        // Restoring the newest (incremental) set takes the blobs from the full set of its chain too.
        var restoredDb = await TestPostgres.CreateDatabaseAsync("bkr");
        var restored = Path.Combine(_root, "restored");
        var (restore, restoreOut) = await RunAsync("restore", "--from", T2, "--connection", restoredDb, "--data", restored);
        restore.ShouldBe(0, restoreOut);
        foreach (var (sha, text) in new[] { (first, "bản quét thứ nhất"), (second, "bản quét thứ hai"), (third, "bản quét thứ ba") })
            (await File.ReadAllTextAsync(Path.Combine(restored, "content", sha[..2], sha[2..4], sha))).ShouldBe(text);
        (await File.ReadAllTextAsync(Path.Combine(restored, "master.key"))).Trim().ShouldBe(masterKey);
        (await RunAsync("audit", "verify", "--connection", restoredDb, "--content", Path.Combine(restored, "content"))).Code.ShouldBe(0);
        // A second restore into the now non-empty archive is refused.
        (await RunAsync("restore", "--from", T2, "--connection", restoredDb, "--data", restored)).Code.ShouldBe(2);
        await TestPostgres.DropDatabaseAsync(restoredDb);

        // The last full set of target a dates from last month: its next set is full, b's stays incremental.
        var fullManifest = Path.Combine(BackupSets.List(T1)[0], BackupManifest.FileName);
        var json = JsonNode.Parse(await File.ReadAllTextAsync(fullManifest))!;
        json["created_at"] = DateTimeOffset.UtcNow.AddDays(-40);
        await File.WriteAllTextAsync(fullManifest, json.ToJsonString());
        var (monthly, monthlyOut) = await BackupAsync();
        monthly.ShouldBe(0, monthlyOut);
        monthlyOut.ShouldContain($"{T1}{Path.DirectorySeparatorChar}");
        monthlyOut.Split('\n').Single(l => l.Contains(T1 + Path.DirectorySeparatorChar)).ShouldContain("-full: full, 2 events, 3 blob(s) (3 copied)");
        monthlyOut.Split('\n').Single(l => l.Contains(T2 + Path.DirectorySeparatorChar)).ShouldContain("-incr: incremental");
    }

    [Fact]
    public async Task fewer_than_two_targets_or_a_target_inside_the_data_folder_is_a_usage_error()
    {
        Directory.CreateDirectory(Data);
        (await RunAsync("backup", "--connection", db.ConnectionString, "--data", Data, "--target", T1)).Code.ShouldBe(2);
        (await RunAsync("backup", "--connection", db.ConnectionString, "--data", Data, "--target", T1, "--target", Path.Combine(Data, "backup"))).Code.ShouldBe(2);
        (await RunAsync("restore", "--from", Path.Combine(_root, "nothing-here"), "--data", Data)).Code.ShouldBe(2);
    }
}
