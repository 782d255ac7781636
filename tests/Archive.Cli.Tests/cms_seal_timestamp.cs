using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Archive.Cli.Audit;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tsp;
using Org.BouncyCastle.X509;

namespace Archive.Cli.Tests;

/// <summary>
/// An RFC 3161 TSA (BouncyCastle's generator) served in process through the HttpClient's handler,
/// so the real request encoding, HTTP POST and response processing run without a listening port.
/// </summary>
public sealed class InProcessTsa : HttpMessageHandler
{
    private readonly TimeStampResponseGenerator _responder;
    private long _serial;

    public InProcessTsa()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=Test TSA", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.8")], critical: true));
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        var bcCert = new X509CertificateParser().ReadCertificate(cert.RawData);
        var generator = new TimeStampTokenGenerator(DotNetUtilities.GetRsaKeyPair(rsa).Private, bcCert, TspAlgorithms.Sha256, "1.3.6.1.4.1.99999.1");
        generator.SetCertificates(Org.BouncyCastle.Utilities.Collections.CollectionUtilities.CreateStore(new[] { bcCert }));
        _responder = new TimeStampResponseGenerator(generator, TspAlgorithms.Allowed);
    }

    public int Requests { get; private set; }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        Requests++;
        var query = new TimeStampRequest(await request.Content!.ReadAsByteArrayAsync(ct));
        var reply = _responder.Generate(query, BigInteger.ValueOf(Interlocked.Increment(ref _serial)), DateTime.UtcNow);
        var content = new ByteArrayContent(reply.GetEncoded());
        content.Headers.ContentType = new("application/timestamp-reply");
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
    }
}

public class cms_seal_timestamp
{
    private static readonly byte[] Seal = System.Text.Encoding.UTF8.GetBytes("canonical seal bytes");

    [Fact]
    public async Task a_tsa_token_is_stored_with_the_seal_and_its_imprint_verifies()
    {
        using var cert = AuditTestArchive.NewOrganizationCertificate();
        var tsa = new InProcessTsa();
        var signer = new CmsSealSigner(cert, timestampAuthority: new Uri("http://127.0.0.1/tsa"), http: new HttpClient(tsa));

        var signed = await signer.SignAsync(Seal);

        tsa.Requests.ShouldBe(1);
        signed.TimestampToken.ShouldNotBeNull();
        signer.Verify(Seal, signed.Signature, signed.TimestampToken).ShouldBeEmpty();
    }

    [Fact]
    public async Task a_token_for_another_signature_fails_the_imprint_check()
    {
        using var cert = AuditTestArchive.NewOrganizationCertificate();
        var signer = new CmsSealSigner(cert, timestampAuthority: new Uri("http://127.0.0.1/tsa"), http: new HttpClient(new InProcessTsa()));
        var first = await signer.SignAsync(Seal);
        var other = await signer.SignAsync([.. Seal, 1]);

        signer.Verify(Seal, first.Signature, other.TimestampToken).ShouldContain(p => p.Contains("timestamp token does not cover"));
    }
}
