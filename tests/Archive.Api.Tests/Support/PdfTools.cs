using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;

namespace Archive.Api.Tests.Support;

/// <summary>Independent checkers (poppler's pdfsig and pdftotext, qpdf) run on files the API produced.</summary>
public static class PdfTools
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public string All => Stdout + Stderr;
    }

    public static Result Run(string tool, params string[] args)
    {
        var psi = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {tool} (run scripts/setup.sh).");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        return new Result(p.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>An NSS database trusting <paramref name="root"/>, as pdfsig needs to judge the certificate.</summary>
    public static string NssDbTrusting(X509Certificate2 root)
    {
        var dir = Directory.CreateTempSubdirectory("archive-nss-").FullName;
        var pem = Path.Combine(dir, "root.pem");
        File.WriteAllText(pem, root.ExportCertificatePem());
        Run("certutil", "-N", "--empty-password", "-d", "sql:" + dir).ExitCode.ShouldBe(0);
        Run("certutil", "-A", "-n", "root", "-t", "CT,C,C", "-i", pem, "-d", "sql:" + dir).ExitCode.ShouldBe(0);
        return dir;
    }

    public static string Save(byte[] pdf, string name = "file.pdf")
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("archive-pdf-").FullName, name);
        File.WriteAllBytes(path, pdf);
        return path;
    }

    /// <summary>
    /// pdfsig's output; every CAdES signature must be "Signature is Valid." with "Certificate is Trusted." (its chain
    /// builds to the root in <paramref name="nssDir"/>), and the last one must cover the whole file, except at B-LT,
    /// whose last revision is the DSS added after the signature (an allowed change). poppler 22.12 does not judge
    /// ETSI.RFC3161 document timestamps ("Signature Type: unknown").
    /// </summary>
    public static string PdfsigAllValid(string nssDir, string path, int expectedSignatures, bool lastCoversWholeFile = true)
    {
        var r = Run("pdfsig", "-nssdir", "sql:" + nssDir, path);
        r.ExitCode.ShouldBe(0, r.All);
        var blocks = System.Text.RegularExpressions.Regex.Split(r.Stdout, @"(?m)^Signature #\d+:").Skip(1).ToList();
        blocks.Count.ShouldBe(expectedSignatures, r.Stdout);
        foreach (var b in blocks.Where(b => !b.Contains("Signature Type: unknown", StringComparison.Ordinal)))
        {
            b.ShouldContain("Signature Validation: Signature is Valid.", customMessage: r.Stdout);
            b.ShouldContain("Certificate Validation: Certificate is Trusted.", customMessage: r.Stdout);
        }
        if (lastCoversWholeFile) blocks[^1].ShouldContain("- Total document signed", customMessage: r.Stdout);
        return r.Stdout;
    }

    public static void QpdfCheckPasses(string path)
    {
        var r = Run("qpdf", "--check", path);
        r.ExitCode.ShouldBe(0, r.All);
        r.Stdout.ShouldContain("No syntax or stream encoding errors found");
    }

    /// <summary>
    /// qpdf finds no errors, and any warnings are the unsigned original's own (the first revision, up to the first
    /// %%EOF): signing must add none. PDFsharp's report renderer writes a stream qpdf warns about.
    /// </summary>
    public static void QpdfAddsNoWarningsToTheOriginal(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var eof = bytes.AsSpan().IndexOf("%%EOF"u8) + 5;
        while (eof < bytes.Length && bytes[eof] is (byte)'\r' or (byte)'\n') eof++;
        var original = Save(bytes[..eof], "original.pdf");
        var signed = Run("qpdf", "--check", path);
        var before = Run("qpdf", "--check", original);
        if (signed.ExitCode == 0) return;
        signed.ExitCode.ShouldBe(3, signed.All);
        Warnings(signed, path).ShouldBe(Warnings(before, original), signed.All);
    }

    private static string[] Warnings(Result r, string path) =>
        r.All.Split('\n').Where(l => l.StartsWith("WARNING", StringComparison.Ordinal)).Select(l => l.Replace(path, "")).ToArray();

    public static string FirstPageText(string path)
    {
        var r = Run("pdftotext", "-f", "1", "-l", "1", "-enc", "UTF-8", path, "-");
        r.ExitCode.ShouldBe(0, r.All);
        return r.Stdout;
    }
}
