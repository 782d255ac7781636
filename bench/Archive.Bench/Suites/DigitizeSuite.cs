using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Archive.Api.Infrastructure.Search;
using Archive.Testing;
using Npgsql;

namespace Archive.Bench.Suites;

/// <summary>
/// Digitization at scale, on A4 pages made from the seeds' text (200 dpi colour JPEG, <see cref="ScanMaker"/>):
/// (1) ocrmypdf run directly with the pipeline's own options, one process per core, on the same cores, as the baseline, run
///     before and after (2) on the same pages (the mean cancels the machine's drift);
/// (2) the pipeline end to end (upload → queue → OCR → PDF/A → signature → events → page-text rows) in one worker host
///     with one worker per core; their pages/s and ratio, and the projection for Lai Châu's 1,120,180 pages;
/// (3) one worker process with one worker on core 0 against two such processes on cores 0 and 1 (each a core of its own),
///     the API host, PostgreSQL and this client pinned to the same cores as the workers of the round;
/// each round's core-seconds per page by process, and the per-job step times, say where the time went;
/// (4) search recall: distinctive 4-word phrases of each page's source text, asked with and without diacritics.
/// The API and the workers are the real host (Archive.Api.dll) as separate processes over the bench database.
/// </summary>
public static class DigitizeSuite
{
    public const long LaiChauPages = 1_120_180;

    public static async Task RunAsync(BenchDatabase db)
    {
        var pages = int.Parse(Environment.GetEnvironmentVariable("ARCHIVE_BENCH_DIGITIZE_PAGES") ?? "6");
        var corpus = SeedCorpus.Load();
        var data = Directory.CreateTempSubdirectory("archive-bench-digitize-").FullName;
        var rng = new Random(12);
        List<string[]> Texts(int n) => Enumerable.Range(0, n).Select(_ => Enumerable.Range(0, 14).Select(_ => corpus.Lines[rng.Next(corpus.Lines.Length)]).ToArray()).ToList();

        Console.WriteLine($"# digitize: {pages} A4 pages per round, {Environment.ProcessorCount} cores; rendering scans");
        var baselineTexts = Texts(pages);
        var baselineScans = baselineTexts.Select(t => ScanMaker.Jpeg(t)).ToList();

        // (1) ocrmypdf directly, as many processes as cores, same options as the pipeline's OcrEngine.
        var dir = Directory.CreateDirectory(Path.Combine(data, "direct")).FullName;
        for (var i = 0; i < pages; i++) File.WriteAllBytes(Path.Combine(dir, $"p{i}.jpg"), baselineScans[i]);
        var allCores = $"0-{Environment.ProcessorCount - 1}";
        // Run before and after the pipeline on the same pages (A-B-A): this machine's speed drifts by 10-20% over minutes, and the
        // mean of the two runs cancels a steady drift.
        async Task<double> DirectAsync(string when)
        {
            var cpu = SystemCpu.Start();
            var each = new System.Collections.Concurrent.ConcurrentBag<double>();
            var watch = Stopwatch.StartNew();
            await Parallel.ForEachAsync(Enumerable.Range(0, pages), new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, async (i, ct) =>
            {
                var psi = new ProcessStartInfo("taskset") { RedirectStandardError = true, RedirectStandardOutput = true };
                foreach (var a in new[] { "-c", allCores, "ocrmypdf", "-l", "vie", "--output-type", "pdfa-2", "--pdf-renderer", "sandwich", "--tesseract-config", "hocr", "--deskew",
                    "--rotate-pages", "--jobs", "1", "--optimize", "0", "--keep-temporary-files", "--sidecar", Path.Combine(dir, $"p{i}.txt"), "--quiet", Path.Combine(dir, $"p{i}.jpg"),
                    Path.Combine(dir, $"p{i}.pdf") }) psi.ArgumentList.Add(a);
                psi.Environment["OMP_THREAD_LIMIT"] = "1";
                var tmp = Path.Combine(dir, $"tmp{i}");
                if (Directory.Exists(tmp)) Directory.Delete(tmp, true);
                psi.Environment["TMPDIR"] = Directory.CreateDirectory(tmp).FullName;
                var one = Stopwatch.StartNew();
                using var p = Process.Start(psi)!;
                await p.StandardError.ReadToEndAsync(ct);
                await p.WaitForExitAsync(ct);
                each.Add(one.Elapsed.TotalMilliseconds);
                if (p.ExitCode != 0) throw new InvalidOperationException($"ocrmypdf exit {p.ExitCode}");
            });
            watch.Stop();
            var (busy, use) = cpu.Stop();
            Console.WriteLine($"digitize ocrmypdf direct ({when}): {pages} pages in {watch.Elapsed.TotalSeconds:F1} s = {pages / watch.Elapsed.TotalSeconds:F3} pages/s; " +
                $"{busy / pages:F2} core-s per page, cores {use:P0} busy, one ocrmypdf {each.Average() / 1000:F2} s");
            return watch.Elapsed.TotalSeconds;
        }
        var directBefore = await DirectAsync("before");

        await using var api = await Host.StartAsync(db.ConnectionString, data, workers: 0);
        var http = new HttpClient { BaseAddress = new Uri(api.Url), Timeout = TimeSpan.FromMinutes(5) };
        http.DefaultRequestHeaders.Add("X-Api-Key", (await File.ReadAllTextAsync(Path.Combine(data, "admin.key"))).Trim());
        await Post(http, "/api/v1/fonds", """{"organId":"000.00.00.H29","name":"Phông UBND tỉnh Lai Châu"}""");
        var dossier = (await Post(http, "/api/v1/dossiers", """
            {"organId":"000.00.00.H29","year":2020,"fileNotation":"01-SH","title":"Hồ sơ số hóa","retentionCode":"01","accessMode":"01",
             "languages":["01"],"creator":"Văn phòng","confidenceLevel":"01","startDate":"2020-01-05","endDate":"2020-12-20"}
            """)).GetProperty("code").GetString()!;
        var number = 0;
        var warmUp = Environment.GetEnvironmentVariable("ARCHIVE_BENCH_DIGITIZE_WARMUP") != "0";

        async Task<string> UploadAsync(byte[] scan)
        {
            var id = (await Post(http, "/api/v1/documents", $$"""
                {"dossierCode":"{{dossier}}","typeCode":"05","codeNumber":"{{++number}}","codeNotation":"KH-UBND","issuedDate":"2020-03-04",
                 "issuer":"UBND tỉnh Lai Châu","subject":"Kế hoạch số hóa {{number}}","languages":["01"],"pageCount":1,"accessMode":"01","confidenceLevel":"02"}
                """)).GetProperty("id").GetString()!;
            var r = await http.PostAsync($"/api/v1/documents/{id}/content?fileName=p{number}.jpg", new ByteArrayContent(scan));
            if (r.StatusCode != HttpStatusCode.Created) throw new InvalidOperationException(await r.Content.ReadAsStringAsync());
            return id;
        }

        async Task<(double Rate, List<(string Id, string[] Text)> Docs)> Round(string name, List<string[]> texts, List<byte[]> scans, string[] cores, int perProcess)
        {
            var workers = new List<Host>();
            foreach (var c in cores)
            {
                workers.Add(await Host.StartAsync(db.ConnectionString, data, perProcess, c));
                // A worker runs for days: its first pages pay the host's just-in-time compilation, which a province's run never
                // sees. Each host converts two pages per worker before the clock starts (it is the only worker up at that moment).
                if (warmUp)
                {
                    for (var k = 0; k < 2 * perProcess; k++) await UploadAsync(ScanMaker.Jpeg(Texts(1)[0]));
                    await WaitAllDoneAsync(db.DataSource, TimeSpan.FromMinutes(10));
                }
            }
            await WaitAllDoneAsync(db.DataSource, TimeSpan.FromMinutes(10));
            // A fresh host spends its first seconds re-compiling hot code (tiered JIT) and joining Wolverine's cluster; a worker
            // that runs for days does not. The clock starts once the idle workers have settled (under 0.05 cores each over 2 s,
            // at most 60 s), and their idle draw is printed (it is part of every page's cost).
            var settle = Stopwatch.StartNew();
            double idleCores;
            while (true)
            {
                var before = workers.Sum(w => w.Cpu().Self);
                await Task.Delay(2000);
                idleCores = (workers.Sum(w => w.Cpu().Self) - before) / 2;
                if (idleCores < 0.05 * workers.Count || settle.Elapsed > TimeSpan.FromSeconds(60)) break;
            }
            Console.WriteLine($"  worker hosts settled after {settle.Elapsed.TotalSeconds:F0} s; idle {idleCores:F3} cores");
            var cpu = SystemCpu.Start();
            var pg = CpuMeter.Start(db.PostmasterPid);
            var apiCpu = api.Cpu();
            var workerCpu = workers.Select(w => w.Cpu()).ToList();
            var watch = Stopwatch.StartNew();
            var docs = new List<(string, string[])>();
            for (var i = 0; i < scans.Count; i++) docs.Add((await UploadAsync(scans[i]), texts[i]));
            await WaitAllDoneAsync(db.DataSource, TimeSpan.FromMinutes(30));
            watch.Stop();
            var (busy, use) = cpu.Stop();
            var apiUsed = api.Cpu().Self - apiCpu.Self;
            var workersUsed = workers.Select((w, k) => w.Cpu()).Zip(workerCpu, (b, a) => (Self: b.Self - a.Self, Children: b.Children - a.Children)).ToList();
            var pgUsed = pg.Server.TotalSeconds;
            foreach (var w in workers) await w.DisposeAsync();
            var rate = scans.Count / watch.Elapsed.TotalSeconds;
            Console.WriteLine($"digitize {name}: {scans.Count} pages in {watch.Elapsed.TotalSeconds:F1} s = {rate:F3} pages/s (uploads included, worker start-up not); " +
                $"{busy / scans.Count:F2} core-s per page, cores {use:P0} busy");
            Console.WriteLine($"  core-s per page: OCR tools {workersUsed.Sum(w => w.Children) / scans.Count:F2}, worker hosts {workersUsed.Sum(w => w.Self) / scans.Count:F2}, " +
                $"API host {apiUsed / scans.Count:F2}, PostgreSQL {pgUsed / scans.Count:F2}, rest {(busy - workersUsed.Sum(w => w.Children + w.Self) - apiUsed - pgUsed) / scans.Count:F2}");
            await PrintStepsAsync(db.DataSource, docs.Select(d => d.Item1).ToArray(), cores.Length * perProcess, watch.Elapsed);
            return (rate, docs);
        }

        var (pipelineRate, docs) = await Round($"pipeline 1 process x {Environment.ProcessorCount} workers (cores {allCores})", baselineTexts, baselineScans, [allCores], Environment.ProcessorCount);
        var directAfter = await DirectAsync("after");
        var directRate = pages / ((directBefore + directAfter) / 2);
        Console.WriteLine($"digitize ocrmypdf direct, mean of before and after: {directRate:F3} pages/s");
        var oneTexts = Texts(pages);
        // Scaling: the whole archive gets as many cores as it runs workers. The API host, PostgreSQL and this client are pinned
        // with the workers (core 0, then cores 0-1), so the one-worker round cannot borrow a second core for its uploads,
        // signatures' database work and projections, and each worker of the two-worker round has a core of its own.
        Pin("0", api, db);
        var (one, docs1) = await Round("1 process x 1 worker (core 0; API host and PostgreSQL on core 0 too)", oneTexts, oneTexts.Select(t => ScanMaker.Jpeg(t)).ToList(), ["0"], 1);
        var twoTexts = Texts(pages);
        Pin(Environment.ProcessorCount > 1 ? "0-1" : "0", api, db);
        var (two, docs2) = await Round("2 processes x 1 worker (cores 0 and 1; API host and PostgreSQL on cores 0-1)", twoTexts, twoTexts.Select(t => ScanMaker.Jpeg(t)).ToList(), ["0", Environment.ProcessorCount > 1 ? "1" : "0"], 1);
        Pin(allCores, api, db);

        // Search recall: per page, up to 3 distinctive 4-word phrases (words of 3+ letters), with and without diacritics.
        int asked = 0, found = 0;
        foreach (var (id, text) in docs.Concat(docs1).Concat(docs2))
        {
            var words = string.Join(' ', text).Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(w => w.Trim(',', '.', ';', ':', '(', ')', '"')).ToArray();
            for (var k = 0; k < 3; k++)
            {
                var start = rng.Next(Math.Max(1, words.Length - 4));
                var phrase = string.Join(' ', words.Skip(start).Take(4));
                if (phrase.Split(' ').Count(w => w.Length >= 3) < 3) continue;
                foreach (var q in new[] { phrase, TextNormalizer.Normalize(phrase) })
                {
                    asked++;
                    var hits = await http.GetFromJsonAsync<JsonElement>($"/api/v1/search/pages?q={Uri.EscapeDataString(q)}&document={id}");
                    if (hits.GetProperty("items").GetArrayLength() > 0) found++;
                }
            }
        }
        var recall = (double)found / Math.Max(1, asked);
        Console.WriteLine($"digitize search: {found} of {asked} phrases found ({recall:P1})");
        var days = LaiChauPages / pipelineRate / 86400;
        Console.WriteLine($"digitize projection: {LaiChauPages:N0} pages at {pipelineRate:F3} pages/s = {days:F1} machine-days on this machine " +
            $"({Environment.ProcessorCount} cores)");
        Report.Figure("digitize_ocrmypdf_pages_per_s", directRate, "pages/s");
        Report.Figure("digitize_pages_per_s", pipelineRate, "pages/s");
        Report.Figure("digitize_ratio_to_ocrmypdf", pipelineRate / directRate, "x");
        Report.Figure("digitize_workers_2_over_1", two / one, "x");
        Report.Figure("digitize_lai_chau_machine_days", days, "days");
        Report.Figure("digitize_search_recall", recall, "ratio");
        await MetadataPrecision.MeasureAsync();
        try { Directory.Delete(data, true); } catch (IOException) { }
    }

    /// <summary>Pins this process, the API host and every process of the private PostgreSQL (postmaster and backends; new
    /// backends inherit the postmaster's affinity) to <paramref name="cores"/>, all their threads (<c>taskset -a</c>).</summary>
    private static void Pin(string cores, Host api, BenchDatabase db)
    {
        var pids = new List<int> { Environment.ProcessId, api.Pid };
        if (db.PostmasterPid is { } postmaster) pids.AddRange([postmaster, .. CpuMeter.ChildrenOf(postmaster)]);
        foreach (var pid in pids)
        {
            using var p = Process.Start(new ProcessStartInfo("taskset", ["-a", "-cp", cores, pid.ToString()]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            p.WaitForExit();
        }
    }

    private static async Task<JsonElement> Post(HttpClient http, string url, string json)
    {
        var r = await http.PostAsync(url, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        var text = await r.Content.ReadAsStringAsync();
        if (!r.IsSuccessStatusCode && r.StatusCode != HttpStatusCode.Conflict) throw new InvalidOperationException($"{url}: {(int)r.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    /// <summary>Where a round's time went, from the jobs' rows and the documents' events: OCR (ocrmypdf's own duration),
    /// the rest of the conversion step, signing, the wait before a worker took a job, and how busy the workers were.</summary>
    private static async Task PrintStepsAsync(NpgsqlDataSource db, string[] documents, int workers, TimeSpan wall)
    {
        await using var cmd = db.CreateCommand($$"""
            with j as (
              select q.created_at, q.finished_at,
                     c.recorded_at as converted_at, (c.data->>'durationMs')::float8 / 1000 as ocr_s,
                     (s.data->>'durationMs')::float8 / 1000 as sign_s
                from archive_api.digitization_queue q
                join {{Archive.Api.Hosting.EventStoreSetup.Schema}}.events c on c.stream_id = 'document-' || q.document_id and c.type = 'document.digitization.converted.v1'
                join {{Archive.Api.Hosting.EventStoreSetup.Schema}}.events s on s.stream_id = 'document-' || q.document_id and s.type = 'document.digitization.signed.v1'
               where q.document_id = any($1))
            select avg(ocr_s),
                   avg(extract(epoch from converted_at - created_at) - ocr_s),
                   avg(sign_s), avg(extract(epoch from finished_at - converted_at)),
                   sum(extract(epoch from finished_at - converted_at) + ocr_s)
              from j
            """);
        cmd.Parameters.AddWithValue(documents);
        await using var r = await cmd.ExecuteReaderAsync();
        if (!await r.ReadAsync() || r.IsDBNull(0)) return;
        Console.WriteLine($"  steps per job: ocrmypdf {r.GetDouble(0):F2} s, queued to converted minus OCR {r.GetDouble(1):F2} s; sign step {r.GetDouble(3):F2} s (signature {r.GetDouble(2):F2} s); " +
            $"workers busy {r.GetDouble(4) / (workers * wall.TotalSeconds):P0} of {workers} x {wall.TotalSeconds:F1} s (from OCR start to done)");
        await r.DisposeAsync();
        // Per worker process (the lease owner names host, process and instance): jobs run, and the longest wait between one
        // job's end and its next OCR start (the queue's hand-over time).
        await using var per = db.CreateCommand($$"""
            with j as (
              select split_part(q.lease_owner, '/', 2) as process, q.finished_at,
                     c.recorded_at - make_interval(secs => (c.data->>'durationMs')::float8 / 1000) as ocr_start
                from archive_api.digitization_queue q
                join {{Archive.Api.Hosting.EventStoreSetup.Schema}}.events c on c.stream_id = 'document-' || q.document_id and c.type = 'document.digitization.converted.v1'
               where q.document_id = any($1)),
            g as (select process, ocr_start - lag(finished_at) over (partition by process order by ocr_start) as gap from j)
            select process, count(*), coalesce(max(extract(epoch from gap)), 0) from g group by process order by process
            """);
        per.Parameters.AddWithValue(documents);
        await using var pr = await per.ExecuteReaderAsync();
        var parts = new List<string>();
        while (await pr.ReadAsync()) parts.Add($"process {pr.GetString(0)}: {pr.GetInt64(1)} jobs, longest hand-over {pr.GetDouble(2):F2} s");
        Console.WriteLine("  " + string.Join("; ", parts));
    }

    private static async Task WaitAllDoneAsync(NpgsqlDataSource db, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            await using var cmd = db.CreateCommand("select count(*) filter (where status not in ('done', 'dead')), count(*) filter (where status = 'dead') from archive_api.digitization_queue");
            await using var r = await cmd.ExecuteReaderAsync();
            await r.ReadAsync();
            if (r.GetInt64(1) > 0) throw new InvalidOperationException("a digitization job was dead-lettered");
            if (r.GetInt64(0) == 0) return;
            await Task.Delay(100);
        }
        throw new TimeoutException("digitization jobs not done");
    }

    /// <summary>The real API host (Archive.Api.dll beside the bench) as a process; workers &gt; 0 switches its digitization workers on.</summary>
    private sealed class Host : IAsyncDisposable
    {
        private readonly Process _process;
        public string Url { get; }

        private Host(Process process, string url) { _process = process; Url = url; }

        public int Pid => _process.Id;

        public static async Task<Host> StartAsync(string connectionString, string data, int workers, string? cpus = null)
        {
            int port;
            using (var l = new TcpListener(IPAddress.Loopback, 0)) { l.Start(); port = ((IPEndPoint)l.LocalEndpoint).Port; }
            var p = ApiHostProcess.Start(new Dictionary<string, string>
            {
                ["ConnectionStrings__Archive"] = connectionString, ["Archive__DataFolder"] = data, ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
                ["Archive__Digitization__WorkersEnabled"] = workers > 0 ? "true" : "false", ["Archive__Digitization__Workers"] = Math.Max(1, workers).ToString(),
                ["Archive__Digitization__PollSeconds"] = "0.2", ["Logging__LogLevel__Default"] = "Warning",
            }, cpus);
            var host = new Host(p, $"http://127.0.0.1:{port}");
            using var probe = new HttpClient();
            for (var i = 0; i < 600; i++)
            {
                if (p.HasExited) throw new InvalidOperationException($"the API host exited ({p.ExitCode})");
                try { if ((await probe.GetAsync(host.Url + "/health")).IsSuccessStatusCode) return host; } catch (HttpRequestException) { }
                await Task.Delay(100);
            }
            throw new TimeoutException("the API host did not start");
        }

        /// <summary>CPU seconds (user + system) of the host itself and of its finished child processes (the OCR tools).</summary>
        public (double Self, double Children) Cpu() => CpuMeter.ProcessCpu(_process.Id);

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
            _process.Dispose();
        }
    }
}
