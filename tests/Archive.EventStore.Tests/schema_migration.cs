using Archive.EventStore.Tests.Support;
using Archive.Testing;
using Npgsql;

namespace Archive.EventStore.Tests;

public class schema_migration : IClassFixture<DatabaseFixture>
{
    private readonly DatabaseFixture _db;
    public schema_migration(DatabaseFixture db) => _db = db;

    [Fact]
    public async Task nodes_migrating_at_once_and_again_later_apply_each_step_exactly_once()
    {
        await using var ds = NpgsqlDataSource.Create(_db.ConnectionString);
        var stores = Enumerable.Range(0, 4).Select(_ => new EventStore(ds, new EventStoreOptions())).ToList();

        await Task.WhenAll(stores.Select(s => s.MigrateAsync()));
        await stores[0].MigrateAsync();

        await using var cmd = ds.CreateCommand("select count(*), count(distinct version) from event_store.schema_version");
        await using var r = await cmd.ExecuteReaderAsync();
        (await r.ReadAsync()).ShouldBeTrue();
        r.GetInt64(0).ShouldBe(r.GetInt64(1));
        r.GetInt64(0).ShouldBeGreaterThanOrEqualTo(1);
    }

    [Fact]
    public async Task a_store_in_its_own_schema_works_beside_another()
    {
        await using var ds = NpgsqlDataSource.Create(_db.ConnectionString);
        var options = new EventStoreOptions { Schema = "second_store" };
        options.Events.Register<ThingOpened>("thing.opened.v1");
        var store = new EventStore(ds, options);
        await store.MigrateAsync();

        var result = await store.AppendAsync("s-1", ExpectedVersion.NoStream, [new ThingOpened("a", 1)]);

        result.NextExpectedVersion.ShouldBe(1);
        (await store.ReadStreamAsync("s-1")).Single().Data.ShouldBe(new ThingOpened("a", 1));
    }
}
