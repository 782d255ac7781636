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
    public async Task upgrading_a_store_with_events_to_step_5_fills_the_stream_rows_and_the_next_appends_continue_the_chains()
    {
        await using var ds = NpgsqlDataSource.Create(_db.ConnectionString);
        var options = new EventStoreOptions { Schema = "upgraded_store" };
        options.Events.Register<ThingOpened>("thing.opened.v1");
        options.Events.Register<ThingRenamed>("thing.renamed.v1");
        var store = new EventStore(ds, options);
        await using (var drop = ds.CreateCommand("drop schema if exists upgraded_store cascade")) await drop.ExecuteNonQueryAsync();
        await store.MigrateAsync(4, CancellationToken.None);
        // Written as a node at step 4 wrote them: step 3's function, one metadata per event.
        await using (var old = ds.CreateCommand("""
            select upgraded_store.append_events('thing-a', 'thing', 0, array['thing.opened.v1', 'thing.renamed.v1'],
                array['{"title": "a", "pages": 1}', '{"newTitle": "b"}']::jsonb[], array['{"actor": "x"}', '{"actor": "x"}']::jsonb[]);
            select upgraded_store.append_events('thing-b', 'thing', 0, array['thing.opened.v1'],
                array['{"title": "c", "pages": 2}']::jsonb[], array['{"actor": "y"}']::jsonb[]);
            """)) await old.ExecuteNonQueryAsync();

        await store.MigrateAsync();

        var rows = new List<string>();
        await using (var cmd = ds.CreateCommand("""
            select s.id, s.last_previous_hash is not distinct from e.previous_hash from upgraded_store.streams s
              join upgraded_store.events e on e.stream_id = s.id and e.version = s.version order by s.id
            """))
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync()) rows.Add($"{r.GetString(0)}:{r.GetBoolean(1)}");
        rows.ShouldBe(["thing-a:True", "thing-b:True"]);

        await store.AppendAsync("thing-a", ExpectedVersion.Exactly(2), [new ThingRenamed("d")]);
        await store.AppendAsync("thing-b", ExpectedVersion.Exactly(1), [new ThingRenamed("e"), new ThingRenamed("f")]);
        await store.AppendAsync("thing-b", ExpectedVersion.Any, [new ThingRenamed("g")]);
        (await new Integrity.HashChainVerifier(ds, "upgraded_store").VerifyStreamsAsync(["thing-a", "thing-b"])).ShouldBeEmpty();
        (await store.ReadStreamAsync("thing-b")).Select(e => e.Version).ShouldBe([1L, 2L, 3L, 4L]);
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
