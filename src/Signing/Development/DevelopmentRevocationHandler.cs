using System.Net;

namespace Signing.Development;

/// <summary>
/// Answers revocation requests of a <see cref="DevelopmentPki"/> in process, as the handler of the
/// <see cref="System.Net.Http.HttpClient"/> given to a <see cref="Revocation.RevocationClient"/>, so B-LT signing works
/// with no network: CRLs at the URLs of <see cref="CrlUrlFor"/>, and OCSP (POST) for identities created before the
/// development certificates named CRLs instead of an OCSP responder.
/// </summary>
public sealed class DevelopmentRevocationHandler(DevelopmentResponders responders) : HttpMessageHandler
{
    private const string CrlBase = "http://development-pki.invalid/crl?ca=";

    /// <summary>
    /// The CRL distribution point written into the development certificates (".invalid" by RFC 6761: never resolved).
    /// A CRL, not an OCSP URL in AIA: NSS (and so poppler's pdfsig) tries an OCSP URL, and when it cannot be reached
    /// reports "Unknown issue with Certificate" even for a trusted chain; a CRL distribution point it does not fetch.
    /// </summary>
    public static Uri CrlUrlFor(string caSubject) => new(CrlBase + Uri.EscapeDataString(caSubject));

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var url = request.RequestUri?.AbsoluteUri ?? "";
        if (request.Method == HttpMethod.Get && url.StartsWith(CrlBase, StringComparison.Ordinal))
        {
            byte[] crl;
            try { crl = responders.Crl(Uri.UnescapeDataString(url[CrlBase.Length..])); }
            catch (InvalidOperationException) { return new HttpResponseMessage(HttpStatusCode.NotFound); }
            var list = new ByteArrayContent(crl);
            list.Headers.ContentType = new("application/pkix-crl");
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = list };
        }
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        var content = new ByteArrayContent(responders.Ocsp(body));
        content.Headers.ContentType = new("application/ocsp-response");
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
    }
}
