using System.Diagnostics;
using Archive.Api.Features.Records;
using Archive.Api.Hosting;
using Archive.Api.Infrastructure.Search;
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
        await ApiSchema.EnsureStoreIndexesAsync(source, EventStoreSetup.Schema, CancellationToken.None);
        await db.ExecAsync("truncate archive_api.search_index");

        Console.WriteLine($"# search-catchup: appending {docs:N0} documents in {dossiers:N0} dossiers");
        var meta = new EventMetadata { Actor = "bench", CorrelationId = "catchup" };
        var appendCpu = CpuMeter.Start(db.PostmasterPid);
        var append = Stopwatch.StartNew();
        long events = 0;
        var organ = "000.00.00.H29";
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
                    AccessMode = "01", ConfidenceLevel = "01", RetentionCode = "01",
                };
                await store.AppendAsync("document-" + x.id, ExpectedVersion.NoStream, [new DocumentRegistered(x.id, m)], meta, ct);
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
            events += ids.Count * 2 + 1;
        }
        append.Stop();
        var appendCpuSeconds = (appendCpu.Client + appendCpu.Server).TotalSeconds;
        Console.WriteLine($"search-catchup append: {events:N0} events in {append.Elapsed.TotalSeconds:F1} s, CPU {appendCpu.Client.TotalSeconds:F1} s client + {appendCpu.Server.TotalSeconds:F1} s server");

        var projection = new SearchProjection(new RecordsRepository(store, source), new SearchIndex(source));
        var daemon = new ProjectionDaemon(store, [projection]);
        var cpu = CpuMeter.Start(db.PostmasterPid);
        var catchUp = Stopwatch.StartNew();
        await daemon.CatchUpAsync();
        catchUp.Stop();
        var cpuSeconds = (cpu.Client + cpu.Server).TotalSeconds;
        await using (var cmd = source.CreateCommand("select count(*) from archive_api.search_index"))
            Console.WriteLine($"search-catchup: {events:N0} events ({docs:N0} documents, {dossiers:N0} dossiers) projected in {catchUp.Elapsed.TotalSeconds:F1} s; index rows {await cmd.ExecuteScalarAsync()}");
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
}
