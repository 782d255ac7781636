using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json;
using Archive.Domain.Identifiers;

namespace Archive.Bench.Suites;

/// <summary>
/// A 1 GB scan uploaded through the running archive (a separate process, as in production)
/// against a plain file copy of the same bytes on the same disk, plus the server's peak
/// resident memory (VmHWM), which must stay far below the file size: uploads are streamed.
/// </summary>
public static class UploadSuite
{
    public static async Task RunAsync(BenchDatabase db)
    {
        var size = long.Parse(Environment.GetEnvironmentVariable("ARCHIVE_BENCH_UPLOAD_BYTES") ?? "1073741824");
        var work = Path.Combine(Path.GetTempPath(), $"archive-bench-upload-{Guid.NewGuid():N}");
        Directory.CreateDirectory(work);
        try
        {
            var source = Path.Combine(work, "scan.pdf");
            await WriteScanAsync(source, size);

            var copy = Stopwatch.StartNew();
            await CopyWithFsyncAsync(source, Path.Combine(work, "copy.pdf"));
            copy.Stop();
            File.Delete(Path.Combine(work, "copy.pdf"));
            var copyMBps = size / 1e6 / copy.Elapsed.TotalSeconds;

            await using var server = await ApiProcess.StartAsync(db.ConnectionString, Path.Combine(work, "data"));
            using var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromMinutes(30) };
            http.DefaultRequestHeaders.Add("X-Api-Key", server.AdminKey);
            var documentId = await CreateDocumentAsync(http);
            var idleRss = server.ResidentMegabytes();

            var upload = Stopwatch.StartNew();
            await using (var file = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan))
            {
                using var content = new StreamContent(file, 1 << 16);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
                content.Headers.ContentLength = size;
                using var response = await http.PostAsync($"/api/v1/documents/{documentId}/content?fileName=scan.pdf", content);
                if (response.StatusCode != HttpStatusCode.Created)
                    throw new InvalidOperationException($"upload answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }
            upload.Stop();
            var uploadMBps = size / 1e6 / upload.Elapsed.TotalSeconds;
            var peak = server.PeakResidentMegabytes();

            Console.WriteLine($"upload {size / 1e9:F2} GB: {uploadMBps:F0} MB/s through the API vs {copyMBps:F0} MB/s plain copy " +
                              $"(ratio {uploadMBps / copyMBps:F3}); server RSS idle {idleRss:F0} MB, peak {peak:F0} MB (target < 200 MB)");
            Report.Figure("upload_api_mb_per_s", uploadMBps, "MB/s");
            Report.Figure("upload_plain_copy_mb_per_s", copyMBps, "MB/s");
            Report.Figure("upload_ratio_vs_copy", uploadMBps / copyMBps, "ratio");
            Report.Figure("upload_server_peak_rss_mb", peak, "MB");
        }
        finally
        {
            try { Directory.Delete(work, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>A PDF header followed by incompressible bytes: the size of a large colour scan.</summary>
    private static async Task WriteScanAsync(string path, long size)
    {
        await using var f = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        var header = "%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n"u8.ToArray();
        await f.WriteAsync(header);
        var buffer = new byte[1 << 20];
        var rnd = new Random(7);
        for (long written = header.Length; written < size;)
        {
            rnd.NextBytes(buffer);
            var n = (int)Math.Min(buffer.Length, size - written);
            await f.WriteAsync(buffer.AsMemory(0, n));
            written += n;
        }
        f.Flush(flushToDisk: true);
    }

    /// <summary>The floor: read once, write once, fsync, as the content store must.</summary>
    private static async Task CopyWithFsyncAsync(string from, string to)
    {
        await using var src = new FileStream(from, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        await using var dst = new FileStream(to, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 16];
        int n;
        while ((n = await src.ReadAsync(buffer)) > 0)
        {
            sha.AppendData(buffer, 0, n);
            await dst.WriteAsync(buffer.AsMemory(0, n));
        }
        dst.Flush(flushToDisk: true);
        _ = sha.GetHashAndReset();
    }

    internal static async Task<string> CreateDocumentAsync(HttpClient http, string notation = "01-VP")
    {
        const string organId = "000.00.00.H29";
        using (var fonds = await http.PostAsJsonAsync("/api/v1/fonds", new { organId, name = "Ủy ban nhân dân tỉnh Lai Châu" }))
            if (!fonds.IsSuccessStatusCode && fonds.StatusCode != HttpStatusCode.Conflict) // the fonds of an earlier call
                throw new InvalidOperationException($"POST /api/v1/fonds answered {(int)fonds.StatusCode}");
        await Send(http, "/api/v1/dossiers", new
        {
            organId, year = 2020, fileNotation = notation, title = "Hồ sơ kế hoạch ứng dụng công nghệ thông tin năm 2020",
            retentionCode = "05", accessMode = "01", languages = new[] { "01" }, creator = "Văn phòng",
            startDate = "2020-01-02", confidenceLevel = "01",
        });
        var doc = await Send(http, "/api/v1/documents", new
        {
            dossierCode = DossierCode.Compose(organId, 2020, notation), typeCode = "10", codeNumber = "391", codeNotation = "KH-UBND",
            issuedDate = "2020-12-30", issuer = "Ủy ban nhân dân tỉnh Lai Châu",
            subject = "Kế hoạch thực hiện Chương trình mục tiêu Công nghệ thông tin của tỉnh năm 2020",
            languages = new[] { "01" }, accessMode = "01", confidenceLevel = "01", pageCount = 12,
        });
        return doc.GetProperty("id").GetString()!;
    }

    private static async Task<JsonElement> Send(HttpClient http, string path, object body)
    {
        using var response = await http.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"POST {path} answered {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}

/// <summary>The archive host as its own process, on a free loopback port, against the bench database.</summary>
public sealed class ApiProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ApiProcess(Process process, Uri baseAddress, string adminKey)
    {
        _process = process;
        BaseAddress = baseAddress;
        AdminKey = adminKey;
    }

    public Uri BaseAddress { get; }
    public string AdminKey { get; }
    public int ProcessId => _process.Id;

    public static async Task<ApiProcess> StartAsync(string connectionString, string dataFolder)
    {
        var dll = Path.Combine(RepoRoot.Find(), "src", "Archive.Api", "bin", "Release", "net10.0", "Archive.Api.dll");
        if (!File.Exists(dll)) throw new InvalidOperationException($"{dll} is missing: build src/Archive.Api in Release first.");
        var port = FreePort();
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = Path.GetDirectoryName(dll)!, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(dll);
        psi.Environment["ConnectionStrings__Archive"] = connectionString;
        psi.Environment["Archive__DataFolder"] = dataFolder;
        psi.Environment["Archive__Content__MaxBytes"] = (4L << 30).ToString();
        psi.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        psi.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start the archive");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine($"# api: {e.Data}"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var baseAddress = new Uri($"http://127.0.0.1:{port}");
        using var probe = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            if (process.HasExited) throw new InvalidOperationException($"the archive exited with {process.ExitCode}");
            try { if ((await probe.GetAsync("/health")).IsSuccessStatusCode) break; }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the archive did not become healthy within 2 minutes");
            await Task.Delay(200);
        }
        var keyFile = Path.Combine(dataFolder, "admin.key");
        if (!File.Exists(keyFile)) throw new InvalidOperationException($"{keyFile} was not written by the archive");
        return new ApiProcess(process, baseAddress, (await File.ReadAllTextAsync(keyFile)).Trim());
    }

    public double ResidentMegabytes() => StatusKilobytes("VmRSS:") / 1024.0;
    public double PeakResidentMegabytes() => StatusKilobytes("VmHWM:") / 1024.0;

    private long StatusKilobytes(string field)
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
            if (line.StartsWith(field, StringComparison.Ordinal))
                return long.Parse(line[field.Length..].Trim().Split(' ')[0]);
        return 0;
    }

    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
