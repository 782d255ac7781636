using Archive.Cli.Audit;

namespace Archive.Cli.Tests;

public class cms_seal_signer
{
    private static readonly byte[] Seal = System.Text.Encoding.UTF8.GetBytes("canonical seal bytes");

    [Fact]
    public async Task a_detached_cms_signature_verifies_over_the_seal_bytes()
    {
        using var cert = AuditTestArchive.NewOrganizationCertificate();
        var signer = new CmsSealSigner(cert);

        var signed = await signer.SignAsync(Seal);

        signed.TimestampToken.ShouldBeNull();
        signer.Verify(Seal, signed.Signature, null).ShouldBeEmpty();
        // A verify-only signer pinned to the public certificate accepts it too.
        using var publicOnly = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(
            cert.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Cert));
        new CmsSealSigner(null, [publicOnly]).Verify(Seal, signed.Signature, null).ShouldBeEmpty();
    }

    [Fact]
    public async Task changed_seal_bytes_fail_verification()
    {
        using var cert = AuditTestArchive.NewOrganizationCertificate();
        var signer = new CmsSealSigner(cert);
        var signed = await signer.SignAsync(Seal);

        signer.Verify([.. Seal, 0], signed.Signature, null).ShouldNotBeEmpty();
    }

    [Fact]
    public async Task a_signature_by_another_certificate_is_untrusted()
    {
        using var ours = AuditTestArchive.NewOrganizationCertificate();
        using var theirs = AuditTestArchive.NewOrganizationCertificate("CN=Mallory");
        var signed = await new CmsSealSigner(theirs).SignAsync(Seal);

        new CmsSealSigner(ours).Verify(Seal, signed.Signature, null).ShouldContain(p => p.Contains("untrusted"));
        new CmsSealSigner(null).Verify(Seal, signed.Signature, null).ShouldBeEmpty();
    }

    [Fact]
    public async Task a_garbage_timestamp_token_is_reported()
    {
        using var cert = AuditTestArchive.NewOrganizationCertificate();
        var signer = new CmsSealSigner(cert);
        var signed = await signer.SignAsync(Seal);

        signer.Verify(Seal, signed.Signature, [1, 2, 3]).ShouldContain(p => p.Contains("timestamp"));
    }
}
