using System.Diagnostics;
using System.Security.Claims;
using System.Text.Json;
using Archive.Api.Features.Digitization;
using Archive.Api.Hosting;
using Archive.Api.Infrastructure.Auth;
using Archive.Api.Infrastructure.Search;
using Npgsql;
using NpgsqlTypes;

namespace Archive.Bench.Suites;

/// <summary>
/// Main search over documents with recognised page text (issue 12): N documents (default 1,000,000) with metadata as the
/// <c>search</c> suite makes it and 1-3 pages each (2 on average) of OCR-like text, 14 lines a page as the digitize suite's
/// scans: 12 lines of the seeds' Vietnamese and 2 a scan of one document would hold alone (its number and date, a line of
/// seed words in an order of its own). Loaded with COPY into <c>archive_api.search_index</c> (with each document's
/// <c>page_terms</c>) and <c>archive_api.page_text</c>, as the conversion and the projection would leave them; indexes
/// built after, with the Api's own DDL. Then a query mix through <see cref="SearchIndex.QueryAsync"/> (page of 20, best page
/// and marked snippet included) as an officer with and without clearance: p50/p95, against the <c>search</c> suite's
/// metadata query mix on the same table in the same run (ratio), and the recall of distinctive phrases narrowed to their
/// document's fonds and date.
/// </summary>
public static class SearchTextSuite
{
    private const int LinesPerPage = 14;

    public static async Task RunAsync(BenchDatabase db)
    {
        var count = int.Parse(Environment.GetEnvironmentVariable("ARCHIVE_BENCH_SEARCH_TEXT_DOCS") ?? "1000000");
        var repetitions = int.Parse(Environment.GetEnvironmentVariable("ARCHIVE_BENCH_SEARCH_TEXT_REPS") ?? "10");
        var bulkBuilder = new NpgsqlConnectionStringBuilder(db.ConnectionString) { Options = "-c maintenance_work_mem=512MB", CommandTimeout = 0 };
        await using var bulk = NpgsqlDataSource.Create(bulkBuilder.ConnectionString);
        await ApiSchema.EnsureAsync(bulk, CancellationToken.None);
        await DigitizationServices.EnsureSchemaAsync(bulk, CancellationToken.None);
        var corpus = SeedCorpus.Load();
        var gen = new Generator(corpus);
        // ARCHIVE_BENCH_SEARCH_REUSE=1 (with ARCHIVE_BENCH_PGDATA) keeps tables already loaded with the same count.
        var reuse = Environment.GetEnvironmentVariable("ARCHIVE_BENCH_SEARCH_REUSE") == "1"
                    && await SearchSuite.ScalarAsync<long>(db.DataSource, "select count(*) from archive_api.search_index") == count
                    && await SearchSuite.ScalarAsync<long>(db.DataSource, "select count(*) from archive_api.page_text where page = 1") == count;
        if (reuse) Console.WriteLine($"# search-text: reusing the {count:N0} documents already loaded");
        else
        {
            Console.WriteLine($"# search-text: generating {count:N0} documents with ~2 pages of text each from {corpus.Lines.Length:N0} seed lines");
            var load = Stopwatch.StartNew();
            var pages = await LoadAsync(db.DataSource, gen, count);
            Console.WriteLine($"# search-text: rows written in {load.Elapsed.TotalSeconds:F1} s; building indexes");
            await ApiSchema.EnsureAsync(bulk, CancellationToken.None);
            await DigitizationServices.EnsureSchemaAsync(bulk, CancellationToken.None);
            await using (var analyze = bulk.CreateCommand("analyze archive_api.search_index; analyze archive_api.page_text")) await analyze.ExecuteNonQueryAsync();
            load.Stop();
            Console.WriteLine($"search-text load: {count:N0} documents, {pages:N0} pages in {load.Elapsed.TotalSeconds:F1} s (COPY + indexes + analyze)");
            Report.Figure("search_text_load_docs_per_s", count / load.Elapsed.TotalSeconds, "docs/s");
        }
        await SearchSuite.FillRecordListAsync(db);
        await using (var size = db.DataSource.CreateCommand("""
            select pg_size_pretty(pg_total_relation_size('archive_api.search_index')), pg_size_pretty(pg_total_relation_size('archive_api.page_text')),
                   (select count(*) from archive_api.page_text)
            """))
        await using (var r = await size.ExecuteReaderAsync())
            if (await r.ReadAsync()) Console.WriteLine($"# search-text: search_index {r.GetString(0)}, page_text {r.GetString(1)} ({r.GetInt64(2):N0} pages)");

        var officer = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Role, Roles.RecordsOfficer)], "bench"));
        var cleared = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ClaimTypes.Role, Roles.RecordsOfficer), new Claim(ArchiveClaims.Clearance, AccessRegimes.Secret)], "bench"));
        var index = new SearchIndex(db.DataSource);
        var text = TextQueries(gen, count);
        var metadata = SearchSuite.Queries(await SearchSuite.ScalarAsync<string>(db.DataSource, "select codes[2] from archive_api.search_index where id = 'doc-00000777'"));

        // Recall first (it also warms the caches): a distinctive phrase of a document's page, narrowed to its fonds and date,
        // must find that document, with the page and the phrase marked.
        var (found, asked, marked) = await RecallAsync(index, cleared, gen, count);
        Console.WriteLine($"search-text recall: {found} of {asked} distinctive phrases found their document ({marked} with the phrase marked on the right page)");
        Report.Figure("search_text_recall", (double)found / asked, "ratio");

        var ours = new Dictionary<string, List<double>>();
        foreach (var (who, caller) in new[] { ("officer", officer), ("cleared", cleared) })
            foreach (var (name, ms) in await SearchSuite.MeasureAsync(index, caller, text, repetitions))
                ours[$"{who}: {name}"] = ms;
        var baseline = new Dictionary<string, List<double>>();
        foreach (var (who, caller) in new[] { ("officer", officer), ("cleared", cleared) })
            foreach (var (name, ms) in await SearchSuite.MeasureAsync(index, caller, metadata, repetitions))
                baseline[$"{who}: {name}"] = ms;
        foreach (var (name, ms) in ours)
            Console.WriteLine($"  {name,-62} p50 {SearchSuite.P(ms, 50),7:F2} ms  p95 {SearchSuite.P(ms, 95),7:F2} ms");
        var all = ours.Values.SelectMany(x => x).ToList();
        var allBase = baseline.Values.SelectMany(x => x).ToList();
        Console.WriteLine($"search-text over {count:N0} documents with page text: p50 {SearchSuite.P(all, 50):F2} ms, p95 {SearchSuite.P(all, 95):F2} ms " +
                          $"(target p95 < 50 ms); metadata query mix on the same table p50 {SearchSuite.P(allBase, 50):F2} ms, p95 {SearchSuite.P(allBase, 95):F2} ms");
        Report.Figure("search_text_p50_ms", SearchSuite.P(all, 50), "ms");
        Report.Figure("search_text_p95_ms", SearchSuite.P(all, 95), "ms");
        Report.Figure("search_text_metadata_p95_ms", SearchSuite.P(allBase, 95), "ms");
        Report.Figure("search_text_p95_over_metadata_p95", SearchSuite.P(all, 95) / SearchSuite.P(allBase, 95), "ratio");
    }

    /// <summary>Documents, pages and queries from one seeded generator, so a kept table and a new run agree on them.</summary>
    internal sealed class Generator(SeedCorpus corpus)
    {
        private static readonly string[] RetentionCodes = ["01", "02", "03", "04", "05", "06"];
        public readonly SeedCorpus Corpus = corpus;
        private readonly string[] _norm = corpus.Lines.Select(TextNormalizer.Normalize).ToArray();
        private readonly string[][] _terms = corpus.Lines.Select(l => SearchTerms.Of(TextNormalizer.Normalize(l))).ToArray();

        public sealed record Doc(SearchRecord Record, List<Page> Pages);
        public sealed record Page(string Text, string Norm, string[] Terms, string OwnLine);

        /// <summary>Document <paramref name="i"/>: the same every time (its own random stream).</summary>
        public Doc Make(int i)
        {
            var rnd = new Random(i * 7919 + 17);
            var fonds = $"000.00.{rnd.Next(0, 40):00}.H29";
            var year = rnd.Next(1995, 2026);
            var date = new DateOnly(year, 1, 1).AddDays(rnd.Next(0, 365));
            var dossierCode = $"{fonds}.{year}.{rnd.Next(1, 60):00}-VP";
            var docCode = $"{dossierCode}.{rnd.Next(1, 200):0000000}";
            var number = $"{rnd.Next(1, 4000)}/QĐ-UBND";
            var record = new SearchRecord
            {
                Id = $"doc-{i:D8}", Kind = RecordKinds.Document, FondsId = fonds, Year = year,
                RetentionCode = RetentionCodes[rnd.Next(RetentionCodes.Length)], AccessRegime = rnd.Next(100) switch { < 70 => "01", < 95 => "02", _ => "03" },
                DocumentType = $"{rnd.Next(1, 33):00}", Date = date, HasDigitizationWarnings = rnd.Next(10) == 0, Codes = [dossierCode, docCode],
                Title = SearchSuite.Clip(Corpus.Lines[rnd.Next(Corpus.Lines.Length)], 300), Subject = SearchSuite.Clip(Corpus.Lines[rnd.Next(Corpus.Lines.Length)], 500),
                Keywords = [Corpus.Words[rnd.Next(Corpus.Words.Length)], Corpus.Words[rnd.Next(Corpus.Words.Length)]],
                Metadata = new Dictionary<string, string> { ["signer"] = "Chủ tịch Ủy ban nhân dân tỉnh", ["number"] = number },
            };
            var pages = new List<Page>();
            var pageCount = rnd.Next(1, 4);
            for (var p = 0; p < pageCount; p++)
            {
                var own = string.Join(' ', Enumerable.Range(0, 10).Select(_ => Corpus.Words[rnd.Next(Corpus.Words.Length)]));
                var head = $"Số: {number} Lai Châu, ngày {date.Day} tháng {date.Month} năm {year} trang {p + 1}";
                var lines = new List<(string Text, string Norm, string[] Terms)>();
                for (var k = 0; k < LinesPerPage - 2; k++)
                {
                    var n = rnd.Next(Corpus.Lines.Length);
                    lines.Add((Corpus.Lines[n], _norm[n], _terms[n]));
                }
                foreach (var extra in new[] { head, own })
                {
                    var norm = TextNormalizer.Normalize(extra);
                    lines.Insert(rnd.Next(lines.Count + 1), (extra, norm, SearchTerms.Of(norm)));
                }
                pages.Add(new Page(string.Join('\n', lines.Select(l => l.Text)), string.Join(' ', lines.Select(l => l.Norm)),
                    lines.SelectMany(l => l.Terms).Distinct(StringComparer.Ordinal).ToArray(), own));
            }
            return new Doc(record, pages);
        }
    }

    private static async Task<long> LoadAsync(NpgsqlDataSource db, Generator gen, int count)
    {
        await using var docs = await db.OpenConnectionAsync();
        await using var text = await db.OpenConnectionAsync();
        await using (var drop = new NpgsqlCommand("""
            truncate archive_api.search_index, archive_api.page_text;
            do $$ declare i record; begin
                for i in select indexname from pg_indexes where schemaname = 'archive_api' and tablename in ('search_index', 'page_text')
                         and indexname not in ('search_index_pkey', 'page_text_pkey') loop
                    execute format('drop index archive_api.%I', i.indexname);
                end loop;
            end $$
            """, docs))
            await drop.ExecuteNonQueryAsync();
        long pages = 0;
        // Two COPY streams on two connections: the server parses and stores both tables at once.
        await using var w = await docs.BeginBinaryImportAsync("""
            copy archive_api.search_index (id, kind, fonds_id, year, retention_code, access_regime, document_type, record_date,
                has_digitization_warnings, codes, title, subject, keywords, metadata, norm_text, sort_date, terms, page_terms) from stdin (format binary)
            """);
        await using var t = await text.BeginBinaryImportAsync(
            "copy archive_api.page_text (document_id, content_version, page, text, norm_text, terms) from stdin (format binary)");
        for (var i = 0; i < count; i++)
        {
            var (r, docPages) = gen.Make(i);
            var norm = SearchIndex.IndexText(r);
            await w.StartRowAsync();
            await w.WriteAsync(r.Id); await w.WriteAsync(r.Kind); await w.WriteAsync(r.FondsId); await w.WriteAsync(r.Year!.Value);
            await w.WriteAsync(r.RetentionCode); await w.WriteAsync(r.AccessRegime); await w.WriteAsync(r.DocumentType);
            await w.WriteAsync(r.Date!.Value, NpgsqlDbType.Date); await w.WriteAsync(r.HasDigitizationWarnings);
            await w.WriteAsync(r.Codes.ToArray()); await w.WriteAsync(r.Title); await w.WriteAsync(r.Subject);
            await w.WriteAsync(r.Keywords.ToArray()); await w.WriteAsync(JsonSerializer.Serialize(r.Metadata), NpgsqlDbType.Jsonb);
            await w.WriteAsync(norm); await w.WriteAsync(r.Date!.Value, NpgsqlDbType.Date); await w.WriteAsync(SearchTerms.Of(norm));
            await w.WriteAsync(docPages.SelectMany(p => p.Terms).Distinct(StringComparer.Ordinal).ToArray());
            for (var p = 0; p < docPages.Count; p++)
            {
                await t.StartRowAsync();
                await t.WriteAsync(r.Id); await t.WriteAsync(2); await t.WriteAsync(p + 1);
                await t.WriteAsync(docPages[p].Text); await t.WriteAsync(docPages[p].Norm); await t.WriteAsync(docPages[p].Terms);
                pages++;
            }
            if (i > 0 && i % 100_000 == 0) Console.WriteLine($"#   {i:N0} documents");
        }
        await w.CompleteAsync();
        await t.CompleteAsync();
        return pages;
    }

    /// <summary>A phrase of <paramref name="words"/> words of <paramref name="line"/> from word <paramref name="from"/>.</summary>
    private static string Phrase(string line, int from, int words) =>
        string.Join(' ', line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(from).Take(words));

    private static List<(string Name, SearchQuery Query)> TextQueries(Generator gen, int count)
    {
        var rnd = new Random(4242);
        var queries = new List<(string, SearchQuery)>();
        // Distinctive phrases: 4 words of a line only one document's page holds, as printed and typed without diacritics.
        for (var k = 0; k < 3; k++)
        {
            var doc = gen.Make(rnd.Next(count));
            var phrase = Phrase(doc.Pages[0].OwnLine, 3, 4);
            queries.Add(($"own phrase {k} '{phrase}'", new SearchQuery { Text = phrase }));
            queries.Add(($"own phrase {k} unaccented", new SearchQuery { Text = TextNormalizer.Normalize(phrase) }));
        }
        // Phrases of the seeds' lines (each line is on about 2.5% of the pages), with and without diacritics.
        for (var k = 0; k < 3; k++)
        {
            var phrase = Phrase(gen.Corpus.Lines[rnd.Next(gen.Corpus.Lines.Length)], 2, 5);
            queries.Add(($"seed phrase {k} '{phrase}'", new SearchQuery { Text = phrase }));
            queries.Add(($"seed phrase {k} unaccented", new SearchQuery { Text = TextNormalizer.Normalize(phrase) }));
        }
        var seedPhrase = Phrase(gen.Corpus.Lines[rnd.Next(gen.Corpus.Lines.Length)], 0, 3);
        queries.AddRange(
        [
            ("common 'ủy ban nhân dân'", new SearchQuery { Text = "ủy ban nhân dân" }),
            ("common 'quyet dinh'", new SearchQuery { Text = "quyet dinh" }),
            ("common 'ke hoach cong nghe thong tin'", new SearchQuery { Text = "ke hoach cong nghe thong tin" }),
            ("no hits 'kho lưu trữ sao hỏa'", new SearchQuery { Text = "kho lưu trữ sao hỏa zyxw" }),
            ("no hits 'hopdongkhongco'", new SearchQuery { Text = "hopdongkhongco" }),
            ($"seed phrase + fonds", new SearchQuery { Text = seedPhrase, FondsId = "000.00.07.H29" }),
            ($"seed phrase + year", new SearchQuery { Text = seedPhrase, Year = 2019 }),
            ($"seed phrase + type + date range", new SearchQuery { Text = seedPhrase, DocumentType = "02", DateFrom = new(2020, 1, 1), DateTo = new(2021, 12, 31) }),
            ("common 'lai chau' + access 02", new SearchQuery { Text = "lai chau", AccessRegime = "02" }),
            ("'bao cao' + warnings", new SearchQuery { Text = "bao cao", HasDigitizationWarnings = true }),
        ]);
        return queries;
    }

    private static async Task<(int Found, int Asked, int Marked)> RecallAsync(SearchIndex index, ClaimsPrincipal caller, Generator gen, int count)
    {
        var rnd = new Random(777);
        int found = 0, asked = 0, marked = 0;
        for (var k = 0; k < 40; k++)
        {
            var i = rnd.Next(count);
            var doc = gen.Make(i);
            var page = rnd.Next(doc.Pages.Count);
            var phrase = Phrase(doc.Pages[page].OwnLine, 2, 4);
            if (k % 2 == 1) phrase = TextNormalizer.Normalize(phrase);
            var r = doc.Record;
            var query = new SearchQuery { Text = phrase, FondsId = r.FondsId, DateFrom = r.Date, DateTo = r.Date };
            asked++;
            string? cursor = null;
            for (var guard = 0; guard < 50; guard++)
            {
                var result = await index.QueryAsync(query, caller, cursor, 200, CancellationToken.None);
                var hit = result.Items.FirstOrDefault(h => h.Id == r.Id);
                if (hit is not null)
                {
                    found++;
                    if (hit.PageMatch is { } m && m.Page == page + 1 && TextNormalizer.Normalize(m.Snippet).Contains("<mark>" + TextNormalizer.Normalize(phrase)))
                        marked++;
                    break;
                }
                if ((cursor = result.NextCursor) is null) break;
            }
        }
        return (found, asked, marked);
    }

}
