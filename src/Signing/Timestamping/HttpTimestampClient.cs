using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;

namespace Signing.Timestamping;

/// <summary>RFC 3161 over HTTP: POST application/timestamp-query, expect application/timestamp-reply.</summary>
public sealed class HttpTimestampClient(Uri url, HttpClient? httpClient = null, TimeSpan? timeout = null) : ITimestampClient
{
    private static readonly HttpClient Shared = new();
    private readonly HttpClient _http = httpClient ?? Shared;
    private readonly TimeSpan _timeout = timeout ?? TimeSpan.FromSeconds(15);

    public Uri Url { get; } = url;

    public async Task<TimestampToken> GetTokenAsync(byte[] digest, HashAlgorithmName hash, CancellationToken cancellationToken)
    {
        var request = Rfc3161TimestampRequest.CreateFromHash(digest, hash, requestSignerCertificates: true,
            nonce: RandomNumberGenerator.GetBytes(8));
        byte[] reply;
        using (var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            cts.CancelAfter(_timeout);
            try
            {
                using var content = new ByteArrayContent(request.Encode());
                content.Headers.ContentType = new MediaTypeHeaderValue("application/timestamp-query");
                using var response = await _http.PostAsync(Url, content, cts.Token).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                    throw new TimestampUnavailableException($"TSA {Url} answered HTTP {(int)response.StatusCode}.");
                reply = await response.Content.ReadAsByteArrayAsync(cts.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimestampUnavailableException($"TSA {Url} did not answer within {_timeout.TotalSeconds:0} s.", e);
            }
            catch (HttpRequestException e)
            {
                throw new TimestampUnavailableException($"TSA {Url} could not be reached: {e.Message}", e);
            }
        }

        return TimestampReplies.Process(request, reply, digest, hash, Url.ToString());
    }
}

internal static class TimestampReplies
{
    public static TimestampToken Process(Rfc3161TimestampRequest request, byte[] reply, byte[] digest, HashAlgorithmName hash, string source)
    {
        try
        {
            var token = request.ProcessResponse(reply, out _);
            var signed = token.AsSignedCms();
            if (!token.VerifySignatureForHash(digest, hash, out var signer, signed.Certificates))
                throw new TimestampUnavailableException($"TSA {source} returned a token whose signature does not verify.");
            return new TimestampToken(signed.Encode(), token.TokenInfo.Timestamp, signer, signed.Certificates.ToList());
        }
        catch (CryptographicException e)
        {
            throw new TimestampUnavailableException($"TSA {source} returned an unusable reply: {e.Message}", e);
        }
    }
}
