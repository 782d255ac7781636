using System.Diagnostics;
using System.Security.Claims;
using System.Text.Json;
using Archive.Api.Hosting;
using Archive.Api.Infrastructure.Auth;
using Archive.Api.Infrastructure.Search;
using Npgsql;
using NpgsqlTypes;

namespace Archive.Bench.Suites;

/// <summary>
/// Search over generated documents with realistic Vietnamese metadata (the seeds): p50/p95 of
/// typical queries through the archive's own SearchIndex, against the same queries with
/// PostgreSQL's index scans switched off (a sequential scan of the same table) as baseline.
/// </summary>
public static class SearchSuite
{
    private static readonly string[] RetentionCodes = ["01", "02", "03", "04", "05", "06"];

    /// <summary>The document code of generated row 777: a lookup that must find exactly one record.</summary>
    private static string RareCode = "";

    /// <summary>
    /// Fills <c>archive_api.record_list</c> (the lists' inline read model, which also carries every record's access regime
    /// for access decisions) from the generated search rows, as the appends would have written it; kept when it already
    /// holds them (ARCHIVE_BENCH_SEARCH_REUSE).
    /// </summary>
    public static async Task FillRecordListAsync(BenchDatabase db)
    {
        await db.ExecAsync(Archive.Api.Features.Records.RecordList.Ddl);
        var listed = await ScalarAsync<long>(db.DataSource, "select count(*) from archive_api.record_list where kind = 'document'");
        var indexed = await ScalarAsync<long>(db.DataSource, "select count(*) from archive_api.search_index where kind = 'document'");
        if (listed == indexed) return;
        await db.ExecAsync("truncate archive_api.record_list");
        await db.ExecAsync("""
            insert into archive_api.record_list (kind, id, organ_id, year, document_codes, type_code, code_notation, title, status, access_regime,
                retention_code, sort_date, version)
            select 'document', id, fonds_id, year, codes, coalesce(document_type, '01'), coalesce(codes[1], id), coalesce(subject, title, ''), 'registered',
                access_regime, coalesce(retention_code, '01'), sort_date, 1
            from archive_api.search_index where kind = 'document'
            """);
        await db.ExecAsync("vacuum analyze archive_api.search_index");
        await db.ExecAsync("vacuum analyze archive_api.record_list");
    }

    public static async Task RunAsync(BenchDatabase db)
    {
        var count = int.Parse(Environment.GetEnvironmentVariable("ARCHIVE_BENCH_SEARCH_DOCS") ?? "1000000");
        // Index builds get more memory than a request would (as an operator would give a bulk import).
        var bulkBuilder = new NpgsqlConnectionStringBuilder(db.ConnectionString) { Options = "-c maintenance_work_mem=512MB", CommandTimeout = 0 };
        await using var bulk = NpgsqlDataSource.Create(bulkBuilder.ConnectionString);
        await ApiSchema.EnsureAsync(bulk, CancellationToken.None);
        // ARCHIVE_BENCH_SEARCH_REUSE=1 (with ARCHIVE_BENCH_PGDATA) keeps a table already loaded with the same count.
        var reuse = Environment.GetEnvironmentVariable("ARCHIVE_BENCH_SEARCH_REUSE") == "1"
                    && await ScalarAsync<long>(db.DataSource, "select count(*) from archive_api.search_index") == count;
        if (reuse)
        {
            RareCode = await ScalarAsync<string>(db.DataSource, "select codes[2] from archive_api.search_index where id = 'doc-00000777'");
            Console.WriteLine($"# search: reusing the {count:N0} documents already loaded");
        }
        else
        {
            await db.ExecAsync("truncate archive_api.search_index");
            var corpus = SeedCorpus.Load();
            Console.WriteLine($"# search: generating {count:N0} documents from {corpus.Lines.Length:N0} seed lines");
            var load = Stopwatch.StartNew();
            await LoadAsync(db.DataSource, corpus, count);
            // Indexes are built after the load, as a bulk import into an empty table would be: the Api's own DDL.
            await ApiSchema.EnsureAsync(bulk, CancellationToken.None);
            await db.ExecAsync("analyze archive_api.search_index");
            load.Stop();
            Console.WriteLine($"search load: {count:N0} documents in {load.Elapsed.TotalSeconds:F1} s (COPY + indexes + analyze)");
            Report.Figure("search_load_docs_per_s", count / load.Elapsed.TotalSeconds, "docs/s");
        }

        await FillRecordListAsync(db);

        var cleared = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ClaimTypes.Role, Roles.RecordsOfficer), new Claim(ArchiveClaims.Clearance, AccessRegimes.Secret)], "bench"));
        var queries = Queries(RareCode); // after the load: RareCode is known now
        var indexed = new SearchIndex(db.DataSource);
        var seqBuilder = new NpgsqlConnectionStringBuilder(db.ConnectionString) { Options = "-c enable_indexscan=off -c enable_bitmapscan=off -c enable_indexonlyscan=off" };
        await using var seqSource = NpgsqlDataSource.Create(seqBuilder.ConnectionString);
        var baseline = new SearchIndex(seqSource);

        var ours = await MeasureAsync(indexed, cleared, queries, repetitions: 40);
        var theirs = await MeasureAsync(baseline, cleared, queries, repetitions: 5);
        foreach (var (name, _) in queries)
            Console.WriteLine($"  {name,-34} p50 {P(ours[name], 50),7:F2} ms  p95 {P(ours[name], 95),7:F2} ms   seq-scan p50 {P(theirs[name], 50),8:F1} ms");
        var all = ours.Values.SelectMany(x => x).ToList();
        var allBase = theirs.Values.SelectMany(x => x).ToList();
        Console.WriteLine($"search over {count:N0} documents: p50 {P(all, 50):F2} ms, p95 {P(all, 95):F2} ms (target p95 < 50 ms); seq-scan baseline p95 {P(allBase, 95):F1} ms");
        Report.Figure("search_p50_ms", P(all, 50), "ms");
        Report.Figure("search_p95_ms", P(all, 95), "ms");
        Report.Figure("search_seqscan_p95_ms", P(allBase, 95), "ms");
        Report.Figure("search_p95_speedup_vs_seqscan", P(allBase, 95) / P(all, 95), "ratio");
    }

    /// <summary>The metadata query mix (also the baseline of the search-text suite).</summary>
    internal static List<(string Name, SearchQuery Query)> Queries(string rareCode) =>
    [
        ("text 'quyet dinh'", new SearchQuery { Text = "quyet dinh" }),
        ("text 'ke hoach cong nghe thong tin'", new SearchQuery { Text = "ke hoach cong nghe thong tin" }),
        ("text 'chu ky so' + fonds", new SearchQuery { Text = "chu ky so", FondsId = "000.00.07.H29" }),
        ("text 'dich vu cong' + year", new SearchQuery { Text = "dich vu cong", Year = 2019 }),
        ("fonds + year + type", new SearchQuery { FondsId = "000.00.03.H29", Year = 2018, DocumentType = "10" }),
        ("text 'lai chau' + date range", new SearchQuery { Text = "lai chau", DateFrom = new(2020, 1, 1), DateTo = new(2020, 6, 30) }),
        ("text 'bao cao' + warnings", new SearchQuery { Text = "bao cao", HasDigitizationWarnings = true }),
        ("rare code", new SearchQuery { Text = rareCode }),
        ("text with diacritics 'Ủy ban nhân dân'", new SearchQuery { Text = "Ủy ban nhân dân" }),
    ];

    internal static async Task<Dictionary<string, List<double>>> MeasureAsync(SearchIndex index, ClaimsPrincipal caller,
        List<(string Name, SearchQuery Query)> queries, int repetitions)
    {
        var result = queries.ToDictionary(q => q.Name, _ => new List<double>());
        foreach (var (_, q) in queries) await index.QueryAsync(q, caller, null, 20, CancellationToken.None); // warm caches
        for (var i = 0; i < repetitions; i++)
            foreach (var (name, q) in queries)
            {
                var sw = Stopwatch.StartNew();
                var page = await index.QueryAsync(q, caller, null, 20, CancellationToken.None);
                sw.Stop();
                if (i == 0 && page.Items.Count == 0) Console.WriteLine($"#   note: '{name}' found nothing");
                result[name].Add(sw.Elapsed.TotalMilliseconds);
            }
        return result;
    }

    internal static double P(IReadOnlyCollection<double> xs, int percentile)
    {
        var sorted = xs.OrderBy(x => x).ToArray();
        var rank = (int)Math.Ceiling(percentile / 100.0 * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }

    internal static async Task LoadAsync(NpgsqlDataSource db, SeedCorpus corpus, int count)
    {
        var rnd = new Random(42);
        await using var conn = await db.OpenConnectionAsync();
        await using (var drop = new NpgsqlCommand("""
            do $$ declare i text; begin
                for i in select indexname from pg_indexes where schemaname = 'archive_api' and tablename = 'search_index'
                         and indexname <> 'search_index_pkey' loop
                    execute format('drop index archive_api.%I', i);
                end loop;
            end $$
            """, conn))
            await drop.ExecuteNonQueryAsync();
        await using (var w = await conn.BeginBinaryImportAsync("""
            copy archive_api.search_index (id, kind, fonds_id, year, retention_code, access_regime, document_type, record_date,
                has_digitization_warnings, codes, title, subject, keywords, metadata, norm_text, sort_date, terms) from stdin (format binary)
            """))
        {
            for (var i = 0; i < count; i++)
            {
                var fonds = $"000.00.{rnd.Next(0, 40):00}.H29";
                var year = rnd.Next(1995, 2026);
                var date = new DateOnly(year, 1, 1).AddDays(rnd.Next(0, 365));
                var dossierCode = $"{fonds}.{year}.{rnd.Next(1, 60):00}-VP";
                var docCode = $"{dossierCode}.{rnd.Next(1, 200):0000000}";
                if (i == 777) RareCode = docCode;
                var type = $"{rnd.Next(1, 33):00}";
                var regime = rnd.Next(100) switch { < 70 => "01", < 95 => "02", _ => "03" };
                var r = new SearchRecord
                {
                    Id = $"doc-{i:D8}", Kind = "document", FondsId = fonds, Year = year,
                    RetentionCode = RetentionCodes[rnd.Next(RetentionCodes.Length)], AccessRegime = regime, DocumentType = type,
                    Date = date, HasDigitizationWarnings = rnd.Next(10) == 0, Codes = [dossierCode, docCode],
                    Title = Clip(corpus.Lines[rnd.Next(corpus.Lines.Length)], 300),
                    Subject = Clip(corpus.Lines[rnd.Next(corpus.Lines.Length)], 500),
                    Keywords = [corpus.Words[rnd.Next(corpus.Words.Length)], corpus.Words[rnd.Next(corpus.Words.Length)]],
                    Metadata = new Dictionary<string, string> { ["signer"] = "Chủ tịch Ủy ban nhân dân tỉnh", ["number"] = $"{rnd.Next(1, 4000)}/KH-UBND" },
                };
                await w.StartRowAsync();
                await w.WriteAsync(r.Id); await w.WriteAsync(r.Kind); await w.WriteAsync(r.FondsId); await w.WriteAsync(year);
                await w.WriteAsync(r.RetentionCode); await w.WriteAsync(regime); await w.WriteAsync(type);
                await w.WriteAsync(date, NpgsqlDbType.Date); await w.WriteAsync(r.HasDigitizationWarnings);
                await w.WriteAsync(r.Codes.ToArray()); await w.WriteAsync(r.Title); await w.WriteAsync(r.Subject);
                await w.WriteAsync(r.Keywords.ToArray()); await w.WriteAsync(JsonSerializer.Serialize(r.Metadata), NpgsqlDbType.Jsonb);
                var text = SearchIndex.IndexText(r);
                await w.WriteAsync(text); await w.WriteAsync(date, NpgsqlDbType.Date); await w.WriteAsync(SearchTerms.Of(text));
            }
            await w.CompleteAsync();
        }
    }

    internal static async Task<T> ScalarAsync<T>(NpgsqlDataSource db, string sql)
    {
        await using var cmd = db.CreateCommand(sql);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    internal static string Clip(string s, int max) => s.Length <= max ? s : s[..max];
}
