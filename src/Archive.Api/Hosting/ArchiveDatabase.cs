using Archive.EventStore.Hosting;
using Npgsql;

namespace Archive.Api.Hosting;

/// <summary>
/// Where the archive's PostgreSQL is: the configured ConnectionStrings:Archive, or, when none
/// is configured, a private cluster in the data folder (ARCHIVE_DATA, default .data/) that
/// lives and dies with this process.
/// </summary>
public sealed record ArchiveDatabase(string ConnectionString, EmbeddedPostgres? Embedded, string DataFolder)
{
    public static async Task<ArchiveDatabase> ResolveAsync(IConfiguration config, IHostEnvironment env)
    {
        var dataFolder = Path.GetFullPath(config["Archive:DataFolder"]
            ?? Environment.GetEnvironmentVariable("ARCHIVE_DATA")
            ?? Path.Combine(env.ContentRootPath, ".data"));
        var configured = config.GetConnectionString("Archive");
        OwnerOnly.SecureDataFolder(dataFolder, sharedWithPostgres: string.IsNullOrWhiteSpace(configured) && Environment.IsPrivilegedProcess);
        if (!string.IsNullOrWhiteSpace(configured)) return new(configured, null, dataFolder);

        var pg = await EmbeddedPostgres.StartAsync(Path.Combine(dataFolder, "pg"),
            log: m => Console.WriteLine($"archive: {m}"));
        await pg.EnsureDatabaseAsync("archive");
        return new(pg.ConnectionString("archive"), pg, dataFolder);
    }
}

public static class ArchiveDatabaseServices
{
    public static IServiceCollection AddArchiveDatabase(this IServiceCollection services, ArchiveDatabase db)
    {
        services.AddSingleton(db);
        // No Reset On Close keeps the append function's cached plans across pooled connections
        // (DISCARD ALL on every return made appends 3-5x slower; docs/benchmarks.md).
        services.AddSingleton(_ => new NpgsqlDataSourceBuilder(
            new NpgsqlConnectionStringBuilder(db.ConnectionString) { NoResetOnClose = true }.ConnectionString).Build());
        if (db.Embedded is not null)
        {
            services.AddSingleton<EmbeddedPostgresLifetime>();
            services.AddHostedService(sp => sp.GetRequiredService<EmbeddedPostgresLifetime>());
        }
        return services;
    }
}

/// <summary>
/// Supervises the private cluster: checks every <c>Archive:Database:Supervision:CheckInterval</c> (default 1 s) that
/// it accepts connections and, when it died (crash, <c>kill -9</c>, OOM killer), starts it again on the same port with
/// the same settings, retrying with an exponential backoff (<c>FirstRetryDelay</c> 1 s, doubling up to
/// <c>MaxRetryDelay</c> 30 s), every step logged. Pooled connections to the dead server are dropped once it is back.
/// Meanwhile requests answer 503 with Retry-After (<see cref="Infrastructure.Problems.DatabaseUnavailable"/>).
/// Stops the cluster when the host shuts down.
/// </summary>
internal sealed class EmbeddedPostgresLifetime(ArchiveDatabase db, NpgsqlDataSource dataSource, IConfiguration config,
    ILogger<EmbeddedPostgresLifetime> log) : BackgroundService
{
    private int _restarts;

    /// <summary>How many times this host restarted its cluster.</summary>
    public int Restarts => Volatile.Read(ref _restarts);

    private TimeSpan Setting(string name, TimeSpan fallback) =>
        config.GetValue<TimeSpan?>($"Archive:Database:Supervision:{name}") is { } v && v > TimeSpan.Zero ? v : fallback;

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        if (db.Embedded is not { } pg) return;
        var interval = Setting("CheckInterval", TimeSpan.FromSeconds(1));
        var first = Setting("FirstRetryDelay", TimeSpan.FromSeconds(1));
        var max = Setting("MaxRetryDelay", TimeSpan.FromSeconds(30));
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await Task.Delay(interval, ct);
                if (await pg.IsAcceptingConnectionsAsync()) continue;
                var down = System.Diagnostics.Stopwatch.StartNew();
                log.LogWarning("The private PostgreSQL on port {Port} stopped answering; restarting it (data in {Root})", pg.Port, pg.Root);
                var delay = first;
                for (var attempt = 1; ; attempt++)
                {
                    await Task.Delay(delay, ct);
                    try
                    {
                        await pg.RestartAsync(ct);
                        // Pooled connections still point at the dead server's backends.
                        dataSource.Clear();
                        NpgsqlConnection.ClearAllPools();
                        Interlocked.Increment(ref _restarts);
                        log.LogWarning("Restarted the private PostgreSQL on port {Port} (attempt {Attempt}, unavailable for {Seconds:0.0} s)",
                            pg.Port, attempt, down.Elapsed.TotalSeconds);
                        break;
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        delay = TimeSpan.FromTicks(Math.Min(max.Ticks, delay.Ticks * 2));
                        log.LogError("Restarting the private PostgreSQL on port {Port} failed (attempt {Attempt}): {Reason}; next attempt in {Delay:0} s",
                            pg.Port, attempt, e.Message, delay.TotalSeconds);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
    }

    public override async Task StopAsync(CancellationToken ct)
    {
        // Supervision ends first, so that stopping the cluster is not mistaken for a crash.
        await base.StopAsync(ct);
        NpgsqlConnection.ClearAllPools();
        if (db.Embedded is { } pg)
        {
            log.LogInformation("Stopping the private PostgreSQL on port {Port}", pg.Port);
            // A cluster that died and is not back has nothing to stop: pg_ctl says so, and shutdown goes on.
            try { await pg.DisposeAsync(); }
            catch (InvalidOperationException e) { log.LogWarning("Stopping the private PostgreSQL failed: {Reason}", e.Message); }
        }
    }
}
