using Archive.Api.Hosting;
using Archive.Testing;
using Npgsql;

namespace Archive.Api.Tests;

/// <summary>A review list from before the projection kept facts per record is rebuilt from the events, not left without facts.</summary>
public class review_schema_upgrade : IAsyncLifetime
{
    private string _connection = "";

    public async Task InitializeAsync() => _connection = await TestPostgres.CreateDatabaseAsync();
    public Task DisposeAsync() => TestPostgres.DropDatabaseAsync(_connection);

    [Fact]
    public async Task a_review_list_without_facts_is_emptied_and_its_projection_rewound_once()
    {
        await using var db = NpgsqlDataSource.Create(_connection);
        await using (var old = db.CreateCommand("""
            create schema archive_api;
            create table archive_api.disposition_review (id text primary key, kind text not null, organ_id text, title text,
                retention_code text not null, retention_years int, end_year int not null, keep_until date not null,
                held boolean not null default false, access_regime text not null default '01', updated_at timestamptz not null default now());
            insert into archive_api.disposition_review (id, kind, retention_code, retention_years, end_year, keep_until)
                values ('000.00.00.H29.2015.01-VP', 'dossier', '06', 10, 2015, '2025-12-31');
            create schema event_store;
            create table event_store.projection_checkpoints (name text primary key, position bigint not null default 0,
                updated timestamptz not null default now());
            insert into event_store.projection_checkpoints (name, position) values ('disposition-review', 4242), ('search-index', 17);
            """))
            await old.ExecuteNonQueryAsync();

        await ApiSchema.EnsureAsync(db, default);
        async Task<object?> Scalar(string sql) { await using var c = db.CreateCommand(sql); return await c.ExecuteScalarAsync(); }
        (await Scalar("select count(*) from archive_api.disposition_review")).ShouldBe(0L);
        (await Scalar("select position from event_store.projection_checkpoints where name = 'disposition-review'")).ShouldBe(0L);
        (await Scalar("select position from event_store.projection_checkpoints where name = 'search-index'")).ShouldBe(17L);
        (await Scalar("select to_regclass('archive_api.disposition_review_dossiers') is not null")).ShouldBe(true);

        // The projection then advances; a second start must not rewind it again.
        await using (var moved = db.CreateCommand("update event_store.projection_checkpoints set position = 99 where name = 'disposition-review'"))
            await moved.ExecuteNonQueryAsync();
        await ApiSchema.EnsureAsync(db, default);
        (await Scalar("select position from event_store.projection_checkpoints where name = 'disposition-review'")).ShouldBe(99L);
    }
}
