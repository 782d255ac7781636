using System.Diagnostics;
using Archive.Api.Features.Records;
using Archive.Api.Hosting;
using Archive.Api.Infrastructure.Search;
using Archive.Domain.Common;
using Archive.Domain.Documents;
using Archive.Domain.Dossiers;
using Archive.EventStore;
// Inside Archive.*, "EventStore" alone names the namespace Archive.EventStore.
using Store = Archive.EventStore.EventStore;

namespace Archive.Bench.Suites;

/// <summary>
/// Search projection catch-up: append N documents' worth of real domain events (dossier.opened.v1,
/// document.registered.v1, dossier.document.filed.v1) to the <c>event_store</c> schema configured as the Api does,
/// then time <see cref="ProjectionDaemon.CatchUpAsync"/> with the Api's <see cref="SearchProjection"/>. The baseline is the
/// append of the same events in the same run (4 writers); both are also given per CPU-second of client and server, which
/// a loaded machine does not distort as much as wall time.
/// </summary>
public static class SearchCatchUpSuite
{
    public static async Task RunAsync(BenchDatabase db)
    {
        var docs = int.Parse(Environment.GetEnvironmentVariable("ARCHIVE_BENCH_CATCHUP_DOCS") ?? "20000");
        var perDossier = int.Parse(Environment.GetEnvironmentVariable("ARCHIVE_BENCH_CATCHUP_PER_DOSSIER") ?? "100");
        var dossiers = (docs + perDossier - 1) / perDossier;
        var source = db.DataSource;
        await db.ExecAsync($"drop schema if exists {EventStoreSetup.Schema} cascade");
        var store = new Store(source, EventStoreSetup.CreateOptions());
        await store.MigrateAsync();
        await ApiSchema.EnsureAsync(source, CancellationToken.None);
        await Archive.Api.Features.Digitization.DigitizationServices.EnsureSchemaAsync(source, CancellationToken.None);
        await db.ExecAsync("truncate archive_api.page_text");
        await ApiSchema.EnsureStoreIndexesAsync(source, EventStoreSetup.Schema, CancellationToken.None);
        await db.ExecAsync("truncate archive_api.search_index");

        // ARCHIVE_BENCH_CATCHUP_DIGITIZED=0: the metadata-only log of earlier sessions (registration and filing only).
        var digitized = Environment.GetEnvironmentVariable("ARCHIVE_BENCH_CATCHUP_DIGITIZED") != "0";
        Console.WriteLine($"# search-catchup: appending {docs:N0} documents in {dossiers:N0} dossiers" +
                          (digitized ? ", each scanned, converted with 2 pages of OCR text, and signed as the digitization pipeline records it" : ""));
        var meta = new EventMetadata { Actor = "bench", CorrelationId = "catchup" };
        var appendCpu = CpuMeter.Start(db.PostmasterPid);
        var append = Stopwatch.StartNew();
        long events = 0;
        var organ = "000.00.00.H29";
        var pipeline = digitized ? new Pipeline(store, source, SeedCorpus.Load()) : null;
        var converting = new List<string>();
        var signing = new List<string>();
        for (var d = 0; d < dossiers; d++)
        {
            var notation = $"{d + 1:D3}-VP";
            var code = $"{organ}.2025.{notation}";
            var ids = Enumerable.Range(0, Math.Min(perDossier, docs - d * perDossier)).Select(_ => Guid.NewGuid().ToString()).ToList();
            await Parallel.ForEachAsync(ids.Select((id, i) => (id, i)), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (x, ct) =>
            {
                var m = new DocumentMetadata
                {
                    TypeCode = "02", CodeNumber = $"{d * perDossier + x.i + 1}", CodeNotation = "QĐ-UBND", IssuedDate = new DateOnly(2025, 1 + x.i % 12, 1 + x.i % 28),
                    Issuer = "UBND tỉnh", Subject = $"Quyết định về việc ban hành quy chế số {x.i}", Languages = ["01"], PageCount = 2,
                    AccessMode = "01", ConfidenceLevel = digitized ? "02" : "01", RetentionCode = "01",
                };
                if (pipeline is null)
                    await store.AppendAsync("document-" + x.id, ExpectedVersion.NoStream, [new DocumentRegistered(x.id, m)], meta, ct);
                else Interlocked.Add(ref events, await pipeline.RegisterAndUploadAsync(x.id, m, ct));
            });
            var dossierEvents = new List<object>
            {
                new DossierOpened(code, organ, 2025, notation, new DossierMetadata
                {
                    Title = $"Hồ sơ kế hoạch công tác năm {d}", RetentionCode = "01", AccessMode = "01", Languages = ["01"], Creator = "Văn phòng",
                    ConfidenceLevel = "01", StartDate = new DateOnly(2025, 1, 5), EndDate = new DateOnly(2025, 12, 20),
                }),
            };
            dossierEvents.AddRange(ids.Select((id, i) => (object)new DocumentFiled(code, id, i + 1, $"{code}.{i + 1:D3}", null, "01", null, 2)));
            await store.AppendAsync("dossier-" + code, ExpectedVersion.NoStream, dossierEvents, meta);
            events += (pipeline is null ? ids.Count : 0) + ids.Count + 1;
            if (pipeline is null) continue;
            // The converters run behind the ingest (a dossier behind), the signer behind them: a document's events are
            // spread over the log as a real delivery spreads them, not appended together.
            events += await pipeline.SignAsync(signing) + await pipeline.ConvertAsync(converting);
            (signing, converting) = (converting, ids);
        }
        if (pipeline is not null)
        {
            events += await pipeline.SignAsync(signing) + await pipeline.ConvertAsync(converting);
            events += await pipeline.SignAsync(converting);
        }
        append.Stop();
        var appendCpuSeconds = (appendCpu.Client + appendCpu.Server).TotalSeconds;
        Console.WriteLine($"search-catchup append: {events:N0} events{(pipeline is null ? "" : $" ({pipeline.Pages:N0} pages of OCR text)")} in {append.Elapsed.TotalSeconds:F1} s, CPU {appendCpu.Client.TotalSeconds:F1} s client + {appendCpu.Server.TotalSeconds:F1} s server");

        // The append leaves work for PostgreSQL's background processes (autovacuum and autoanalyze of the events and page
        // texts, the checkpoint of their WAL): done now, so that the server CPU measured below is the projection's.
        foreach (var sql in new[] { "vacuum analyze event_store.events", "vacuum analyze archive_api.page_text", "checkpoint" }) await db.ExecAsync(sql);
        var projection = new SearchProjection(new RecordsRepository(store, source), new SearchIndex(source));
        var daemon = new ProjectionDaemon(store, [projection]);
        var cpu = CpuMeter.Start(db.PostmasterPid);
        var catchUp = Stopwatch.StartNew();
        await daemon.CatchUpAsync();
        catchUp.Stop();
        var cpuSeconds = (cpu.Client + cpu.Server).TotalSeconds;
        await using (var cmd = source.CreateCommand("select count(*), count(*) filter (where page_terms <> '{}') from archive_api.search_index"))
        await using (var r = await cmd.ExecuteReaderAsync())
        {
            await r.ReadAsync();
            Console.WriteLine($"search-catchup: {events:N0} events ({docs:N0} documents, {dossiers:N0} dossiers) projected in {catchUp.Elapsed.TotalSeconds:F1} s; " +
                              $"index rows {r.GetInt64(0)}, of which {r.GetInt64(1)} with the words of their pages");
        }
        Console.WriteLine($"search-catchup: CPU {cpu.Client.TotalSeconds:F1} s client + {cpu.Server.TotalSeconds:F1} s server" +
                          (cpu.MeasuresServer ? "" : " (server not measured: configured connection)"));
        var rate = events / catchUp.Elapsed.TotalSeconds;
        var appendRate = events / append.Elapsed.TotalSeconds;
        Report.Figure("search_catchup_events_per_s", rate, "events/s");
        Report.Figure("search_catchup_docs_per_s", docs / catchUp.Elapsed.TotalSeconds, "docs/s");
        Report.Figure("search_catchup_append_events_per_s", appendRate, "events/s");
        Report.Figure("search_catchup_over_append_ratio", rate / appendRate, "ratio");
        if (cpu.MeasuresServer)
        {
            Report.Figure("search_catchup_events_per_cpu_s", events / cpuSeconds, "events/CPU-s");
            Report.Figure("search_catchup_append_events_per_cpu_s", events / appendCpuSeconds, "events/CPU-s");
        }
    }

    /// <summary>
    /// The events of the digitization pipeline for one document, decided by the domain as the Api decides them: the
    /// upload of a scan with its queued job (one append), the PDF/A version with the conversion event (and the fields
    /// proposed from the first page) and the page texts in one transaction, then the organization's signature.
    /// </summary>
    private sealed class Pipeline(Store store, Npgsql.NpgsqlDataSource db, SeedCorpus corpus)
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (DocumentState State, long Version, string Job)> _docs = new();
        private static readonly DecisionContext Context = new(new Actor("system:digitization", "Số hóa tự động"), DateTimeOffset.UtcNow);
        private static readonly EventMetadata Meta = new() { Actor = "system:digitization", CorrelationId = "catchup" };
        private long _pages;
        public long Pages => _pages;

        private static string Sha(string seed) => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(seed))).ToLowerInvariant();

        private async Task<int> AppendAsync(string id, DocumentCommand command, Func<Npgsql.NpgsqlConnection, Npgsql.NpgsqlTransaction, Task>? alongside,
            CancellationToken ct)
        {
            var (state, version, job) = _docs[id];
            var decision = DocumentDecider.Decide(command, state, Context);
            if (decision.IsRejected) throw new InvalidOperationException($"{command.GetType().Name} refused: {decision.Rejection?.ReasonEn}");
            await using var conn = await db.OpenConnectionAsync(ct);
            await using var tx = await conn.BeginTransactionAsync(ct);
            await store.AppendAsync(conn, tx, "document-" + id, ExpectedVersion.Exactly(version), [.. decision.Events], Meta, ct);
            if (alongside is not null) await alongside(conn, tx);
            await tx.CommitAsync(ct);
            _docs[id] = (decision.Events.Aggregate(state, DocumentDecider.Evolve), version + decision.Events.Count, job);
            return decision.Events.Count;
        }

        public async Task<int> RegisterAndUploadAsync(string id, DocumentMetadata m, CancellationToken ct)
        {
            _docs[id] = (DocumentState.Initial, 0, Guid.NewGuid().ToString("N"));
            var n = await AppendAsync(id, new RegisterDocument(id, m), null, ct);
            var (state, version, job) = _docs[id];
            var upload = DocumentDecider.Decide(new AddContentVersion(new ContentFacts(Sha("scan" + id), 2_400_000, "application/pdf", "scan.pdf", 2, "1.4", null, 200, true), IsScan: true),
                state, Context);
            var after = upload.Events.Aggregate(state, DocumentDecider.Evolve);
            var added = upload.Events.OfType<ContentVersionAdded>().Single();
            var queued = DocumentDecider.Decide(new QueueDigitization(job, added.Version, added.Sha256, "bench"), after, Context);
            await store.AppendAsync("document-" + id, ExpectedVersion.Exactly(version), [.. upload.Events, .. queued.Events], Meta, ct);
            _docs[id] = (queued.Events.Aggregate(after, DocumentDecider.Evolve), version + upload.Events.Count + queued.Events.Count, job);
            return n + upload.Events.Count + queued.Events.Count;
        }

        public async Task<long> ConvertAsync(IReadOnlyList<string> ids)
        {
            long events = 0;
            await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (id, ct) =>
            {
                var rnd = new Random(id.GetHashCode());
                var pages = Enumerable.Range(0, 2).Select(_ => string.Join('\n', Enumerable.Range(0, 14).Select(_ => corpus.Lines[rnd.Next(corpus.Lines.Length)]))).ToList();
                var recognition = pages.Select((p, i) => new PageRecognition(i + 1, 91.5, p.Split(' ').Length, p.Length)).ToList();
                var (state, _, job) = _docs[id];
                var pdfa = new ContentFacts(Sha("pdfa" + id), 2_600_000, "application/pdf", "scan.pdfa.pdf", 2, "1.7", "2B", 200, true);
                var textSha = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(string.Join('\f', pages)))).ToLowerInvariant();
                var command = new RecordDigitization(job, pdfa, "ocrmypdf", "tesseract 5.3.0", "vie", "vie 4.1.0", recognition, textSha, pages.Sum(p => p.Length), 5200, pages[0]);
                var version = state.Contents.Count + 1;
                var n = await AppendAsync(id, command, (conn, tx) => Archive.Api.Infrastructure.Search.PageTextIndex.WriteAsync(conn, tx, id, version, pages, ct), ct);
                Interlocked.Add(ref events, n);
                Interlocked.Add(ref _pages, pages.Count);
            });
            return events;
        }

        public async Task<long> SignAsync(IReadOnlyList<string> ids)
        {
            long events = 0;
            await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (id, ct) =>
            {
                var (state, _, job) = _docs[id];
                var source = state.CurrentContent!;
                var now = DateTimeOffset.UtcNow;
                var signed = new SignDocumentContent(source.Version, source.Sha256,
                    new ContentFacts(Sha("signed" + id), 2_700_000, "application/pdf", "scan.pdfa.signed.pdf", 2, "1.7", "2B", 200, true),
                    SignatureLevels.BLTA, Sha("cert"), "CN=UBND tinh Lai Chau", Sha("sig" + id), now, now, now.AddYears(10));
                Interlocked.Add(ref events, await AppendAsync(id, new SignDigitizedContent(job, signed, 350), null, ct));
            });
            return events;
        }
    }
}
