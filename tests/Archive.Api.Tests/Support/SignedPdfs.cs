using System.Net;
using Signing;
using Signing.Development;
using Signing.Revocation;
using Signing.Signers;

namespace Archive.Api.Tests.Support;

/// <summary>
/// B-LT signed PDFs from a development PKI whose OCSP responder and TSA answer in process, so the file carries its
/// own revocation data and offline validation can reach TOTAL_PASSED without any network.
/// </summary>
public sealed class SignedPdfs
{
    private static readonly Uri Ocsp = new("http://pki.invalid/ocsp");

    public SignedPdfs()
    {
        Pki = new DevelopmentPki("Trung tâm Lưu trữ thử nghiệm API", Ocsp);
        Responders = new DevelopmentResponders(Pki);
    }

    public DevelopmentPki Pki { get; }
    public DevelopmentResponders Responders { get; }

    public string RootPem => Pki.Root.ExportCertificatePem();

    public async Task<byte[]> SignAsync(byte[] pdf)
    {
        using var signer = new Pkcs12Signer(Pki.ExportPkcs12(Pki.Organization, "x"), "x");
        var options = new PadesSignOptions
        {
            Signer = signer,
            Level = PadesLevel.B_LT,
            TimestampClient = new InProcessTimestampClient(Responders),
            RevocationClient = new RevocationClient(new HttpClient(new OcspHandler(Responders))),
            TrustAnchors = [Pki.Root],
        };
        using var output = new MemoryStream();
        await new PadesSigner().SignAsync(new MemoryStream(pdf), output, options);
        return output.ToArray();
    }

    private sealed class OcspHandler(DevelopmentResponders responders) : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(ct);
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(responders.Ocsp(body)) };
        }
    }
}
