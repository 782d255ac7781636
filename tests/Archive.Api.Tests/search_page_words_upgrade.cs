using Archive.Api.Hosting;
using Archive.Api.Infrastructure.Search;
using Archive.Testing;
using Npgsql;

namespace Archive.Api.Tests;

/// <summary>A search table from before page words gets them from the stored pages, and its terms the words without trailing punctuation.</summary>
public class search_page_words_upgrade : IAsyncLifetime
{
    private string _connection = "";

    public async Task InitializeAsync() => _connection = await TestPostgres.CreateDatabaseAsync();
    public Task DisposeAsync() => TestPostgres.DropDatabaseAsync(_connection);

    [Fact]
    public async Task an_index_from_before_page_words_gets_them_from_the_stored_pages_and_finds_words_written_with_punctuation()
    {
        await using var db = NpgsqlDataSource.Create(_connection);
        await using (var old = db.CreateCommand("""
            create schema archive_api;
            create table archive_api.search_index (id text primary key, kind text not null, fonds_id text, year int,
                retention_code text, access_regime text not null default '01', document_type text, record_date date,
                has_digitization_warnings boolean not null default false, codes text[] not null default '{}', title text,
                subject text, keywords text[] not null default '{}', metadata jsonb, norm_text text not null,
                sort_date date not null default '0001-01-01', updated_at timestamptz not null default now(), terms text[] not null default '{}');
            insert into archive_api.search_index (id, kind, norm_text, terms) values
                ('doc-1', 'document', 'quyet dinh,', '{quyet,"dinh,"}'), ('doc-2', 'document', 'cong van', '{cong,van}');
            """ + PageTextIndex.Ddl + """
            insert into archive_api.page_text (document_id, content_version, page, text, norm_text, terms) values
                ('doc-1', 2, 1, 'Kho lưu trữ,', 'kho luu tru,', '{kho,luu,"tru,"}');
            """))
            await old.ExecuteNonQueryAsync();

        await ApiSchema.EnsureAsync(db, default);
        await ApiSchema.EnsureAsync(db, default); // a second start changes nothing more

        async Task<string[]> Found(string query)
        {
            await using var c = db.CreateCommand($"select id from archive_api.search_index where {SearchIndex.MatchedWords} @@ $1::tsquery order by id");
            c.Parameters.AddWithValue(query);
            var ids = new List<string>();
            await using var r = await c.ExecuteReaderAsync();
            while (await r.ReadAsync()) ids.Add(r.GetString(0));
            return [.. ids];
        }
        (await Found(SearchTerms.MatchQuery(["quyet", "dinh"]))).ShouldBe(["doc-1"]);
        (await Found(SearchTerms.MatchQuery(["kho", "luu", "tru"]))).ShouldBe(["doc-1"]);
        (await Found(SearchTerms.MatchQuery(["cong", "van"]))).ShouldBe(["doc-2"]);
        (await Found(SearchTerms.MatchQuery(["cong", "kho"]))).ShouldBeEmpty();
    }
}
