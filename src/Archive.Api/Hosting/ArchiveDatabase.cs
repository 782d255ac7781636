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
        if (db.Embedded is not null) services.AddHostedService<EmbeddedPostgresLifetime>();
        return services;
    }
}

/// <summary>Stops the private cluster when the host shuts down.</summary>
internal sealed class EmbeddedPostgresLifetime(ArchiveDatabase db, ILogger<EmbeddedPostgresLifetime> log) : IHostedService
{
    public Task StartAsync(CancellationToken ct) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken ct)
    {
        NpgsqlConnection.ClearAllPools();
        if (db.Embedded is { } pg)
        {
            log.LogInformation("Stopping the private PostgreSQL on port {Port}", pg.Port);
            await pg.DisposeAsync();
        }
    }
}
