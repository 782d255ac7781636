using System.Diagnostics;
using Archive.Api.Features.Disposition;
using Archive.Api.Features.Records;
using Archive.Api.Hosting;
using Archive.Api.Infrastructure.Search;
using Archive.Domain.Common;
using Archive.Domain.Documents;
using Archive.Domain.Dossiers;
using Archive.EventStore;
using Store = Archive.EventStore.EventStore;

namespace Archive.Bench.Suites;

/// <summary>
/// "Xem xét hủy" projection cost: closed 10-year dossiers with their documents, built through the domain deciders, then
/// catch-up of the <see cref="ReviewProjection"/> timed against the <see cref="SearchProjection"/> over the same events
/// in the same run (the baseline), and the review-list query once every record is due.
/// </summary>
public static class DispositionSuite
{
    public static async Task RunAsync(BenchDatabase db)
    {
        var docs = int.Parse(Environment.GetEnvironmentVariable("ARCHIVE_BENCH_DISPOSITION_DOCS") ?? "2000");
        const int perDossier = 50;
        var source = db.DataSource;
        await db.ExecAsync($"drop schema if exists {EventStoreSetup.Schema} cascade; drop schema if exists {ApiSchema.Name} cascade");
        var store = new Store(source, EventStoreSetup.CreateOptions());
        await store.MigrateAsync();
        await ApiSchema.EnsureAsync(source, CancellationToken.None);

        var context = new DecisionContext(new Actor("bench", "bench"), DateTimeOffset.UtcNow);
        var meta = new EventMetadata { Actor = "bench" };
        long events = 0;
        for (var d = 0; d * perDossier < docs; d++)
        {
            var metadata = new DossierMetadata
            {
                Title = $"Hồ sơ hội nghị {d}", RetentionCode = "06", AccessMode = "01", Languages = ["01"], Creator = "Văn phòng",
                ConfidenceLevel = "01", StartDate = new(2015, 1, 5), EndDate = new(2015, 12, 20),
            };
            var opened = DossierDecider.Decide(new OpenDossier("000.00.00.H29", 2015, $"{d + 1:D4}-VP", metadata), DossierState.Initial, context);
            var dossier = DossierDecider.Fold(opened.Events);
            var dossierEvents = new List<IDomainEvent>(opened.Events);
            for (var i = 0; i < perDossier && d * perDossier + i < docs; i++)
            {
                var id = Guid.NewGuid().ToString("N");
                var document = new DocumentMetadata
                {
                    TypeCode = "02", CodeNumber = $"{i + 1}", CodeNotation = "GM-VP", IssuedDate = new(2015, 3, 1), Issuer = "Văn phòng",
                    Subject = $"Giấy mời họp số {i + 1}", Languages = ["01"], AccessMode = "01", ConfidenceLevel = "01", RetentionCode = "06",
                };
                await store.AppendAsync("document-" + id, ExpectedVersion.NoStream,
                    DocumentDecider.Decide(new RegisterDocument(id, document), DocumentState.Initial, context).Events.Cast<object>().ToList(), meta);
                var filed = DossierDecider.Decide(new FileDocument(id, null, document.GetRetention(), 1), dossier, context);
                dossier = filed.Events.Aggregate(dossier, DossierDecider.Evolve);
                dossierEvents.AddRange(filed.Events);
                events += 1 + filed.Events.Count;
            }
            var closed = DossierDecider.Decide(new CloseDossier(), dossier, context);
            dossierEvents.AddRange(closed.Events);
            await store.AppendAsync("dossier-" + dossier.Code, ExpectedVersion.NoStream, dossierEvents.Cast<object>().ToList(), meta);
            events += opened.Events.Count + closed.Events.Count;
        }
        Console.WriteLine($"# disposition: {docs:N0} documents in closed 10-year dossiers of {perDossier}, {events:N0} events");

        var repo = new RecordsRepository(store, source);
        var search = Stopwatch.StartNew();
        await new ProjectionDaemon(store, [new SearchProjection(repo, new SearchIndex(source))]).CatchUpAsync();
        search.Stop();
        var review = Stopwatch.StartNew();
        await new ProjectionDaemon(store, [new ReviewProjection(repo)]).CatchUpAsync();
        review.Stop();
        Console.WriteLine($"disposition: search projection {search.Elapsed.TotalSeconds:F1} s, review projection {review.Elapsed.TotalSeconds:F1} s");
        Report.Figure("review_projection_catchup_events_per_s", events / review.Elapsed.TotalSeconds, "events/s");
        Report.Figure("search_projection_catchup_events_per_s", events / search.Elapsed.TotalSeconds, "events/s");
        Report.Figure("review_vs_search_catchup_time_ratio", review.Elapsed.TotalSeconds / search.Elapsed.TotalSeconds, "x");

        // The list query as the endpoint runs it, with every row due (today after 2025-12-31).
        var times = new List<double>();
        long rows = 0;
        for (var i = 0; i < 30; i++)
        {
            var sw = Stopwatch.StartNew();
            await using var cmd = source.CreateCommand("""
                select kind, id, organ_id, title, retention_code, retention_years, end_year, keep_until from archive_api.disposition_review
                where keep_until < $1 and not held and access_regime = any($2) order by keep_until, id limit 5000
                """);
            cmd.Parameters.AddWithValue(new DateOnly(2036, 1, 2));
            cmd.Parameters.AddWithValue(new[] { "01", "02" });
            rows = 0;
            await using (var r = await cmd.ExecuteReaderAsync()) while (await r.ReadAsync()) rows++;
            times.Add(sw.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        Console.WriteLine($"disposition: review list returns {rows:N0} rows");
        Report.Figure("review_list_query_p50_ms", times[times.Count / 2], "ms");
    }
}
