using System.Diagnostics;
using Org.BouncyCastle.OpenSsl;
using Signing.Tests.Validation.Corpus;
using Signing.Validation;
using static Signing.Tests.Validation.Corpus.Scenario;

namespace Signing.Tests.Validation;

/// <summary>Signatures whose CMS is produced by OpenSSL (a third, independent CMS implementation).</summary>
public class openssl_interop : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("openssl-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private byte[] OpenSslSign(byte[] data, bool cades)
    {
        Pem("key.pem", Pki.Signer.PrivateKey);
        Pem("cert.pem", Pki.Signer.Certificate);
        Pem("chain.pem", Pki.Intermediate.Certificate);
        File.WriteAllBytes(Path.Combine(_dir, "data.bin"), data);
        var args = new List<string> { "cms", "-sign", "-binary", "-outform", "DER", "-md", "sha256", "-nosmimecap",
            "-in", "data.bin", "-signer", "cert.pem", "-inkey", "key.pem", "-certfile", "chain.pem", "-out", "sig.der" };
        if (cades) args.Add("-cades");
        var psi = new ProcessStartInfo("openssl") { WorkingDirectory = _dir, RedirectStandardError = true };
        args.ForEach(psi.ArgumentList.Add);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        p.ExitCode.ShouldBe(0, err);
        return File.ReadAllBytes(Path.Combine(_dir, "sig.der"));
    }

    private void Pem(string name, object o)
    {
        using var w = new StreamWriter(Path.Combine(_dir, name));
        new PemWriter(w).WriteObject(o);
    }

    [Fact]
    public void an_openssl_cades_signature_passes_at_b_b()
    {
        var sig = Single(new MinimalPadesWriter().AppendSignature(d => OpenSslSign(d, cades: true)).ToArray());
        sig.Indication.ShouldBe(Indication.TOTAL_PASSED, string.Join("\n", sig.Checks));
        sig.Level.ShouldBe("B-B");
    }

    [Fact]
    public void an_openssl_signature_without_signing_certificate_attribute_is_not_baseline()
    {
        var sig = Single(new MinimalPadesWriter().AppendSignature(d => OpenSslSign(d, cades: false)).ToArray());
        sig.IntegrityValid.ShouldBe(true);
        sig.Level.ShouldBe("PDF (not baseline)");
    }
}
