using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Archive.Api.Hosting;
using Archive.Api.Infrastructure.Auth;
using Archive.Api.Web.People;
using Npgsql;

namespace Archive.Bench.Suites;

/// <summary>
/// The web application's document list over one fonds of <c>ARCHIVE_BENCH_WEB_DOCS</c> documents (default 100,000),
/// rendered by the real archive host (started as its own process on a free loopback port) for a signed-in person:
/// the first page and the next 20 pages followed by their keyset links. The whole HTTP round trip is timed, so the
/// figure is an upper bound of the server's render time. Baseline in the same run: the API's JSON of the same page
/// (<c>GET /api/v1/documents</c>), which reads the same rows of <c>archive_api.record_list</c> and renders no HTML.
/// </summary>
public static partial class WebSuite
{
    private const string Fonds = "000.00.00.H29";

    public static async Task RunAsync(BenchDatabase db)
    {
        var count = int.Parse(Environment.GetEnvironmentVariable("ARCHIVE_BENCH_WEB_DOCS") ?? "100000");
        var bulkBuilder = new NpgsqlConnectionStringBuilder(db.ConnectionString) { Options = "-c maintenance_work_mem=512MB", CommandTimeout = 0 };
        await using var bulk = NpgsqlDataSource.Create(bulkBuilder.ConnectionString);
        await ApiSchema.EnsureAsync(bulk, CancellationToken.None);
        await db.ExecAsync("truncate archive_api.search_index");
        Console.WriteLine($"# web: generating {count:N0} documents in fonds {Fonds}");
        await SearchSuite.LoadAsync(db.DataSource, SeedCorpus.Load(), count);
        await db.ExecAsync($"update archive_api.search_index set fonds_id = '{Fonds}'");
        await ApiSchema.EnsureAsync(bulk, CancellationToken.None);
        await SearchSuite.FillRecordListAsync(db);

        var port = FreePort();
        var data = Path.Combine(Path.GetTempPath(), "archive-bench-web-" + Guid.NewGuid().ToString("N"));
        using var host = StartHost(db.ConnectionString, data, port);
        try
        {
            using var handler = new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false };
            using var http = new HttpClient(handler) { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            await WaitHealthyAsync(http, host);
            var password = PersonStore.GeneratePassword();
            await new PersonStore(db.DataSource, TimeProvider.System).CreateAsync("bench-" + port, "Người đo hiệu năng", Roles.RecordsOfficer, true, password,
                "bench", CancellationToken.None);
            await SignInAsync(http, "bench-" + port, password);

            var pages = new List<double>();
            var api = new List<double>();
            for (var round = 0; round < 3; round++)
            {
                string? after = null;
                string? apiCursor = null;
                for (var i = 0; i <= 20; i++)
                {
                    var url = $"/fonds/{Fonds}?kind=document" + (after is null ? "" : "&after=" + Uri.EscapeDataString(after));
                    var sw = Stopwatch.StartNew();
                    var html = await http.GetStringAsync(url);
                    sw.Stop();
                    if (round > 0) pages.Add(sw.Elapsed.TotalMilliseconds); // round 0 warms the host
                    if (!html.Contains("id=\"records\"")) throw new InvalidOperationException("the list page did not render: " + html[..Math.Min(300, html.Length)]);
                    after = WebUtility.HtmlDecode(NextCursor().Match(html).Groups[1].Value) is { Length: > 0 } c ? Uri.UnescapeDataString(c) : null;

                    var apiUrl = $"/api/v1/documents?organId={Fonds}&limit=50" + (apiCursor is null ? "" : "&cursor=" + Uri.EscapeDataString(apiCursor));
                    sw.Restart();
                    var json = await http.GetStringAsync(apiUrl);
                    sw.Stop();
                    if (round > 0) api.Add(sw.Elapsed.TotalMilliseconds);
                    apiCursor = System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty("nextCursor").GetString();
                    if (after is null) break;
                }
            }
            Console.WriteLine($"web list over {count:N0} documents of one fonds: page p50 {P(pages, 50):F1} ms, p95 {P(pages, 95):F1} ms " +
                              $"(target < 300 ms); API JSON of the same page p50 {P(api, 50):F1} ms, p95 {P(api, 95):F1} ms");
            Report.Figure("web_list_render_ms", P(pages, 95), "ms");
            Report.Figure("web_list_render_p50_ms", P(pages, 50), "ms");
            Report.Figure("web_list_api_json_p95_ms", P(api, 95), "ms");
            Report.Figure("web_list_render_vs_api_json", P(pages, 95) / P(api, 95), "ratio");
        }
        finally
        {
            if (!host.HasExited) { host.Kill(entireProcessTree: true); await host.WaitForExitAsync(); }
            try { Directory.Delete(data, recursive: true); } catch (IOException) { }
        }
    }

    [GeneratedRegex("id=\"next-page\" href=\"[^\"]*after=([^\"&]+)")]
    private static partial Regex NextCursor();

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex Token();

    private static async Task SignInAsync(HttpClient http, string user, string password)
    {
        var form = await http.GetStringAsync("/login");
        var token = Token().Match(form).Groups[1].Value;
        var response = await http.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login", ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token), ["userName"] = user, ["password"] = password,
        }));
        if (response.StatusCode != HttpStatusCode.Redirect) throw new InvalidOperationException($"sign-in failed: {(int)response.StatusCode}");
    }

    /// <summary>The archive host built next to this benchmark (the project reference builds it), as its own process.</summary>
    private static Process StartHost(string connectionString, string data, int port)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Archive.Api.dll");
        var start = new ProcessStartInfo("dotnet", [dll]) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = AppContext.BaseDirectory };
        start.Environment["ConnectionStrings__Archive"] = connectionString;
        start.Environment["Archive__DataFolder"] = data;
        start.Environment["Archive__Jobs__Enabled"] = "false";
        start.Environment["Archive__Signing__PrepareAtStartup"] = "false";
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var p = Process.Start(start)!;
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine("# host: " + e.Data); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    private static async Task WaitHealthyAsync(HttpClient http, Process host)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (DateTime.UtcNow < deadline && !host.HasExited)
        {
            try { if ((await http.GetAsync("/health")).IsSuccessStatusCode) return; }
            catch (HttpRequestException) { }
            await Task.Delay(200); // polling a process we started, not synchronizing a test
        }
        throw new InvalidOperationException("the archive host did not become healthy");
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private static double P(IReadOnlyCollection<double> xs, int percentile)
    {
        var sorted = xs.OrderBy(x => x).ToArray();
        var rank = (int)Math.Ceiling(percentile / 100.0 * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }
}
