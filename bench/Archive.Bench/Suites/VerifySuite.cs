using System.Diagnostics;
using System.Globalization;
using Signing;
using Signing.Development;
using Signing.Signers;
using Signing.Validation;

namespace Archive.Bench.Suites;

/// <summary>
/// Offline PAdES validation of a corpus of signed files (B-B and B-T mixed), in one process with
/// <see cref="PdfSignatureValidator"/> versus a <c>pdfsig</c> process per file on the same files in the same run,
/// plus one file through the real CLI (<c>dotnet archive.dll verify</c>) versus one <c>pdfsig</c>.
/// The database is not used.
/// </summary>
public static class VerifySuite
{
    private const int Files = 50;
    private const int OneFileRepetitions = 5;

    public static async Task RunAsync(BenchDatabase _)
    {
        var dir = Directory.CreateTempSubdirectory("archive-bench-verify-").FullName;
        try
        {
            var pki = new DevelopmentPki("Trung tâm Lưu trữ lịch sử (bench verify)");
            var responders = new DevelopmentResponders(pki);
            using var signer = new Pkcs12Signer(pki.ExportPkcs12(pki.Organization, "bench"), "bench");
            var rootPem = Path.Combine(dir, "root.pem");
            await File.WriteAllTextAsync(rootPem, pki.Root.ExportCertificatePem());
            // pdfsig gets the same trust anchor, so both sides do chain building against the same root.
            var nss = Path.Combine(dir, "nss");
            Directory.CreateDirectory(nss);
            Run("certutil", "-N", "--empty-password", "-d", "sql:" + nss);
            Run("certutil", "-A", "-n", "root", "-t", "CT,C,C", "-i", rootPem, "-d", "sql:" + nss);

            var input = Path.Combine(dir, "input.pdf");
            SignSuite.ScannedPdf.Write(input, pages: 1);
            var corpus = new List<string>();
            for (var i = 0; i < Files; i++)
            {
                var output = Path.Combine(dir, $"signed-{i:D2}.pdf");
                var options = new PadesSignOptions
                {
                    Signer = signer,
                    Level = i % 2 == 0 ? PadesLevel.B_B : PadesLevel.B_T,
                    TimestampClient = i % 2 == 0 ? null : new InProcessTimestampClient(responders),
                    TrustAnchors = [pki.Root],
                };
                await using (var source = File.OpenRead(input))
                await using (var target = File.Create(output))
                    await new PadesSigner().SignAsync(source, target, options);
                corpus.Add(output);
            }
            Console.WriteLine($"# verify: {Files} files of {new FileInfo(corpus[0]).Length} bytes (B-B and B-T alternating), {Environment.ProcessorCount} cores");

            var validation = new ValidationOptions { TrustAnchors = [pki.Root], Revocation = Signing.Validation.RevocationMode.Offline };
            var validator = new PdfSignatureValidator();
            // Warm-up (JIT, BouncyCastle tables) on one file, and one pdfsig run to warm the page cache for both.
            await VerifyAsync(validator, corpus[0], validation);
            Run("pdfsig", "-nssdir", "sql:" + nss, corpus[0]);

            // Two passes: the first still pays tiered JIT; the figure is the second (a long-running process's steady state).
            var clock = Stopwatch.StartNew();
            var inProcess = 0.0;
            var inProcessCpuMs = 0.0;
            for (var pass = 1; pass <= 2; pass++)
            {
                clock.Restart();
                var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                var signatures = 0;
                var passed = 0;
                var slowest = 0.0;
                foreach (var file in corpus)
                {
                    var one = Stopwatch.StartNew();
                    var report = await VerifyAsync(validator, file, validation);
                    slowest = Math.Max(slowest, one.Elapsed.TotalMilliseconds);
                    signatures += report.Signatures.Count;
                    passed += report.Signatures.Count(s => s.Indication != Indication.TOTAL_FAILED);
                }
                inProcess = Files / clock.Elapsed.TotalSeconds;
                inProcessCpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds / Files;
                Console.WriteLine($"# in-process pass {pass}: {Files} files, {signatures} signatures ({passed} not failed) in {clock.Elapsed.TotalMilliseconds:F0} ms, slowest file {slowest:F1} ms, CPU {inProcessCpuMs:F2} ms per file");
            }

            clock.Restart();
            var childCpu = ChildCpu.Total();
            var pdfsigValid = 0;
            foreach (var file in corpus)
                if (Run("pdfsig", "-nssdir", "sql:" + nss, file).Contains("Signature is Valid.", StringComparison.Ordinal)) pdfsigValid++;
            var pdfsig = Files / clock.Elapsed.TotalSeconds;
            var pdfsigCpuMs = (ChildCpu.Total() - childCpu).TotalMilliseconds / Files;
            Console.WriteLine($"# pdfsig loop: {Files} files in {clock.Elapsed.TotalMilliseconds:F0} ms, {pdfsigValid} reported valid, CPU {pdfsigCpuMs:F2} ms per file");

            Report.Figure("verify_in_process_files_per_s", inProcess, "per_s");
            Report.Figure("verify_pdfsig_files_per_s", pdfsig, "per_s");
            Report.Figure("verify_ratio_vs_pdfsig", inProcess / pdfsig, "ratio");
            // The same comparison in CPU time, which load from other work on the machine disturbs far less than wall time.
            Report.Figure("verify_in_process_cpu_ms_per_file", inProcessCpuMs, "ms");
            Report.Figure("verify_pdfsig_cpu_ms_per_file", pdfsigCpuMs, "ms");
            Report.Figure("verify_cpu_ratio_vs_pdfsig", pdfsigCpuMs / inProcessCpuMs, "ratio");

            var cli = FindCli("net10.0");
            if (cli is null) Console.WriteLine("# archive.dll not found under src/Archive.Cli/bin; build src/Archive.Cli to get verify_cli_one_file_ms");
            else await OneFileAsync("verify_cli", cli, corpus[1], rootPem, nss, pdfsigFigure: true);
            // The ReadyToRun publish (docs/benchmarks.md: dotnet publish src/Archive.Cli -c Release -r linux-x64 --self-contained false -o src/Archive.Cli/bin/r2r).
            var r2r = FindCli("r2r");
            if (r2r is null) Console.WriteLine("# no ReadyToRun publish in src/Archive.Cli/bin/r2r; publish it to get verify_cli_r2r_one_file_ms");
            else await OneFileAsync("verify_cli_r2r", r2r, corpus[1], rootPem, nss, pdfsigFigure: cli is null);
        }
        finally
        {
            try { Directory.Delete(dir, true); } catch (IOException) { }
        }
    }

    private static async Task<ValidationReport> VerifyAsync(PdfSignatureValidator validator, string path, ValidationOptions options)
    {
        await using var stream = File.OpenRead(path);
        return await validator.ValidateAsync(stream, options);
    }

    /// <summary>
    /// One file through the real CLI (a cold .NET process each time) against one pdfsig, interleaved so that load from
    /// other work on the machine falls on both alike; wall-clock medians and CPU time (user + system) per run.
    /// </summary>
    private static Task OneFileAsync(string name, string cli, string file, string rootPem, string nss, bool pdfsigFigure)
    {
        Console.WriteLine($"# cli: {cli}");
        var cliMs = new List<double>();
        var pdfsigMs = new List<double>();
        TimeSpan cliCpu = TimeSpan.Zero, pdfsigCpu = TimeSpan.Zero;
        for (var i = 0; i < OneFileRepetitions; i++)
        {
            var before = ChildCpu.Total();
            cliMs.Add(Time(() => Run("dotnet", cli, "verify", file, "--trust-anchor", rootPem)));
            var between = ChildCpu.Total();
            pdfsigMs.Add(Time(() => Run("pdfsig", "-nssdir", "sql:" + nss, file)));
            cliCpu += between - before;
            pdfsigCpu += ChildCpu.Total() - between;
        }
        Console.WriteLine($"# one file ({name}): cli ms {Join(cliMs)}; pdfsig ms {Join(pdfsigMs)}; CPU per run: cli {cliCpu.TotalMilliseconds / OneFileRepetitions:F0} ms, pdfsig {pdfsigCpu.TotalMilliseconds / OneFileRepetitions:F0} ms");
        Report.Figure($"{name}_one_file_ms", Median(cliMs), "ms");
        Report.Figure($"{name}_one_file_cpu_ms", cliCpu.TotalMilliseconds / OneFileRepetitions, "ms");
        // One file through the CLI against one pdfsig call, CPU time (user + system): how many pdfsig calls one costs.
        Report.Figure($"{name}_one_file_cpu_ratio_vs_pdfsig", cliCpu.TotalMilliseconds / Math.Max(1, pdfsigCpu.TotalMilliseconds), "ratio");
        if (pdfsigFigure)
        {
            Report.Figure("verify_pdfsig_one_file_ms", Median(pdfsigMs), "ms");
            Report.Figure("verify_pdfsig_one_file_cpu_ms", pdfsigCpu.TotalMilliseconds / OneFileRepetitions, "ms");
        }
        return Task.CompletedTask;
    }

    /// <summary>The CLI next to the repository: the build output (Release preferred) or the ReadyToRun publish, found from the bench's own location.</summary>
    private static string? FindCli(string flavour)
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (!File.Exists(Path.Combine(d.FullName, "Archive.sln"))) continue;
            var bin = Path.Combine(d.FullName, "src", "Archive.Cli", "bin");
            var candidates = flavour == "r2r"
                ? new[] { Path.Combine(bin, "r2r", "archive.dll") }
                : new[] { Path.Combine(bin, "Release", flavour, "archive.dll"), Path.Combine(bin, "Debug", flavour, "archive.dll") };
            return candidates.FirstOrDefault(File.Exists);
        }
        return null;
    }

    private static string Run(string tool, params string[] args)
    {
        var psi = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {tool}.");
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return stdout + stderr.Result;
    }

    private static double Time(Action action)
    {
        var sw = Stopwatch.StartNew();
        action();
        return sw.Elapsed.TotalMilliseconds;
    }

    private static double Median(List<double> values)
    {
        var v = values.Order().ToList();
        return v.Count % 2 == 1 ? v[v.Count / 2] : (v[v.Count / 2 - 1] + v[v.Count / 2]) / 2;
    }

    private static string Join(IEnumerable<double> values) => string.Join(" ", values.Select(v => v.ToString("F1", CultureInfo.InvariantCulture)));
}
