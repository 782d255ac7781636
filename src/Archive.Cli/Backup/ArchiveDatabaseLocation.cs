using Archive.EventStore.Hosting;

namespace Archive.Cli.Backup;

/// <summary>
/// The archive's database for a backup or a restore: the connection string given, or else the private cluster in the
/// data folder (<c>DATA/pg</c>, database <c>archive</c>), as the API host resolves it. A running cluster is attached
/// to; one that is not running is started for the command and stopped afterwards (a restore creates it).
/// </summary>
internal sealed class ArchiveDatabaseLocation : IAsyncDisposable
{
    public const string DatabaseName = "archive";
    private readonly EmbeddedPostgres? _embedded;

    private ArchiveDatabaseLocation(string connectionString, EmbeddedPostgres? embedded)
    {
        ConnectionString = connectionString;
        _embedded = embedded;
    }

    public string ConnectionString { get; }

    public string Describe => _embedded is { } pg ? $"private PostgreSQL in {pg.Root} (127.0.0.1:{pg.Port})" : "configured connection";

    public static async Task<ArchiveDatabaseLocation> ResolveAsync(string? connection, string dataFolder, bool create, CancellationToken ct)
    {
        if (!string.IsNullOrWhiteSpace(connection)) return new(connection, null);
        var root = Path.Combine(dataFolder, "pg");
        if (!create && !File.Exists(Path.Combine(root, "data", "PG_VERSION")))
            throw new ArgumentException($"no --connection given and no private PostgreSQL cluster in {root}");
        var pg = await EmbeddedPostgres.StartAsync(root, stopOnDispose: true, ct: ct);
        await pg.EnsureDatabaseAsync(DatabaseName, ct);
        return new(pg.ConnectionString(DatabaseName), pg);
    }

    public async ValueTask DisposeAsync()
    {
        Npgsql.NpgsqlConnection.ClearAllPools();
        if (_embedded is not null) await _embedded.DisposeAsync();
    }
}
