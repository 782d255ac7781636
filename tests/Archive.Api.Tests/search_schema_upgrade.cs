using Archive.Api.Hosting;
using Archive.Testing;
using Npgsql;

namespace Archive.Api.Tests;

/// <summary>A search table from before the word index is rebuilt by the projection, not left without terms.</summary>
public class search_schema_upgrade : IAsyncLifetime
{
    private string _connection = "";

    public async Task InitializeAsync() => _connection = await TestPostgres.CreateDatabaseAsync();
    public Task DisposeAsync() => TestPostgres.DropDatabaseAsync(_connection);

    [Fact]
    public async Task an_index_without_terms_gets_the_column_is_emptied_and_its_projection_rewound()
    {
        await using var db = NpgsqlDataSource.Create(_connection);
        await using (var old = db.CreateCommand("""
            create schema archive_api;
            create table archive_api.search_index (id text primary key, kind text not null, fonds_id text, year int,
                retention_code text, access_regime text not null default '01', document_type text, record_date date,
                has_digitization_warnings boolean not null default false, codes text[] not null default '{}', title text,
                subject text, keywords text[] not null default '{}', metadata jsonb, norm_text text not null,
                sort_date date not null default '0001-01-01', updated_at timestamptz not null default now());
            insert into archive_api.search_index (id, kind, norm_text) values ('doc-1', 'document', 'quyet dinh');
            create schema event_store;
            create table event_store.projection_checkpoints (name text primary key, position bigint not null default 0,
                updated timestamptz not null default now());
            insert into event_store.projection_checkpoints (name, position) values ('search-index', 4242), ('other', 17);
            """))
            await old.ExecuteNonQueryAsync();

        await ApiSchema.EnsureAsync(db, default);
        await ApiSchema.EnsureAsync(db, default); // a second start changes nothing more

        async Task<object?> Scalar(string sql) { await using var c = db.CreateCommand(sql); return await c.ExecuteScalarAsync(); }
        (await Scalar("select count(*) from information_schema.columns where table_schema = 'archive_api' and table_name = 'search_index' and column_name = 'terms'")).ShouldBe(1L);
        (await Scalar("select count(*) from archive_api.search_index")).ShouldBe(0L);
        (await Scalar("select position from event_store.projection_checkpoints where name = 'search-index'")).ShouldBe(0L);
        (await Scalar("select position from event_store.projection_checkpoints where name = 'other'")).ShouldBe(17L);
    }
}
