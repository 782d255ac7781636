using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Archive.Api.Features.Disposition;
using Archive.Api.Features.Records;
using Archive.Api.Hosting;
using Archive.Api.Infrastructure.Search;
using Archive.Api.Infrastructure.Shredding;
using Archive.Domain.Common;
using Archive.Domain.Documents;
using Archive.Domain.Dossiers;
using Archive.Domain.Identifiers;
using Archive.EventStore;
using Microsoft.Extensions.Configuration;
using Npgsql;
using Store = Archive.EventStore.EventStore;

namespace Archive.Bench.Suites;

/// <summary>
/// Projection lag under a mixed write load through the real host, then catch-up from a backlog, in one run:
/// <list type="number">
/// <item>The archive runs as its own process (<see cref="ApiProcess"/>) on the bench's PostgreSQL. N writers
/// (<c>ARCHIVE_BENCH_LAG_WRITERS</c>, default 12) drive it over HTTP for <c>ARCHIVE_BENCH_LAG_SECONDS</c> (default 60):
/// each fills its own dossier with documents (every tenth kept 5 years, shorter than the dossier) up to
/// <c>ARCHIVE_BENCH_LAG_DOSSIER</c> documents (default 500), closes it (the review list then lists the dossier and those
/// documents) and opens the next; between creates it edits a document's metadata or uploads a small PDF to one.</item>
/// <item>Every 100 ms a sampler reads each projection's lag: the age of the oldest committed event above its
/// checkpoint (0 when it is current). Figures: p50/p99/max during the load, and how long after the load each was current.</item>
/// <item>The host is stopped, both read models and checkpoints are reset (a backlog of every event of the run), the host
/// is started again, and each projection's catch-up is timed from its first batch to the head. The baseline is the
/// append rate of the same events during the load.</item>
/// </list>
/// </summary>
public static class ProjectionLagSuite
{
    private const string Organ = "000.00.00.H29";
    private static readonly string[] Projections = [SearchProjection.ProjectionName, ReviewProjection.ProjectionName];

    public static async Task RunAsync(BenchDatabase db)
    {
        var writers = Env("ARCHIVE_BENCH_LAG_WRITERS", 12);
        var seconds = Env("ARCHIVE_BENCH_LAG_SECONDS", 60);
        var dossierSize = Env("ARCHIVE_BENCH_LAG_DOSSIER", 500);
        var work = Path.Combine(Path.GetTempPath(), $"archive-bench-lag-{Guid.NewGuid():N}");
        Directory.CreateDirectory(work);
        await db.ExecAsync("drop schema if exists event_store cascade; drop schema if exists archive_api cascade");
        try
        {
            Stats load;
            long eventsAtEnd, appended;
            var samples = new ConcurrentBag<(double At, string Projection, double Lag)>();
            double loadSeconds;
            var drained = new Dictionary<string, double>();
            await using (var server = await ApiProcess.StartAsync(db.ConnectionString, Path.Combine(work, "data")))
            {
                using var http = Client(server);
                await PostAsync(http, "/api/v1/fonds", new { organId = Organ, name = "Ủy ban nhân dân tỉnh Lai Châu" });
                var eventsBefore = await CountEventsAsync(db);
                Console.WriteLine($"# projection-lag: {writers} writers for {seconds} s through {server.BaseAddress}, dossiers of {dossierSize} documents");

                using var stopLoad = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
                using var stopSampler = new CancellationTokenSource();
                var clock = Stopwatch.StartNew();
                var sampler = SampleAsync(db, samples, clock, stopSampler.Token);
                load = new Stats();
                await Task.WhenAll(Enumerable.Range(0, writers).Select(w => WriteAsync(server, w, dossierSize, load, stopLoad.Token)));
                loadSeconds = clock.Elapsed.TotalSeconds;
                eventsAtEnd = await CountEventsAsync(db);
                var head = await HeadAsync(db);
                // After the load: how long until each projection has everything.
                while (drained.Count < Projections.Length && clock.Elapsed.TotalSeconds < loadSeconds + 600)
                {
                    var at = await CheckpointsAsync(db);
                    foreach (var p in Projections)
                        if (!drained.ContainsKey(p) && at.GetValueOrDefault(p) >= head) drained[p] = clock.Elapsed.TotalSeconds - loadSeconds;
                    await Task.Delay(50);
                }
                await stopSampler.CancelAsync();
                await sampler;
                appended = eventsAtEnd - eventsBefore;
                Console.WriteLine($"projection-lag load: {load.Summary()}; {appended:N0} events in {loadSeconds:F1} s ({appended / loadSeconds:F0} events/s)");
            }

            var during = samples.Where(s => s.At <= loadSeconds).ToList();
            var worstP99 = 0.0;
            foreach (var p in Projections)
            {
                var lags = during.Where(s => s.Projection == p).Select(s => s.Lag).Order().ToList();
                if (lags.Count == 0) continue;
                var p99 = Percentile(lags, 0.99);
                worstP99 = Math.Max(worstP99, p99);
                Console.WriteLine($"projection-lag {p}: lag p50 {Percentile(lags, 0.5):F2} s, p99 {p99:F2} s, max {lags[^1]:F2} s over {lags.Count} samples; " +
                                  $"current {(drained.TryGetValue(p, out var d) ? $"{d:F1} s" : "not within 600 s")} after the load");
                Report.Figure($"projection_lag_p99_s_{Slug(p)}", p99, "s");
            }
            Report.Figure("projection_lag_p99_s", worstP99, "s");
            var appendRate = appended / loadSeconds;

            // Catch-up from a backlog: the run's events plus closed dossiers of dossierSize documents appended straight to the
            // store (the baseline: their append rate, 4 writers), then both projections from zero with the host's code.
            var store = new Store(db.DataSource, EventStoreSetup.CreateOptions(
                MasterKey.Load(new ConfigurationBuilder().Build(), Path.Combine(work, "data"))));
            var backlogDocs = Env("ARCHIVE_BENCH_LAG_BACKLOG_DOCS", 5000);
            var appendClock = Stopwatch.StartNew();
            var backlogDossier = Env("ARCHIVE_BENCH_LAG_BACKLOG_DOSSIER", 500);
            var backlogEvents = await AppendBacklogAsync(store, backlogDocs, backlogDossier);
            var backlogAppendRate = backlogEvents / appendClock.Elapsed.TotalSeconds;
            Console.WriteLine($"projection-lag backlog: {backlogEvents:N0} events ({backlogDocs:N0} documents in closed dossiers of {backlogDossier}) appended in {appendClock.Elapsed.TotalSeconds:F1} s");
            await ResetProjectionsAsync(db);
            await db.ExecAsync("vacuum analyze archive_api.search_index");
            var backlog = await CountEventsAsync(db);
            var headPosition = await HeadAsync(db);
            Console.WriteLine($"# projection-lag: catch-up of {backlog:N0} events from zero, each projection in its own loop as in the host");
            var repo = new RecordsRepository(store, db.DataSource);
            var daemon = new ProjectionDaemon(store, [new SearchProjection(repo, new SearchIndex(db.DataSource)), new ReviewProjection(repo)]);
            var finished = new Dictionary<string, double>();
            var cpu = CpuMeter.Start(db.PostmasterPid);
            var catchUpClock = Stopwatch.StartNew();
            using (var stopDaemon = new CancellationTokenSource())
            {
                var running = daemon.RunAsync(stopDaemon.Token);
                while (finished.Count < Projections.Length && catchUpClock.Elapsed < TimeSpan.FromMinutes(30))
                {
                    var at = await CheckpointsAsync(db);
                    foreach (var p in Projections)
                        if (!finished.ContainsKey(p) && at.GetValueOrDefault(p) >= headPosition) finished[p] = catchUpClock.Elapsed.TotalSeconds;
                    await Task.Delay(10);
                }
                await stopDaemon.CancelAsync();
                await running;
            }
            var cpuSeconds = (cpu.Client + cpu.Server).TotalSeconds;
            Console.WriteLine($"projection-lag catch-up: CPU {cpu.Client.TotalSeconds:F1} s projections + {cpu.Server.TotalSeconds:F1} s PostgreSQL");
            var slowest = double.MaxValue;
            foreach (var p in Projections)
            {
                if (!finished.TryGetValue(p, out var f)) { Console.WriteLine($"projection-lag {p}: did not finish"); slowest = 0; continue; }
                var rate = backlog / f;
                slowest = Math.Min(slowest, rate);
                Console.WriteLine($"projection-lag {p}: caught up {backlog:N0} events in {f:F1} s ({rate:F0} events/s)");
                Report.Figure($"projection_catchup_events_per_s_{Slug(p)}", rate, "events/s");
            }
            Report.Figure("projection_catchup_events_per_s", slowest, "events/s");
            Report.Figure("projection_catchup_append_events_per_s", backlogAppendRate, "events/s");
            Report.Figure("projection_catchup_over_append_ratio", slowest / backlogAppendRate, "ratio");
            if (cpu.MeasuresServer)
                Report.Figure("projection_catchup_events_per_cpu_s", backlog * Projections.Length / cpuSeconds, "events/CPU-s");
            Report.Figure("projection_lag_append_events_per_s", appendRate, "events/s");
        }
        finally
        {
            try { Directory.Delete(work, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static int Env(string name, int fallback) => int.TryParse(Environment.GetEnvironmentVariable(name), out var v) ? v : fallback;
    private static string Slug(string projection) => projection.Replace('-', '_');

    private static double Percentile(List<double> sorted, double q) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)];

    private static HttpClient Client(ApiProcess server)
    {
        var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        http.DefaultRequestHeaders.Add("X-Api-Key", server.AdminKey);
        return http;
    }

    /// <summary>Counts of what the writers did.</summary>
    private sealed class Stats
    {
        public int Creates, Edits, Uploads, Dossiers, Closes, Failures;
        public string Summary() => $"{Creates:N0} creates, {Edits:N0} edits, {Uploads:N0} uploads, {Dossiers:N0} dossiers opened, {Closes:N0} closed, {Failures:N0} failures";
    }

    /// <summary>One writer: its own dossiers, filled, closed and replaced; edits and uploads between creates.</summary>
    private static async Task WriteAsync(ApiProcess server, int writer, int dossierSize, Stats stats, CancellationToken stop)
    {
        using var http = Client(server);
        var random = new Random(writer);
        var dossierNumber = 0;
        string? dossier = null;
        var filled = 0;
        var documents = new List<string>();
        while (!stop.IsCancellationRequested)
        {
            try
            {
                if (dossier is null || filled >= dossierSize)
                {
                    if (dossier is not null)
                    {
                        await CloseAsync(http, dossier);
                        Interlocked.Increment(ref stats.Closes);
                    }
                    var notation = $"{writer + 1:D2}{++dossierNumber:D3}-LG";
                    await PostAsync(http, "/api/v1/dossiers", new
                    {
                        organId = Organ, year = 2020, fileNotation = notation, title = $"Hồ sơ hội nghị {notation}", retentionCode = "05",
                        accessMode = "01", languages = new[] { "01" }, creator = "Văn phòng", startDate = "2020-01-02", endDate = "2020-12-30",
                        confidenceLevel = "01",
                    });
                    dossier = DossierCode.Compose(Organ, 2020, notation);
                    filled = 0;
                    documents.Clear();
                    Interlocked.Increment(ref stats.Dossiers);
                }
                var roll = documents.Count == 0 ? 0 : random.Next(4);
                if (roll <= 1)
                {
                    var shorter = filled % 10 == 9;
                    var created = await PostAsync(http, "/api/v1/documents", DocumentBody(dossier, filled + 1, shorter, "Giấy mời họp"));
                    documents.Add(created.GetProperty("id").GetString()!);
                    filled++;
                    Interlocked.Increment(ref stats.Creates);
                }
                else if (roll == 2)
                {
                    var i = random.Next(documents.Count);
                    var id = documents[i];
                    using var get = await http.GetAsync($"/api/v1/documents/{id}", stop);
                    var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/documents/{id}")
                    {
                        Content = JsonContent.Create(DocumentBody(null, i + 1, i % 10 == 9, $"Giấy mời họp (đính chính {random.Next()})")),
                    };
                    request.Headers.IfMatch.Add(get.Headers.ETag!);
                    await SendAsync(http, request);
                    Interlocked.Increment(ref stats.Edits);
                }
                else
                {
                    var content = new ByteArrayContent(SmallPdf($"Bench writer {writer} upload {random.Next()}"));
                    content.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
                    var id = documents[random.Next(documents.Count)];
                    await SendAsync(http, new HttpRequestMessage(HttpMethod.Post, $"/api/v1/documents/{id}/content?fileName=scan.pdf") { Content = content });
                    Interlocked.Increment(ref stats.Uploads);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
            catch (InvalidOperationException e)
            {
                if (Interlocked.Increment(ref stats.Failures) <= 5) Console.WriteLine($"# writer {writer}: {e.Message}");
            }
        }
    }

    private static object DocumentBody(string? dossier, int number, bool shorter, string subject)
    {
        var body = new Dictionary<string, object?>
        {
            ["typeCode"] = "02", ["codeNumber"] = $"{number}", ["codeNotation"] = "GM-VP", ["issuedDate"] = "2020-03-04",
            ["issuer"] = "Văn phòng UBND tỉnh", ["subject"] = $"{subject} số {number} về hội nghị tổng kết công tác năm 2020",
            ["languages"] = new[] { "01" }, ["pageCount"] = 1, ["accessMode"] = "01", ["confidenceLevel"] = "01",
            // Every tenth document is kept 5 years, shorter than its 20-year dossier: it gets its own review row.
            ["retentionCode"] = shorter ? "07" : "05", ["retentionYears"] = shorter ? 5 : null,
        };
        if (dossier is not null) body["dossierCode"] = dossier;
        return body;
    }

    private static async Task CloseAsync(HttpClient http, string code)
    {
        using var get = await http.GetAsync($"/api/v1/dossiers/{code}");
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/dossiers/{code}/close") { Content = JsonContent.Create(new { reason = "Kết thúc công việc" }) };
        request.Headers.IfMatch.Add(get.Headers.ETag!);
        await SendAsync(http, request);
    }

    private static Task<JsonElement> PostAsync(HttpClient http, string path, object body) =>
        SendAsync(http, new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) });

    private static async Task<JsonElement> SendAsync(HttpClient http, HttpRequestMessage request)
    {
        using (request)
        using (var response = await http.SendAsync(request))
        {
            var text = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{request.Method} {request.RequestUri} answered {(int)response.StatusCode}: {text}");
            return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        }
    }

    /// <summary>Every 100 ms: each projection's lag, the age of the oldest committed event above its checkpoint (0 when current).</summary>
    private static async Task SampleAsync(BenchDatabase db, ConcurrentBag<(double, string, double)> samples, Stopwatch clock, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var cmd = db.DataSource.CreateCommand("""
                    select c.name, coalesce(extract(epoch from clock_timestamp() - (select e.recorded_at from event_store.events e
                        where e.position > c.position order by e.position limit 1)), 0)::float8
                    from event_store.projection_checkpoints c
                    """);
                await using var r = await cmd.ExecuteReaderAsync(ct);
                var at = clock.Elapsed.TotalSeconds;
                while (await r.ReadAsync(ct)) samples.Add((at, r.GetString(0), Math.Max(0, r.GetDouble(1))));
                await Task.Delay(100, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
            catch (PostgresException e) when (e.SqlState == "42P01") { await Task.Delay(100, ct); } // tables not there yet
        }
    }

    private static async Task<Dictionary<string, long>> CheckpointsAsync(BenchDatabase db)
    {
        var result = new Dictionary<string, long>();
        await using var cmd = db.DataSource.CreateCommand("select name, position from event_store.projection_checkpoints");
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) result[r.GetString(0)] = r.GetInt64(1);
        return result;
    }

    private static async Task<long> HeadAsync(BenchDatabase db)
    {
        await using var cmd = db.DataSource.CreateCommand("select coalesce(max(position), 0) from event_store.events");
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    private static async Task<long> CountEventsAsync(BenchDatabase db, long throughPosition = long.MaxValue)
    {
        await using var cmd = db.DataSource.CreateCommand("select count(*) from event_store.events where position <= $1");
        cmd.Parameters.AddWithValue(throughPosition);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>Closed dossiers of <paramref name="perDossier"/> documents, built through the domain deciders as the API would.</summary>
    private static async Task<long> AppendBacklogAsync(Store store, int documents, int perDossier)
    {
        var context = new DecisionContext(new Actor("bench", "bench"), DateTimeOffset.UtcNow);
        var meta = new EventMetadata { Actor = "bench" };
        long events = 0;
        for (var d = 0; d * perDossier < documents; d++)
        {
            var metadata = new DossierMetadata
            {
                Title = $"Hồ sơ tồn đọng {d}", RetentionCode = "05", AccessMode = "01", Languages = ["01"], Creator = "Văn phòng",
                ConfidenceLevel = "01", StartDate = new(2019, 1, 5), EndDate = new(2019, 12, 20),
            };
            var opened = DossierDecider.Decide(new OpenDossier(Organ, 2019, $"{d + 1:D4}-BL", metadata), DossierState.Initial, context);
            var dossier = DossierDecider.Fold(opened.Events);
            var dossierEvents = new List<IDomainEvent>(opened.Events);
            var batch = Enumerable.Range(0, Math.Min(perDossier, documents - d * perDossier)).Select(i => (Id: Guid.NewGuid().ToString("N"), I: i)).ToList();
            var registered = batch.Select(x => (x.Id, Metadata: new DocumentMetadata
            {
                TypeCode = "02", CodeNumber = $"{x.I + 1}", CodeNotation = "GM-VP", IssuedDate = new(2019, 3, 1), Issuer = "Văn phòng",
                Subject = $"Giấy mời họp số {x.I + 1} về hội nghị tổng kết", Languages = ["01"], AccessMode = "01", ConfidenceLevel = "01",
                RetentionCode = x.I % 10 == 9 ? "07" : "05", RetentionYears = x.I % 10 == 9 ? 5 : null,
            })).ToList();
            await Parallel.ForEachAsync(registered, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (x, ct) =>
                await store.AppendAsync("document-" + x.Id, ExpectedVersion.NoStream,
                    DocumentDecider.Decide(new RegisterDocument(x.Id, x.Metadata), DocumentState.Initial, context).Events.Cast<object>().ToList(), meta, ct));
            foreach (var (id, m) in registered)
            {
                var filed = DossierDecider.Decide(new FileDocument(id, null, m.GetRetention(), 1), dossier, context);
                dossier = filed.Events.Aggregate(dossier, DossierDecider.Evolve);
                dossierEvents.AddRange(filed.Events);
            }
            dossierEvents.AddRange(DossierDecider.Decide(new CloseDossier(), dossier, context).Events);
            await store.AppendAsync("dossier-" + dossier.Code, ExpectedVersion.NoStream, dossierEvents.Cast<object>().ToList(), meta);
            events += registered.Count + dossierEvents.Count;
        }
        return events;
    }

    /// <summary>What a rebuild does to each projection (read model emptied, checkpoint to zero), done while the host is down.</summary>
    private static Task ResetProjectionsAsync(BenchDatabase db) => db.ExecAsync($"""
        delete from archive_api.search_index;
        delete from archive_api.disposition_review;
        delete from archive_api.disposition_review_dossiers;
        delete from archive_api.disposition_review_documents;
        delete from archive_api.disposition_review_filings;
        update event_store.projection_checkpoints set position = 0 where name in ('{Projections[0]}', '{Projections[1]}');
        """);

    /// <summary>A one-page PDF of a few hundred bytes with a correct cross-reference table.</summary>
    private static byte[] SmallPdf(string text)
    {
        var objects = new[]
        {
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
            null,
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        };
        var stream = $"BT /F1 12 Tf 72 770 Td ({text}) Tj ET";
        objects[3] = $"<< /Length {stream.Length} >>\nstream\n{stream}\nendstream";
        var sb = new StringBuilder("%PDF-1.7\n");
        var offsets = new List<int>();
        for (var i = 0; i < objects.Length; i++)
        {
            offsets.Add(Encoding.ASCII.GetByteCount(sb.ToString()));
            sb.Append($"{i + 1} 0 obj\n{objects[i]}\nendobj\n");
        }
        var xref = Encoding.ASCII.GetByteCount(sb.ToString());
        sb.Append($"xref\n0 {objects.Length + 1}\n0000000000 65535 f \n");
        foreach (var o in offsets) sb.Append($"{o:D10} 00000 n \n");
        sb.Append($"trailer\n<< /Size {objects.Length + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        return Encoding.ASCII.GetBytes(sb.ToString());
    }
}
