using System.Diagnostics;
using System.Text;
using Signing.Tests.Validation.Corpus;
using Signing.Validation;
using static Signing.Tests.Validation.Corpus.Scenario;

namespace Signing.Tests.Validation;

/// <summary>
/// Cross-checks our integrity verdict (digest + signature value) against poppler's pdfsig, an independent
/// implementation, on every corpus case pdfsig can judge. pdfsig only uses an NSS db holding our test root.
/// </summary>
public class pdfsig_agreement : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pdfsig-").FullName;

    public pdfsig_agreement()
    {
        Run("certutil", "-N", "--empty-password", "-d", $"sql:{_dir}");
        File.WriteAllText(Path.Combine(_dir, "root.pem"), "-----BEGIN CERTIFICATE-----\n" + Convert.ToBase64String(Pki.Root.Certificate.GetEncoded(), Base64FormattingOptions.InsertLineBreaks) + "\n-----END CERTIFICATE-----\n");
        Run("certutil", "-A", "-n", "root", "-t", "CT,C,C", "-i", Path.Combine(_dir, "root.pem"), "-d", $"sql:{_dir}");
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<string> Cases() => new(CorpusCases().Keys);

    private static Dictionary<string, Func<byte[]>> CorpusCases() => new()
    {
        ["valid b-b"] = () => Signed(By(Pki.Signer)).ToArray(),
        ["valid b-t"] = () => Signed(By(Pki.Signer) with { Timestamp = (Pki.Tsa, TestPki.Now.AddDays(-1)) }).ToArray(),
        ["byte changed in signed range"] = () =>
        {
            var pdf = Signed(By(Pki.Signer)).ToArray();
            pdf[Encoding.Latin1.GetString(pdf).IndexOf("Contract", StringComparison.Ordinal)] = (byte)'K';
            return pdf;
        },
        ["content changed later"] = () => Signed(By(Pki.Signer)).AppendContentChange("Contract no. 43").ToArray(),
        ["second signature later"] = () => Signed(By(Pki.Signer)).AppendSignature(d => CmsFactory.Sign(d, By(Pki.Signer))).ToArray(),
        ["revoked"] = () => Signed(By(Pki.RevokedEarly)).ToArray(),
        ["expired"] = () => Signed(By(Pki.Expired)).ToArray(),
        ["untrusted root"] = () => Signed(new CmsOptions { Signer = Pki.UntrustedSigner, ExtraCertificates = [Pki.UntrustedRoot.Certificate] }).ToArray(),
        ["wrong signing-certificate-v2"] = () => Signed(By(Pki.Signer) with { EssCertificate = Pki.Expired.Certificate }).ToArray(),
        ["sha-1"] = () => Signed(By(Pki.Signer) with { Sha1 = true }).ToArray(),
        ["broken timestamp imprint"] = () => Signed(By(Pki.Signer) with { Timestamp = (Pki.Tsa, TestPki.Now.AddDays(-1)), BreakTimestampImprint = true }).ToArray(),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void our_integrity_verdict_agrees_with_pdfsig(string name)
    {
        var pdf = CorpusCases()[name]();
        var path = Path.Combine(_dir, "case.pdf");
        File.WriteAllBytes(path, pdf);
        var output = Run("pdfsig", "-nssdir", $"sql:{_dir}", path);
        var verdicts = output.Split('\n').Where(l => l.Contains("Signature Validation:")).Select(l => l.Contains("Signature is Valid.")).ToList();

        var ours = Validate(pdf).Signatures.Where(s => s.Kind != SignatureKind.DocumentTimestamp).ToList();
        verdicts.Count.ShouldBe(ours.Count, output);
        for (int i = 0; i < ours.Count; i++)
            (ours[i].IntegrityValid == true).ShouldBe(verdicts[i], $"{name}, signature {i + 1}:\n{output}");
    }

    [Fact]
    public void pdfsig_and_we_agree_on_trust_of_a_valid_and_an_untrusted_signer()
    {
        var valid = Signed(By(Pki.Signer)).ToArray();
        var path = Path.Combine(_dir, "trust.pdf");
        File.WriteAllBytes(path, valid);
        Run("pdfsig", "-nssdir", $"sql:{_dir}", path).ShouldContain("Certificate is Trusted");
        Single(valid).Indication.ShouldBe(Indication.TOTAL_PASSED);

        var untrusted = Signed(new CmsOptions { Signer = Pki.UntrustedSigner, ExtraCertificates = [Pki.UntrustedRoot.Certificate] }).ToArray();
        File.WriteAllBytes(path, untrusted);
        Run("pdfsig", "-nssdir", $"sql:{_dir}", path).ShouldNotContain("Certificate is Trusted");
        Single(untrusted).SubIndication.ShouldBe(SubIndication.NO_CERTIFICATE_CHAIN_FOUND);
    }

    private static string Run(string tool, params string[] args)
    {
        var psi = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return stdout.Result + stderr;
    }
}
