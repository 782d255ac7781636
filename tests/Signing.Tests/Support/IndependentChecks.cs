using System.Text.RegularExpressions;
using Signing.Pdf;

namespace Signing.Tests.Support;

/// <summary>Checks a signed file with tools that share no code with the signer: pdfsig, qpdf and openssl.</summary>
public static class IndependentChecks
{
    public static string Pdfsig(TestPki pki, string path, int expectedSignatures)
    {
        var r = Tools.Run("pdfsig", "-nssdir", "sql:" + pki.NssDir, path);
        r.ExitCode.ShouldBe(0, r.All);
        var blocks = Regex.Split(r.Stdout, @"(?m)^Signature #\d+:").Skip(1).ToList();
        blocks.Count.ShouldBe(expectedSignatures, r.Stdout);
        // poppler 22.12 does not validate ETSI.RFC3161 document timestamps ("Signature Type: unknown");
        // those are checked with `openssl ts -verify` instead.
        foreach (var b in blocks.Where(b => !b.Contains("Signature Type: unknown", StringComparison.Ordinal)))
            b.ShouldContain("Signature Validation: Signature is Valid.", customMessage: r.Stdout);
        blocks[^1].ShouldContain("- Total document signed", customMessage: r.Stdout);
        return r.Stdout;
    }

    /// <summary>qpdf finds no errors; warnings are accepted only if the unsigned input already had the same ones.</summary>
    public static void QpdfCheck(string path, string? input = null)
    {
        var r = Tools.Run("qpdf", "--check", path);
        if (r.ExitCode == 3 && input is not null)
        {
            var before = Tools.Run("qpdf", "--check", input);
            Warnings(r, path).ShouldBe(Warnings(before, input), r.All);
            return;
        }
        r.ExitCode.ShouldBe(0, r.All);
        r.Stdout.ShouldContain("No syntax or stream encoding errors found");
    }

    private static string[] Warnings(Tools.Result r, string path) =>
        r.All.Split('\n').Where(l => l.StartsWith("WARNING", StringComparison.Ordinal)).Select(l => l.Replace(path, "")).ToArray();

    /// <summary>Each CAdES signature verifies with openssl over exactly the bytes its /ByteRange names.</summary>
    public static void OpensslVerifiesEverySignature(TestPki pki, string path, string? caFile = null)
    {
        var file = File.ReadAllBytes(path);
        var sigs = SignatureDictionaries.Read(new PdfDocumentReader(file));
        sigs.ShouldNotBeEmpty();
        foreach (var sig in sigs.Where(s => s.SubFilter == "ETSI.CAdES.detached"))
        {
            var der = pki.NewPath("sig.der");
            var content = pki.NewPath("signed.bin");
            File.WriteAllBytes(der, sig.ContentsWithoutPadding());
            File.WriteAllBytes(content, sig.SignedBytes(file));
            var r = Tools.Run("openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", der, "-content", content,
                "-CAfile", caFile ?? pki.ChainPem, "-purpose", "any", "-out", "/dev/null");
            r.ExitCode.ShouldBe(0, r.All);
            r.Stderr.ShouldContain("Verification successful");
        }
        foreach (var sig in sigs.Where(s => s.SubFilter == "ETSI.RFC3161"))
        {
            var token = pki.NewPath("token.der");
            var content = pki.NewPath("timestamped.bin");
            File.WriteAllBytes(token, sig.ContentsWithoutPadding());
            File.WriteAllBytes(content, sig.SignedBytes(file));
            var r = Tools.Run("openssl", "ts", "-verify", "-token_in", "-in", token, "-data", content, "-CAfile", pki.ChainPem);
            r.ExitCode.ShouldBe(0, r.All);
            r.Stdout.ShouldContain("Verification: OK");
        }
    }

    public static void All(TestPki pki, string path, int expectedSignatures, string? input = null)
    {
        Pdfsig(pki, path, expectedSignatures);
        QpdfCheck(path, input);
        OpensslVerifiesEverySignature(pki, path);
    }
}
