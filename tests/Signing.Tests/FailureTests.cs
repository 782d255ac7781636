using Signing.Signers;
using Signing.Tests.Support;
using Signing.Timestamping;

namespace Signing.Tests;

[Collection(PkiCollection.Name)]
public sealed class FailureTests(TestPki pki)
{
    [Fact]
    public async Task signing_with_a_revoked_certificate_fails_and_writes_nothing()
    {
        var options = pki.Options(signer: pki.Signer(pki.Pki.Revoked)) with { RevocationMode = RevocationMode.Required };

        var (output, error) = await SignFiles.TrySign(pki.Inputs.Ghostscript, options);

        error.ShouldBeOfType<RevocationException>().Message.ShouldContain("revoked");
        output.Length.ShouldBe(0);
    }

    [Fact]
    public async Task signing_with_an_expired_certificate_fails_before_signing_and_writes_nothing()
    {
        var (output, error) = await SignFiles.TrySign(pki.Inputs.Ghostscript, pki.Options(signer: pki.Signer(pki.Pki.Expired)));

        error.ShouldBeOfType<CertificateNotUsableException>().Message.ShouldContain("not valid now");
        output.Length.ShouldBe(0);
    }

    [Fact]
    public async Task a_certificate_that_does_not_chain_to_the_given_anchors_is_refused()
    {
        var stranger = new Development.DevelopmentPki("Other organization");
        var options = pki.Options(signer: new Pkcs12Signer(stranger.ExportPkcs12(stranger.Organization, "x"), "x"));

        var (output, error) = await SignFiles.TrySign(pki.Inputs.Ghostscript, options);

        error.ShouldBeOfType<CertificateNotUsableException>().Message.ShouldContain("does not build");
        output.Length.ShouldBe(0);
    }

    [Fact]
    public async Task a_b_t_signature_fails_cleanly_when_the_tsa_does_not_answer()
    {
        var options = pki.Options(PadesLevel.B_T) with
        {
            TimestampClient = new HttpTimestampClient(new Uri(pki.Server.BaseUrl, "no-such-tsa"), timeout: TimeSpan.FromSeconds(5)),
        };

        var (output, error) = await SignFiles.TrySign(pki.Inputs.Ghostscript, options);

        error.ShouldBeOfType<TimestampUnavailableException>().Message.ShouldContain("HTTP 503");
        output.Length.ShouldBe(0);
    }

    [Fact]
    public async Task a_b_lt_signature_fails_cleanly_when_no_revocation_answer_can_be_had()
    {
        var offline = new Development.DevelopmentPki("Offline organization", new Uri("http://127.0.0.1:9/ocsp"));
        var signer = new Pkcs12Signer(offline.ExportPkcs12(offline.Organization, "x"), "x");
        var options = pki.Options(PadesLevel.B_LT, signer) with { TrustAnchors = [offline.Root] };

        var (output, error) = await SignFiles.TrySign(pki.Inputs.Ghostscript, options);

        error.ShouldBeOfType<RevocationException>();
        output.Length.ShouldBe(0);
    }

    [Fact]
    public void a_wrong_pkcs12_password_gives_a_clear_error_without_key_material()
    {
        var p12 = pki.Pki.ExportPkcs12(pki.Pki.Organization, TestPki.Password);

        var error = Should.Throw<SignerConfigurationException>(() => new Pkcs12Signer(p12, "wrong"));

        error.Message.ShouldContain("wrong password");
        error.Message.ShouldNotContain(TestPki.Password);
    }
}

[Collection(PkiCollection.Name)]
public sealed class Pkcs12ConfigurationTests(TestPki pki)
{
    [Fact]
    public async Task a_pkcs12_signer_configured_with_a_password_file_signs()
    {
        var p12 = pki.NewPath("org.p12");
        var secret = pki.NewPath("p12.password");
        await File.WriteAllBytesAsync(p12, pki.Pki.ExportPkcs12(pki.Pki.Organization, TestPki.Password));
        await File.WriteAllTextAsync(secret, TestPki.Password + "\n");

        var signer = new Pkcs12SignerOptions { Path = p12, PasswordFile = secret, Scheme = SignatureScheme.RsaPss }.Create();
        var (signed, result) = await SignFiles.Sign(pki, pki.Inputs.Ghostscript, pki.Options(signer: signer));

        result.SignerSubject.ShouldBe(pki.Pki.Organization.Subject);
        signer.Chain.Count.ShouldBe(2);
        IndependentChecks.OpensslVerifiesEverySignature(pki, signed);
    }
}
