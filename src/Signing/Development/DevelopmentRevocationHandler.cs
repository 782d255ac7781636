using System.Net;

namespace Signing.Development;

/// <summary>
/// Answers OCSP requests of a <see cref="DevelopmentPki"/> in process, as the handler of the
/// <see cref="System.Net.Http.HttpClient"/> given to a <see cref="Revocation.RevocationClient"/>: the OCSP URL
/// written into the certificates (e.g. <c>http://development-pki.invalid/ocsp</c>) is never resolved, so
/// B-LT signing works with no network.
/// </summary>
public sealed class DevelopmentRevocationHandler(DevelopmentResponders responders) : HttpMessageHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        var content = new ByteArrayContent(responders.Ocsp(body));
        content.Headers.ContentType = new("application/ocsp-response");
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
    }
}
