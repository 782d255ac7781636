using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Archive.Api.Infrastructure.Auth;
using Npgsql;
using NpgsqlTypes;

namespace Archive.Api.Infrastructure.Search;

public static class RecordKinds
{
    public const string Fonds = "fonds";
    public const string Dossier = "dossier";
    public const string Document = "document";
    public static readonly IReadOnlyList<string> All = [Fonds, Dossier, Document];
}

/// <summary>One searchable record (phông / hồ sơ / văn bản) as the search projection writes it.</summary>
public sealed record SearchRecord
{
    public required string Id { get; init; }
    public required string Kind { get; init; }
    public string? FondsId { get; init; }
    public int? Year { get; init; }
    public string? RetentionCode { get; init; }
    public string AccessRegime { get; init; } = AccessRegimes.Public;
    public string? DocumentType { get; init; }
    public DateOnly? Date { get; init; }
    public bool HasDigitizationWarnings { get; init; }
    public IReadOnlyList<string> Codes { get; init; } = [];
    public string? Title { get; init; }
    public string? Subject { get; init; }
    public IReadOnlyList<string> Keywords { get; init; } = [];
    /// <summary>Other searchable metadata (author, signer, notes...); values are indexed as text.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();
    /// <summary>
    /// The document's recognised pages changed with the events projected (a conversion): the row takes the words of its
    /// stored pages (<c>page_terms</c>) in the same write. Otherwise the row keeps the page words it has (the conversion's
    /// own transaction sets them too, see <see cref="PageTextIndex.WriteAsync"/>).
    /// </summary>
    public bool PageTextChanged { get; init; }
}

public sealed record SearchQuery
{
    public string? Text { get; init; }
    public string? Kind { get; init; }
    public string? FondsId { get; init; }
    public int? Year { get; init; }
    public string? RetentionCode { get; init; }
    public string? AccessRegime { get; init; }
    public string? DocumentType { get; init; }
    public DateOnly? DateFrom { get; init; }
    public DateOnly? DateTo { get; init; }
    public bool? HasDigitizationWarnings { get; init; }
}

public sealed record SearchHit(string Id, string Kind, string? FondsId, int? Year, string? RetentionCode, string AccessRegime,
    string? DocumentType, DateOnly? Date, bool HasDigitizationWarnings, IReadOnlyList<string> Codes, string? Title, string? Subject,
    IReadOnlyList<string> Keywords)
{
    /// <summary>For a document found in its recognised text (OCR): the best page and a snippet with the words marked.</summary>
    public PageTextHit? PageMatch { get; init; }
}

public sealed record SearchPage(IReadOnlyList<SearchHit> Items, string? NextCursor);

/// <summary>
/// The search table (chỉ mục tra cứu). Ordered by date (newest first, undated last) then id,
/// paged by an opaque keyset cursor so pages stay stable while the index changes.
/// </summary>
public sealed class SearchIndex(NpgsqlDataSource db)
{
    public const int MaxPageSize = 200;
    private static readonly DateOnly Undated = new(1, 1, 1);

    /// <summary>The normalized text a record is found by (also used by bulk loaders).</summary>
    public static string IndexText(SearchRecord r) => TextNormalizer.Normalize(string.Join(' ',
        new[] { r.Title, r.Subject, string.Join(' ', r.Codes), string.Join(' ', r.Keywords), r.DocumentType, string.Join(' ', r.Metadata.Values) }
            .Where(s => !string.IsNullOrWhiteSpace(s))));

    /// <summary>One row change of a projection batch.</summary>
    public sealed record Write(SearchRecord? Record, string Id)
    {
        public static Write Upsert(SearchRecord r) => new(r, r.Id);
        public static Write Delete(string id) => new(null, id);
    }

    // One statement for all upserts of a batch, however many rows and however much text: the rows travel as one jsonb
    // array (arrays of text included, which unnest cannot carry per row). A row equal to the stored one is not
    // rewritten, so re-projecting an unchanged record costs no index maintenance. A row whose batch records a conversion
    // (page_text: true) takes the words of the document's stored pages in the same write (one new row version, one
    // index update, where a separate update would make two); other rows keep theirs.
    private const string UpsertSql = """
        with r as (select * from jsonb_to_recordset($1) as r(id text, kind text, fonds_id text, year int, retention_code text,
            access_regime text, document_type text, record_date date, has_digitization_warnings boolean, codes text[], title text,
            subject text, keywords text[], metadata jsonb, norm_text text, sort_date date, terms text[], page_text boolean)),
        pages as (select r.id, coalesce(array_agg(distinct t) filter (where t is not null), '{}') terms
            from r left join archive_api.page_text p on p.document_id = r.id left join lateral unnest(p.terms) t on true
            where r.page_text group by r.id)
        insert into archive_api.search_index (id, kind, fonds_id, year, retention_code, access_regime, document_type, record_date,
            has_digitization_warnings, codes, title, subject, keywords, metadata, norm_text, sort_date, terms, page_terms, updated_at)
        select r.id, kind, fonds_id, year, retention_code, access_regime, document_type, record_date,
            has_digitization_warnings, codes, title, subject, keywords, metadata, norm_text, sort_date, r.terms, coalesce(pages.terms, '{}'), now()
        from r left join pages on pages.id = r.id
        on conflict (id) do update set kind = excluded.kind, fonds_id = excluded.fonds_id, year = excluded.year,
            retention_code = excluded.retention_code, access_regime = excluded.access_regime, document_type = excluded.document_type,
            record_date = excluded.record_date, has_digitization_warnings = excluded.has_digitization_warnings, codes = excluded.codes,
            title = excluded.title, subject = excluded.subject, keywords = excluded.keywords, metadata = excluded.metadata,
            norm_text = excluded.norm_text, sort_date = excluded.sort_date, terms = excluded.terms,
            page_terms = case when excluded.id in (select id from pages) then excluded.page_terms else search_index.page_terms end, updated_at = now()
        where (search_index.kind, search_index.fonds_id, search_index.year, search_index.retention_code, search_index.access_regime,
               search_index.document_type, search_index.record_date, search_index.has_digitization_warnings, search_index.codes,
               search_index.title, search_index.subject, search_index.keywords, search_index.metadata, search_index.norm_text,
               search_index.sort_date, search_index.terms, search_index.page_terms)
            is distinct from (excluded.kind, excluded.fonds_id, excluded.year, excluded.retention_code, excluded.access_regime,
               excluded.document_type, excluded.record_date, excluded.has_digitization_warnings, excluded.codes, excluded.title,
               excluded.subject, excluded.keywords, excluded.metadata, excluded.norm_text, excluded.sort_date, excluded.terms,
               case when excluded.id in (select id from pages) then excluded.page_terms else search_index.page_terms end)
        """;

    private const string DeleteSql = "delete from archive_api.search_index where id = any($1)";

    public Task UpsertAsync(SearchRecord r, CancellationToken ct) => WriteAsync([Write.Upsert(r)], null, ct);

    public Task DeleteAsync(string id, CancellationToken ct) => WriteAsync([Write.Delete(id)], null, ct);

    /// <summary>
    /// Applies row changes in one round trip of at most two statements (the deletes, the upserts), inside
    /// <paramref name="tx"/> when given (the projection's batch: one commit per batch, together with its checkpoint).
    /// When one id has several writes, the last one counts.
    /// </summary>
    public async Task WriteAsync(IReadOnlyList<Write> writes, NpgsqlTransaction? tx, CancellationToken ct)
    {
        if (writes.Count == 0) return;
        var last = new Dictionary<string, Write>(StringComparer.Ordinal);
        foreach (var w in writes) last[w.Id] = w;
        var deletes = last.Values.Where(w => w.Record is null).Select(w => w.Id).ToArray();
        var upserts = last.Values.Select(w => w.Record).OfType<SearchRecord>().ToList();
        await using var conn = tx is null ? await db.OpenConnectionAsync(ct) : null;
        await using var batch = new NpgsqlBatch(tx?.Connection ?? conn, tx);
        if (deletes.Length > 0) batch.BatchCommands.Add(new NpgsqlBatchCommand(DeleteSql) { Parameters = { new() { Value = deletes } } });
        if (upserts.Count > 0)
            batch.BatchCommands.Add(new NpgsqlBatchCommand(UpsertSql) { Parameters = { new() { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = RowsJson(upserts) } } });
        await batch.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The rows as the jsonb array <see cref="UpsertSql"/> reads, with their index text and terms.</summary>
    private static string RowsJson(IReadOnlyList<SearchRecord> rows)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(rows.Count * 1024);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartArray();
            foreach (var r in rows)
            {
                var text = IndexText(r);
                w.WriteStartObject();
                w.WriteString("id", r.Id);
                w.WriteString("kind", r.Kind);
                w.WriteString("fonds_id", r.FondsId);
                if (r.Year is { } year) w.WriteNumber("year", year); else w.WriteNull("year");
                w.WriteString("retention_code", r.RetentionCode);
                w.WriteString("access_regime", r.AccessRegime);
                w.WriteString("document_type", r.DocumentType);
                w.WriteString("record_date", r.Date is { } date ? DateText(date) : null);
                w.WriteBoolean("has_digitization_warnings", r.HasDigitizationWarnings);
                WriteArray(w, "codes", r.Codes);
                w.WriteString("title", r.Title);
                w.WriteString("subject", r.Subject);
                WriteArray(w, "keywords", r.Keywords);
                w.WritePropertyName("metadata");
                JsonSerializer.Serialize(w, r.Metadata);
                w.WriteString("norm_text", text);
                w.WriteString("sort_date", DateText(r.Date ?? Undated));
                WriteArray(w, "terms", SearchTerms.Of(text));
                w.WriteBoolean("page_text", r.PageTextChanged);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>A date as Npgsql writes a DateOnly parameter (the min and max values are ∓infinity): the cursor compares with such parameters.</summary>
    private static string DateText(DateOnly d) =>
        d == DateOnly.MinValue ? "-infinity" : d == DateOnly.MaxValue ? "infinity" : d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private static void WriteArray(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values) w.WriteStringValue(v);
        w.WriteEndArray();
    }

    /// <summary>
    /// Rows of the date order read before the word index is asked (see <see cref="QueryAsync"/>): enough for words on a
    /// tenth of the rows to fill a page; was 500, which over 1,000,000 digitized documents cost rare phrases ~25 ms before
    /// the index answered them (search-text: p95 106 → 53 ms).
    /// </summary>
    private const int OrderedScanRows = 200;

    /// <summary>
    /// The longest second read of the date order, when the first one showed the terms to be common enough. Testing a row
    /// reads its words, ~2.7 KB out of line for a digitized document: over 1,000,000 documents with page text a read of
    /// 7,875 rows took longer than the index's answer for the same words (3,917 matches: 39 ms), so sparser words go to the index.
    /// </summary>
    private const int MaxOrderedScanRows = 2_000;

    /// <summary>Query terms at least this long are taken to be rare (codes, numbers): straight to the word index.</summary>
    private const int RareTermLength = 12;

    private const string Columns = """
        id, kind, fonds_id, year, retention_code, access_regime, document_type, record_date, has_digitization_warnings,
        codes, title, subject, keywords, sort_date
        """;

    /// <summary>
    /// Searches what <paramref name="caller"/> may see: regime 03 only with clearance. Text terms use the word index
    /// (<see cref="SearchTerms"/>). Common words match a large part of the table, where walking the date order and
    /// stopping at a page is cheap and intersecting posting lists is not; rare ones are the other way round. So a text
    /// query first reads the newest <see cref="OrderedScanRows"/> rows that pass the filters and keeps those that match:
    /// a full page among them is exactly the first page (every earlier match is among those rows). If it found some
    /// matches but not a page, one longer read sized from their density follows (up to <see cref="MaxOrderedScanRows"/>).
    /// Otherwise the indexed query answers. All give the same rows in the same order.
    /// </summary>
    public async Task<SearchPage> QueryAsync(SearchQuery q, ClaimsPrincipal caller, string? cursor, int pageSize, CancellationToken ct)
    {
        pageSize = Math.Clamp(pageSize, 1, MaxPageSize);
        var where = new StringBuilder("access_regime = any(@visible)");
        await using var cmd = db.CreateCommand();
        cmd.Parameters.AddWithValue("visible", AccessRegimes.VisibleTo(caller));
        // The row's own regime may be behind (the index is asynchronous): a record that became 03 is hidden at once.
        if (!caller.IsClearedForSecret()) where.Append(" and " + Access.RecordAccess.NotSecret("(kind || '-' || id)"));
        void Filter(string column, string name, object? value)
        {
            if (value is null) return;
            where.Append($" and {column} = @{name}");
            cmd.Parameters.AddWithValue(name, value);
        }
        Filter("kind", "kind", q.Kind);
        Filter("fonds_id", "fonds", q.FondsId);
        Filter("year", "year", q.Year);
        Filter("retention_code", "retention", q.RetentionCode);
        Filter("access_regime", "regime", q.AccessRegime);
        Filter("document_type", "doctype", q.DocumentType);
        Filter("has_digitization_warnings", "warnings", q.HasDigitizationWarnings);
        // Date bounds go on sort_date, which is record_date for dated rows and Undated otherwise: a lower bound above
        // Undated excludes undated rows exactly as "record_date >= from" does, and the date-order index range-scans it.
        if (q.DateFrom is not null || q.DateTo is not null)
        {
            var lower = q.DateFrom is { } f && f > Undated ? f : Undated.AddDays(1);
            where.Append(" and sort_date >= @from");
            cmd.Parameters.AddWithValue("from", lower);
            if (q.DateTo is { } to) { where.Append(" and sort_date <= @to"); cmd.Parameters.AddWithValue("to", to); }
        }
        if (Cursor.TryDecode(cursor, out var afterDate, out var afterId))
        {
            where.Append(" and (sort_date < @cdate or (sort_date = @cdate and id > @cid))");
            cmd.Parameters.AddWithValue("cdate", afterDate);
            cmd.Parameters.AddWithValue("cid", afterId);
        }
        cmd.Parameters.AddWithValue("limit", pageSize + 1);
        const string order = " order by sort_date desc, id limit @limit";

        var terms = TextNormalizer.Terms(q.Text);
        if (terms.Length == 0)
        {
            cmd.CommandText = $"select {Columns} from archive_api.search_index where {where}{order}";
            return await ReadPageAsync(cmd, pageSize, ct);
        }
        // A document's words are its metadata's and its recognised pages' (page_terms): the text of a scan finds it as its
        // title does, through the same index and the same plans, with no cap on how many documents the text matches.
        var match = new StringBuilder($"{MatchedWords} @@ @query::tsquery");
        cmd.Parameters.AddWithValue("query", SearchTerms.MatchQuery(terms));
        // Beyond the indexed length only the substring check is exact.
        for (var i = 0; i < terms.Length; i++)
            if (terms[i].Length > SearchTerms.MaxLength)
            {
                match.Append($" and norm_text like @t{i} escape '\\'");
                cmd.Parameters.AddWithValue($"t{i}", "%" + EscapeLike(terms[i]) + "%");
            }
        if (terms.All(t => t.Length < RareTermLength))
        {
            // A second, longer read when the first found matches but not a page: sized from their density.
            for (int scan = OrderedScanRows, attempt = 0; attempt < 2; attempt++)
            {
                cmd.CommandText = $"""
                    select {Columns} from (select {Columns}, words, norm_text from archive_api.search_index where {where}
                        order by sort_date desc, id limit {scan}) s
                    where {match}{order}
                    """;
                var page = await ReadPageAsync(cmd, pageSize, ct);
                if (page.NextCursor is not null) return await WithPagesAsync(page, q.Text!, ct);
                var needed = page.Items.Count == 0 ? long.MaxValue : (long)(pageSize + 1) * scan * 3 / 2 / page.Items.Count;
                if (needed > MaxOrderedScanRows) break;
                scan = (int)needed;
            }
        }
        // "sort_date + 0" keeps the planner off the date-order index here: it underestimates rare prefix terms and
        // would walk the whole order filtering every row (measured: 72 s for one exact code over 1,000,000 rows).
        cmd.CommandText = $"select {Columns} from archive_api.search_index where {where} and {match} order by sort_date + 0 desc, id limit @limit";
        return await WithPagesAsync(await ReadPageAsync(cmd, pageSize, ct), q.Text!, ct);
    }

    /// <summary>The words a row is found by (metadata and page text): a stored tsvector column with the GIN index search_index_words.</summary>
    public const string MatchedWords = "words";

    /// <summary>
    /// Adds to the documents of the page (never more than one page of hits) the best page of their recognised text and its
    /// marked snippet, when their pages hold any of the words.
    /// </summary>
    private async Task<SearchPage> WithPagesAsync(SearchPage page, string text, CancellationToken ct)
    {
        var found = page.Items.Where(h => h.Kind == RecordKinds.Document).Select(h => h.Id).ToArray();
        if (found.Length == 0) return page;
        var pages = await PageTextIndex.BestPagesAsync(db, text, found, ct);
        return page with { Items = [.. page.Items.Select(h => pages.TryGetValue(h.Id, out var p) ? h with { PageMatch = p } : h)] };
    }

    private static async Task<SearchPage> ReadPageAsync(NpgsqlCommand cmd, int pageSize, CancellationToken ct)
    {
        var items = new List<SearchHit>();
        DateOnly lastDate = default;
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            if (items.Count == pageSize) return new SearchPage(items, Cursor.Encode(lastDate, items[^1].Id));
            items.Add(new SearchHit(r.GetString(0), r.GetString(1), Str(r, 2), r.IsDBNull(3) ? null : r.GetInt32(3), Str(r, 4), r.GetString(5),
                Str(r, 6), r.IsDBNull(7) ? null : r.GetFieldValue<DateOnly>(7), r.GetBoolean(8), r.GetFieldValue<string[]>(9),
                Str(r, 10), Str(r, 11), r.GetFieldValue<string[]>(12)));
            lastDate = r.GetFieldValue<DateOnly>(13);
        }
        return new SearchPage(items, null);
    }

    private static string? Str(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static string EscapeLike(string s) => s.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");

    /// <summary>Opaque cursor: base64url of "yyyy-MM-dd|id".</summary>
    internal static class Cursor
    {
        public static string Encode(DateOnly date, string id) =>
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{date:yyyy-MM-dd}|{id}")).TrimEnd('=').Replace('+', '-').Replace('/', '_');

        public static bool TryDecode(string? cursor, out DateOnly date, out string id)
        {
            date = default;
            id = "";
            if (string.IsNullOrEmpty(cursor)) return false;
            try
            {
                var b64 = cursor.Replace('-', '+').Replace('_', '/');
                b64 += new string('=', (4 - b64.Length % 4) % 4);
                var parts = Encoding.UTF8.GetString(Convert.FromBase64String(b64)).Split('|', 2);
                if (parts.Length != 2 || !DateOnly.TryParseExact(parts[0], "yyyy-MM-dd", out date)) return false;
                id = parts[1];
                return true;
            }
            catch (FormatException)
            {
                return false;
            }
        }

        public static bool IsValid(string? cursor) => string.IsNullOrEmpty(cursor) || TryDecode(cursor, out _, out _);
    }
}
