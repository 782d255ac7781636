using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Archive.Domain.Documents;

namespace Archive.Api.Features.Digitization;

/// <summary>What one conversion produced: the PDF/A file, each page's text and recognition figures.</summary>
public sealed record OcrResult(string PdfPath, IReadOnlyList<string> PageTexts, IReadOnlyList<PageRecognition> Pages, long DurationMs);

/// <summary>Thrown when the engine refuses or fails on a file; the message is the engine's own (no secrets in it).</summary>
public sealed class OcrFailedException(string message) : Exception(message);

/// <summary>
/// OCR and PDF/A conversion with ocrmypdf (tesseract, language <c>vie</c>): <c>--output-type pdfa-2</c> (PDF/A-2b), deskew
/// and page rotation, <c>--optimize 0</c> so page images keep their resolution and colour, and a sidecar with each page's text
/// (pages split by form feeds). The text layer is tesseract's own (the sandwich renderer: ocrmypdf 14's hOCR renderer loses
/// Vietnamese letters, pdftotext then reads "Phnn mnm" for "Phần mềm"); tesseract's <c>hocr</c> config makes it also write
/// each page's hOCR into the kept working files, where every word's confidence is read back.
/// One job uses one core (<c>--jobs 1</c>): a worker runs as many jobs as it has cores.
/// </summary>
public sealed partial class OcrEngine(ILogger<OcrEngine> log)
{
    public const string Language = "vie";
    private static readonly Lazy<(string Engine, string Ocr, string LanguageData)> Versions = new(ReadVersions);

    /// <summary>"ocrmypdf 14.0.1+dfsg1".</summary>
    public string Engine => Versions.Value.Engine;

    /// <summary>"tesseract 5.3.0".</summary>
    public string OcrEngineVersion => Versions.Value.Ocr;

    /// <summary>The language data's package version and the SHA-256 prefix of <c>vie.traineddata</c>.</summary>
    public string LanguageData => Versions.Value.LanguageData;

    public async Task<OcrResult> ConvertAsync(string input, string workDir, TimeSpan timeout, CancellationToken ct)
    {
        var output = Path.Combine(workDir, "pdfa.pdf");
        var sidecar = Path.Combine(workDir, "text.txt");
        var temp = Directory.CreateDirectory(Path.Combine(workDir, "tmp")).FullName;
        var args = new List<string>
        {
            "-l", Language, "--output-type", "pdfa-2", "--pdf-renderer", "sandwich", "--tesseract-config", "hocr", "--deskew", "--rotate-pages", "--jobs", "1",
            "--optimize", "0", "--keep-temporary-files", "--sidecar", sidecar, "--quiet",
        };
        // A scanner's JPEG/PNG/TIFF carries its resolution; one that does not is read as 200 dpi (the rule's minimum), and the
        // PDF facts of the result then show the resolution the file really has.
        if (!input.EndsWith(".pdf", StringComparison.OrdinalIgnoreCase) && !ImageHasResolution(input)) args.AddRange(["--image-dpi", "200"]);
        args.Add(input);
        args.Add(output);
        var watch = Stopwatch.StartNew();
        var (code, stderr) = await RunAsync("ocrmypdf", args, new Dictionary<string, string> { ["TMPDIR"] = temp, ["OMP_THREAD_LIMIT"] = "1" }, timeout, ct);
        watch.Stop();
        if (code != 0 || !File.Exists(output))
            throw new OcrFailedException($"ocrmypdf exit {code}: {Tail(stderr)}");
        var text = File.Exists(sidecar) ? await File.ReadAllTextAsync(sidecar, ct) : "";
        var pageTexts = text.Split('\f').ToList();
        var hocr = Directory.EnumerateFiles(temp, "*.hocr", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        var pages = new List<PageRecognition>();
        var pageCount = Math.Max(hocr.Count, pageTexts.Count(t => t.Length > 0));
        // The sidecar ends with a form feed after the last page; pages ocrmypdf skipped (already text) have no hOCR.
        if (pageTexts.Count > pageCount) pageTexts = pageTexts.Take(Math.Max(pageCount, 1)).ToList();
        for (var i = 0; i < pageTexts.Count; i++)
        {
            var confidences = i < hocr.Count ? WordConfidences(await File.ReadAllTextAsync(hocr[i], ct)) : [];
            var words = pageTexts[i].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
            pages.Add(new PageRecognition(i + 1, confidences.Count == 0 ? 0 : Math.Round(confidences.Average(), 1), words,
                pageTexts[i].Count(c => !char.IsWhiteSpace(c))));
        }
        return new OcrResult(output, pageTexts, pages, watch.ElapsedMilliseconds);
    }

    [GeneratedRegex(@"class=['""]ocrx_word['""][^>]*x_wconf (\d+)")]
    private static partial Regex WordConfidence();

    internal static List<double> WordConfidences(string hocr) =>
        WordConfidence().Matches(hocr).Select(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();

    /// <summary>SHA-256 (hex) of the text layer as recorded: UTF-8, pages joined by form feeds.</summary>
    public static string TextSha256(IReadOnlyList<string> pages) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\f', pages))));

    // JFIF density units 1 (dpi) or 2 (dpcm) with a density above 1; PNG pHYs; TIFF is trusted (scanners always write it).
    private static bool ImageHasResolution(string path)
    {
        Span<byte> head = stackalloc byte[64];
        using var f = File.OpenRead(path);
        var n = f.Read(head);
        if (n > 18 && head[0] == 0xFF && head[1] == 0xD8 && head[6] == 'J' && head[7] == 'F')
            return head[13] is 1 or 2 && (head[14] << 8 | head[15]) > 1;
        if (n > 8 && head[0] == 0x89 && head[1] == 'P')
        {
            f.Position = 0;
            var all = new byte[Math.Min(f.Length, 1 << 20)];
            var read = f.Read(all);
            return all.AsSpan(0, read).IndexOf("pHYs"u8) >= 0;
        }
        return true;
    }

    private static string Tail(string s)
    {
        s = s.Trim();
        return s.Length <= 1500 ? s : "…" + s[^1500..];
    }

    /// <summary>Runs a tool of the pipeline (ocrmypdf, qpdf for splitting) with a time limit; a tool that overruns is killed.</summary>
    internal async Task<(int Code, string Stderr)> RunAsync(string tool, IEnumerable<string> args, IReadOnlyDictionary<string, string> env,
        TimeSpan timeout, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(tool) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (k, v) in env) psi.Environment[k] = v;
        using var p = Process.Start(psi) ?? throw new OcrFailedException($"{tool} could not be started");
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        var stderr = p.StandardError.ReadToEndAsync(limit.Token);
        var stdout = p.StandardOutput.ReadToEndAsync(limit.Token);
        try { await p.WaitForExitAsync(limit.Token); }
        catch (OperationCanceledException)
        {
            try { p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            if (ct.IsCancellationRequested) throw;
            throw new OcrFailedException($"{tool} took longer than {timeout.TotalSeconds:0} s and was stopped");
        }
        try { await stdout; } catch (OperationCanceledException) { }
        string err;
        try { err = await stderr; } catch (OperationCanceledException) { err = ""; }
        log.LogDebug("{Tool} exited {Code}", tool, p.ExitCode);
        return (p.ExitCode, err);
    }

    private static (string, string, string) ReadVersions()
    {
        static string Run(string tool, params string[] args)
        {
            try
            {
                var psi = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
                foreach (var a in args) psi.ArgumentList.Add(a);
                using var p = Process.Start(psi)!;
                var o = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
                p.WaitForExit();
                return o.Trim();
            }
            catch (System.ComponentModel.Win32Exception) { return ""; }
        }
        var engine = "ocrmypdf " + Run("ocrmypdf", "--version").Split('\n')[0].Trim();
        var ocr = Run("tesseract", "--version").Split('\n')[0].Trim();
        var package = Run("dpkg-query", "-W", "-f=${Version}", "tesseract-ocr-vie");
        var data = Directory.Exists("/usr/share/tesseract-ocr")
            ? Directory.EnumerateFiles("/usr/share/tesseract-ocr", "vie.traineddata", SearchOption.AllDirectories).FirstOrDefault() : null;
        var sha = data is null ? "?" : Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(data)))[..16];
        return (engine, ocr, $"tesseract-ocr-vie {package} (vie.traineddata sha256 {sha}…)");
    }
}
