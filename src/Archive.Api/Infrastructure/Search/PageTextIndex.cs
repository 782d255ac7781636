using System.Text;
using Npgsql;

namespace Archive.Api.Infrastructure.Search;

/// <summary>A page whose recognised text holds every query word; the snippet marks the words found with &lt;mark&gt;.</summary>
public sealed record PageTextHit(string DocumentId, int ContentVersion, int Page, bool ExactPhrase, string Snippet);

/// <summary>
/// The OCR text of digitized documents, one row per page (chỉ mục toàn văn), in a table of its own beside the metadata
/// search. Rows are written in the transaction that records the conversion event, so the text is searchable exactly when
/// the event exists; the text itself is not in the event (only its SHA-256), it is the PDF/A's text layer. Matching is
/// the metadata search's: normalized without diacritics (<see cref="TextNormalizer"/>), words as prefixes of indexed terms
/// (<see cref="SearchTerms"/>); pages holding the words as an exact phrase rank first.
/// </summary>
public sealed class PageTextIndex(NpgsqlDataSource db)
{
    public const string Ddl = """
        create table if not exists archive_api.page_text (
            document_id text not null,
            content_version int not null,
            page int not null,
            text text not null,
            norm_text text not null,
            terms text[] not null,
            primary key (document_id, page));
        create index if not exists page_text_terms on archive_api.page_text using gin (array_to_tsvector(terms));
        """;

    public const int MaxResults = 100;

    /// <summary>
    /// Replaces a document's page texts with those of <paramref name="version"/>, in one statement, and gives its search row
    /// the pages' words (<c>page_terms</c>, see <see cref="SearchIndex.MatchedWords"/>) in the same transaction.
    /// </summary>
    public static async Task WriteAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string documentId, int version, IReadOnlyList<string> pages,
        CancellationToken ct)
    {
        var norm = pages.Select(TextNormalizer.Normalize).ToArray();
        // Terms go as one text per page (space-joined) and are split in SQL: a text[][] would need equal lengths.
        await using var cmd = new NpgsqlCommand("""
            with gone as (delete from archive_api.page_text where document_id = $1),
            words as (update archive_api.search_index set page_terms = coalesce(
                (select array_agg(distinct t) from unnest($5::text[]) p(terms), unnest(string_to_array(p.terms, ' ')) t), '{}')
                where id = $1 and kind = 'document')
            insert into archive_api.page_text (document_id, content_version, page, text, norm_text, terms)
            select $1, $2, p.n, p.text, p.norm, string_to_array(p.terms, ' ')
            from unnest($3::text[], $4::text[], $5::text[]) with ordinality as p(text, norm, terms, n)
            """, conn, tx);
        cmd.Parameters.AddWithValue(documentId);
        cmd.Parameters.AddWithValue(version);
        cmd.Parameters.AddWithValue(pages.Select(p => p.Replace("\0", "")).ToArray());
        cmd.Parameters.AddWithValue(norm);
        cmd.Parameters.AddWithValue(norm.Select(n => string.Join(' ', SearchTerms.Of(n))).ToArray());
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public static async Task DeleteAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, string documentId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            with words as (update archive_api.search_index set page_terms = '{}' where id = $1 and page_terms <> '{}')
            delete from archive_api.page_text where document_id = $1
            """, conn, tx);
        cmd.Parameters.AddWithValue(documentId);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Pages holding every word of <paramref name="query"/> (up to <paramref name="limit"/>, candidates for the caller's access
    /// check), exact phrases first, then by document and page.
    /// </summary>
    public async Task<IReadOnlyList<PageTextHit>> QueryAsync(string query, string? documentId, int limit, CancellationToken ct)
    {
        var terms = TextNormalizer.Terms(query);
        if (terms.Length == 0) return [];
        await using var cmd = db.CreateCommand("""
            select document_id, content_version, page, text, strpos(norm_text, $2) > 0 as exact from archive_api.page_text
            where array_to_tsvector(terms) @@ $1::tsquery and ($3::text is null or document_id = $3)
            order by exact desc, document_id, page limit $4
            """);
        cmd.Parameters.AddWithValue(SearchTerms.MatchQuery(terms));
        cmd.Parameters.AddWithValue(TextNormalizer.Normalize(query));
        cmd.Parameters.AddWithValue((object?)documentId ?? DBNull.Value);
        cmd.Parameters.AddWithValue(Math.Clamp(limit, 1, MaxResults));
        var hits = new List<PageTextHit>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            hits.Add(new PageTextHit(r.GetString(0), r.GetInt32(1), r.GetInt32(2), r.GetBoolean(4), Snippet(r.GetString(3), terms)));
        return hits;
    }

    /// <summary>
    /// For each of <paramref name="documentIds"/> whose pages hold any word of <paramref name="query"/>, its best page: the
    /// exact phrase first, then the page holding the most of the words, then the first page.
    /// </summary>
    public static async Task<Dictionary<string, PageTextHit>> BestPagesAsync(NpgsqlDataSource db, string query, string[] documentIds, CancellationToken ct)
    {
        var terms = TextNormalizer.Terms(query);
        var hits = new Dictionary<string, PageTextHit>();
        if (terms.Length == 0 || documentIds.Length == 0) return hits;
        await using var cmd = db.CreateCommand("""
            select distinct on (p.document_id) p.document_id, p.content_version, p.page, p.text, strpos(p.norm_text, $2) > 0 as exact
            from archive_api.page_text p
            cross join lateral (select array_to_tsvector(p.terms) as words offset 0) w -- offset 0: built once per page, not once per use
            where p.document_id = any($3) and w.words @@ $1::tsquery
            order by p.document_id, exact desc, (select count(*) from unnest($4::tsquery[]) q where w.words @@ q) desc, p.page
            """);
        cmd.Parameters.AddWithValue(SearchTerms.AnyQuery(terms));
        cmd.Parameters.AddWithValue(TextNormalizer.Normalize(query));
        cmd.Parameters.AddWithValue(documentIds);
        cmd.Parameters.AddWithValue(SearchTerms.MatchTerms(terms));
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            hits[r.GetString(0)] = new PageTextHit(r.GetString(0), r.GetInt32(1), r.GetInt32(2), r.GetBoolean(4), Snippet(r.GetString(3), terms));
        return hits;
    }

    /// <summary>
    /// About <paramref name="width"/> words of the page around the first place its words match the query's (all of them in
    /// order when they occur so), HTML-escaped, the matched words inside &lt;mark&gt;…&lt;/mark&gt;.
    /// </summary>
    public static string Snippet(string text, IReadOnlyList<string> terms, int width = 24)
    {
        var words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var norm = words.Select(w => TextNormalizer.Normalize(w.Trim('.', ',', ';', ':', '(', ')', '"', '“', '”', '\''))).ToArray();
        bool Matches(int i, string term) => i < norm.Length && norm[i].StartsWith(term, StringComparison.Ordinal);
        int start = -1, length = 0;
        for (var i = 0; i < norm.Length && start < 0; i++)
            if (Enumerable.Range(0, terms.Count).All(k => Matches(i + k, terms[k]))) (start, length) = (i, terms.Count);
        if (start < 0)
            for (var i = 0; i < norm.Length && start < 0; i++)
                if (terms.Any(t => Matches(i, t))) (start, length) = (i, 1);
        if (start < 0) (start, length) = (0, 0);
        var from = Math.Max(0, start - (width - length) / 2);
        var to = Math.Min(words.Length, Math.Max(from + width, start + length));
        // The phrase when it was found whole, otherwise every word matching a query word; neighbours share one mark.
        var marked = new bool[words.Length];
        for (var i = from; i < to; i++) marked[i] = length == terms.Count ? i >= start && i < start + length : terms.Any(t => Matches(i, t));
        var sb = new StringBuilder();
        if (from > 0) sb.Append("… ");
        for (var i = from; i < to; i++)
        {
            if (i > from) sb.Append(' ');
            if (marked[i] && (i == from || !marked[i - 1])) sb.Append("<mark>");
            sb.Append(Escape(words[i]));
            if (marked[i] && (i + 1 == to || !marked[i + 1])) sb.Append("</mark>");
        }
        if (to < words.Length) sb.Append(" …");
        return sb.ToString();
    }

    // Only what HTML needs escaped: letters with diacritics stay readable in the JSON.
    private static string Escape(string s) => s.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").Replace("\"", "&quot;");
}
