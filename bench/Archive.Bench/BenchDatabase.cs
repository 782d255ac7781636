using Archive.EventStore.Hosting;
using Npgsql;

namespace Archive.Bench;

/// <summary>
/// ARCHIVE_BENCH_CONNECTION when set; otherwise a private PostgreSQL with default (durable:
/// fsync on) settings in ARCHIVE_BENCH_PGDATA or a temporary folder removed afterwards.
/// </summary>
public sealed class BenchDatabase : IAsyncDisposable
{
    private readonly EmbeddedPostgres? _pg;
    private readonly string? _tempDir;

    private BenchDatabase(string connectionString, EmbeddedPostgres? pg, string? tempDir)
    {
        // Npgsql's DISCARD ALL on returning a pooled connection throws away the append function's
        // cached plans, re-planning every statement of it on each call (measured: about 2x slower).
        ConnectionString = new NpgsqlConnectionStringBuilder(connectionString) { NoResetOnClose = true }.ConnectionString;
        _pg = pg;
        _tempDir = tempDir;
        DataSource = NpgsqlDataSource.Create(ConnectionString);
    }

    public string ConnectionString { get; }
    public NpgsqlDataSource DataSource { get; }

    /// <summary>The private cluster's postmaster (for <see cref="CpuMeter"/>); null for a configured server.</summary>
    public int? PostmasterPid => _pg is null ? null : CpuMeter.PostmasterOf(Path.Combine(_pg.Root, "data"));

    public static async Task<BenchDatabase> StartAsync()
    {
        var configured = Environment.GetEnvironmentVariable("ARCHIVE_BENCH_CONNECTION");
        if (!string.IsNullOrWhiteSpace(configured)) return new BenchDatabase(configured, null, null);
        var dir = Environment.GetEnvironmentVariable("ARCHIVE_BENCH_PGDATA");
        string? temp = null;
        if (string.IsNullOrWhiteSpace(dir)) dir = temp = Path.Combine(Path.GetTempPath(), $"archive-bench-pg-{Guid.NewGuid():N}");
        var pg = await EmbeddedPostgres.StartAsync(dir, stopOnDispose: true, log: m => Console.WriteLine($"# {m}"));
        await pg.EnsureDatabaseAsync("bench");
        return new BenchDatabase(pg.ConnectionString("bench"), pg, temp);
    }

    public async Task ExecAsync(string sql)
    {
        await using var cmd = DataSource.CreateCommand(sql);
        cmd.CommandTimeout = 0;
        await cmd.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        if (_pg is not null) await _pg.DisposeAsync();
        if (_tempDir is not null)
        {
            try { Directory.Delete(_tempDir, recursive: true); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }
}
