using Xunit;
using Archive.EventStore.Hosting;
using Npgsql;

namespace Archive.Testing;

/// <summary>
/// The one real PostgreSQL the test run uses. ARCHIVE_TEST_CONNECTION names an existing
/// server; otherwise a private cluster per test assembly is started (or attached to) under
/// ARCHIVE_TEST_PGDATA, by default under /tmp, and left running for the next test process:
/// test.sh stops them.
/// </summary>
public static class TestPostgres
{
    private static readonly Lazy<Task<string>> Server = new(StartAsync);

    /// <summary>Connection string of the server's maintenance database.</summary>
    public static Task<string> ServerConnectionStringAsync() => Server.Value;

    private static async Task<string> StartAsync()
    {
        var configured = Environment.GetEnvironmentVariable("ARCHIVE_TEST_CONNECTION");
        if (!string.IsNullOrWhiteSpace(configured)) return configured;
        var dir = Environment.GetEnvironmentVariable("ARCHIVE_TEST_PGDATA");
        if (string.IsNullOrWhiteSpace(dir)) dir = Path.Combine(Path.GetTempPath(), "archive-test-pg");
        // One cluster per test assembly: the store's safe high-water mark is cluster-wide, so a
        // test holding a transaction open must not stall projections of another test process.
        var assembly = AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetName().Name)
            .FirstOrDefault(n => n is not null && n.EndsWith(".Tests", StringComparison.Ordinal)) ?? "shared";
        dir = Path.Combine(dir, assembly);
        // Test-only speed settings: a lost test database after a power cut costs nothing.
        var pg = await EmbeddedPostgres.StartAsync(dir, stopOnDispose: false, settings: new Dictionary<string, string>
        {
            ["fsync"] = "off", ["synchronous_commit"] = "off", ["full_page_writes"] = "off",
        });
        return pg.ConnectionString();
    }

    /// <summary>Creates a fresh, uniquely named database and returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync(string prefix = "t")
    {
        var server = await ServerConnectionStringAsync();
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 33, 63)].ToLowerInvariant();
        await using (var conn = new NpgsqlConnection(server))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"create database \"{name}\"", conn);
            await cmd.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    }

    /// <summary>Drops a database created by <see cref="CreateDatabaseAsync"/>.</summary>
    public static async Task DropDatabaseAsync(string connectionString)
    {
        var db = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        NpgsqlConnection.ClearAllPools();
        await using var conn = new NpgsqlConnection(await ServerConnectionStringAsync());
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"drop database if exists \"{db}\" with (force)", conn);
        await cmd.ExecuteNonQueryAsync();
    }
}

/// <summary>One fresh database per test class (xunit class fixture), dropped afterwards.</summary>
public class DatabaseFixture : IAsyncLifetime
{
    public string ConnectionString { get; private set; } = "";

    public virtual async Task InitializeAsync() => ConnectionString = await TestPostgres.CreateDatabaseAsync();

    public virtual async Task DisposeAsync()
    {
        if (ConnectionString != "") await TestPostgres.DropDatabaseAsync(ConnectionString);
    }
}
