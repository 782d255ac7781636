using System.Diagnostics;
using System.Net.Http.Headers;
using Archive.Testing;

namespace Archive.Bench.Suites;

/// <summary>
/// The hostile-PDF run at full size (issue 15): seeded mutations of a valid scan (<see cref="HostilePdfs"/>, the same
/// generator as the test <c>hostile_pdfs</c>) uploaded as documents' content through the archive running as its own
/// process, several passes of the same files. Counts 5xx answers (target 0), and the server's resident memory after
/// each pass: growth that keeps rising from pass to pass is a leak, growth that levels off is the runtime's heap.
/// Bounded by count and by time. Environment: ARCHIVE_BENCH_FUZZ_FILES (per pass, default 2400),
/// ARCHIVE_BENCH_FUZZ_PASSES (default 3), ARCHIVE_BENCH_FUZZ_SEED (default 15), ARCHIVE_BENCH_FUZZ_SECONDS (default 1800).
/// </summary>
public static class FuzzSuite
{
    public static async Task RunAsync(BenchDatabase db)
    {
        int Env(string name, int fallback) => int.TryParse(Environment.GetEnvironmentVariable(name), out var v) ? v : fallback;
        var files = Env("ARCHIVE_BENCH_FUZZ_FILES", 2400);
        var passes = Env("ARCHIVE_BENCH_FUZZ_PASSES", 3);
        var seed = Env("ARCHIVE_BENCH_FUZZ_SEED", 15);
        var budget = TimeSpan.FromSeconds(Env("ARCHIVE_BENCH_FUZZ_SECONDS", 1800));
        var work = Path.Combine(Path.GetTempPath(), $"archive-bench-fuzz-{Guid.NewGuid():N}");
        Directory.CreateDirectory(work);
        try
        {
            await using var server = await ApiProcess.StartAsync(db.ConnectionString, Path.Combine(work, "data"));
            using var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
            http.DefaultRequestHeaders.Add("X-Api-Key", server.AdminKey);
            var idle = server.ResidentMegabytes();
            var clock = Stopwatch.StartNew();
            long sent = 0, created = 0, refused = 0, failed = 0;
            var rssAfterPass = new List<double>();
            for (var pass = 0; pass < passes && clock.Elapsed < budget; pass++)
            {
                var document = "";
                for (var i = 0; i < files && clock.Elapsed < budget; i++)
                {
                    // A fresh document every 100 files keeps each document's stream short, as in real work.
                    if (i % 100 == 0) document = await UploadSuite.CreateDocumentAsync(http, $"FUZZ-{pass}-{i / 100}");
                    var pdf = HostilePdfs.Mutate(HostilePdfs.Valid(i), seed, i);
                    using var content = new ByteArrayContent(pdf);
                    content.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
                    using var response = await http.PostAsync($"/api/v1/documents/{document}/content", content);
                    sent++;
                    var status = (int)response.StatusCode;
                    if (status >= 500) { failed++; Console.Error.WriteLine($"# 5xx: pass {pass} mutation {i} (seed {seed}) answered {status}"); }
                    else if (status == 201) created++;
                    else refused++;
                }
                rssAfterPass.Add(server.ResidentMegabytes());
                Console.WriteLine($"pass {pass + 1}: {sent} files so far, RSS {rssAfterPass[^1]:F0} MB");
            }
            var seconds = clock.Elapsed.TotalSeconds;
            var growth = rssAfterPass.Count > 0 ? rssAfterPass[^1] - idle : 0;
            var growthAfterFirst = rssAfterPass.Count > 1 ? rssAfterPass[^1] - rssAfterPass[0] : 0;
            Console.WriteLine($"fuzz: {sent} mutated PDFs in {seconds:F0} s ({sent / seconds:F1}/s): {created} stored, {refused} refused (4xx), " +
                              $"{failed} 5xx; server RSS idle {idle:F0} MB, after each pass {string.Join(", ", rssAfterPass.Select(r => r.ToString("F0")))} MB, " +
                              $"peak {server.PeakResidentMegabytes():F0} MB");
            Report.Figure("fuzz_files", sent, "files");
            Report.Figure("fuzz_5xx", failed, "answers");
            Report.Figure("fuzz_refused_4xx", refused, "answers");
            Report.Figure("fuzz_stored", created, "files");
            Report.Figure("fuzz_files_per_s", sent / seconds, "files/s");
            Report.Figure("fuzz_memory_growth_mb", growth, "MB");
            Report.Figure("fuzz_memory_growth_after_first_pass_mb", growthAfterFirst, "MB");
            Report.Figure("fuzz_server_peak_rss_mb", server.PeakResidentMegabytes(), "MB");
        }
        finally
        {
            try { Directory.Delete(work, recursive: true); } catch (IOException) { }
        }
    }
}
