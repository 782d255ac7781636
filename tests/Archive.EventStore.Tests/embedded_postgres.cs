using Archive.Testing;
using Npgsql;

namespace Archive.EventStore.Tests;

public class embedded_postgres : IClassFixture<DatabaseFixture>
{
    private readonly DatabaseFixture _db;
    public embedded_postgres(DatabaseFixture db) => _db = db;

    [Fact]
    public async Task a_fresh_database_answers_queries_on_a_real_server()
    {
        await using var conn = new NpgsqlConnection(_db.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("select current_database(), version()", conn);
        await using var r = await cmd.ExecuteReaderAsync();
        (await r.ReadAsync()).ShouldBeTrue();
        r.GetString(0).ShouldStartWith("t_");
        r.GetString(1).ShouldStartWith("PostgreSQL");
    }
}
