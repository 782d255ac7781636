using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Ocsp;
using Org.BouncyCastle.X509;
using Signing.Certificates;
using BcCert = Org.BouncyCastle.X509.X509Certificate;

namespace Signing.Revocation;

public enum RevocationStatus
{
    Good,
    Revoked,
    Unknown,
}

/// <summary>Revocation evidence for one certificate: the raw OCSP response or CRL as fetched.</summary>
public sealed record RevocationEvidence(RevocationStatus Status, byte[]? OcspResponse, byte[]? Crl, string Source);

/// <summary>Fetches OCSP responses (preferred) or CRLs over HTTP, with a timeout per request.</summary>
public sealed class RevocationClient(HttpClient? httpClient = null, TimeSpan? timeout = null)
{
    private static readonly HttpClient Shared = new();
    private readonly HttpClient _http = httpClient ?? Shared;
    private readonly TimeSpan _timeout = timeout ?? TimeSpan.FromSeconds(15);

    /// <summary>Returns evidence or throws <see cref="RevocationException"/> when none can be had.</summary>
    public async Task<RevocationEvidence> CheckAsync(X509Certificate2 cert, X509Certificate2 issuer, CancellationToken ct)
    {
        var errors = new List<string>();
        foreach (var url in CertificateUrls.Ocsp(cert))
        {
            try { return await OcspAsync(cert, issuer, url, ct).ConfigureAwait(false); }
            catch (RevocationException e) { errors.Add(e.Message); }
        }
        foreach (var url in CertificateUrls.CrlDistributionPoints(cert))
        {
            try { return await CrlAsync(cert, issuer, url, ct).ConfigureAwait(false); }
            catch (RevocationException e) { errors.Add(e.Message); }
        }
        if (errors.Count == 0) errors.Add("the certificate names no OCSP responder and no CRL distribution point");
        throw new RevocationException($"No revocation information for '{cert.Subject}': {string.Join("; ", errors)}");
    }

    public async Task<RevocationEvidence> OcspAsync(X509Certificate2 cert, X509Certificate2 issuer, string url, CancellationToken ct)
    {
        var bcCert = CertificateCache.Of(cert);
        var bcIssuer = CertificateCache.Of(issuer);
        var id = new CertificateID(CertificateID.DigestSha1, bcIssuer, bcCert.SerialNumber);
        var gen = new OcspReqGenerator();
        gen.AddRequest(id);
        var request = gen.Generate().GetEncoded();
        var body = await PostOrGetAsync(url, request, "application/ocsp-request", ct).ConfigureAwait(false);
        try
        {
            var resp = new OcspResp(body);
            if (resp.Status != OcspRespStatus.Successful)
                throw new RevocationException($"OCSP responder {url} answered status {resp.Status}.");
            var basic = (BasicOcspResp)resp.GetResponseObject();
            var signerCerts = basic.GetCerts();
            var verified = basic.Verify(CertificateCache.PublicKey(bcIssuer))
                || signerCerts.Any(c => IsIssuedBy(c, bcIssuer) && basic.Verify(CertificateCache.PublicKey(c)));
            if (!verified) throw new RevocationException($"OCSP response from {url} is not signed by the issuer or a delegated responder.");
            var single = basic.Responses.FirstOrDefault(r => r.GetCertID().Equals(id))
                ?? throw new RevocationException($"OCSP response from {url} does not cover the certificate.");
            var status = single.GetCertStatus() switch
            {
                null => RevocationStatus.Good,
                RevokedStatus => RevocationStatus.Revoked,
                _ => RevocationStatus.Unknown,
            };
            return new RevocationEvidence(status, body, null, url);
        }
        catch (Exception e) when (e is not RevocationException)
        {
            throw new RevocationException($"OCSP response from {url} could not be parsed: {e.Message}", e);
        }
    }

    public async Task<RevocationEvidence> CrlAsync(X509Certificate2 cert, X509Certificate2 issuer, string url, CancellationToken ct)
    {
        var body = await PostOrGetAsync(url, null, null, ct).ConfigureAwait(false);
        try
        {
            var crl = new X509CrlParser().ReadCrl(body);
            crl.Verify(CertificateCache.PublicKey(CertificateCache.Of(issuer)));
            if (crl.NextUpdate is { } next && next < DateTime.UtcNow)
                throw new RevocationException($"CRL from {url} is expired (next update {next:u}).");
            var status = crl.IsRevoked(CertificateCache.Of(cert)) ? RevocationStatus.Revoked : RevocationStatus.Good;
            return new RevocationEvidence(status, null, body, url);
        }
        catch (Exception e) when (e is not RevocationException)
        {
            throw new RevocationException($"CRL from {url} is unusable: {e.Message}", e);
        }
    }

    private async Task<byte[]> PostOrGetAsync(string url, byte[]? body, string? contentType, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(_timeout);
        try
        {
            HttpResponseMessage response;
            if (body is null) response = await _http.GetAsync(url, cts.Token).ConfigureAwait(false);
            else
            {
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = new MediaTypeHeaderValue(contentType!);
                response = await _http.PostAsync(url, content, cts.Token).ConfigureAwait(false);
            }
            using (response)
            {
                if (!response.IsSuccessStatusCode) throw new RevocationException($"{url} answered HTTP {(int)response.StatusCode}.");
                return await response.Content.ReadAsByteArrayAsync(cts.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new RevocationException($"{url} did not answer within {_timeout.TotalSeconds:0} s.", e);
        }
        catch (HttpRequestException e)
        {
            throw new RevocationException($"{url} could not be reached: {e.Message}", e);
        }
    }

    private static bool IsIssuedBy(BcCert c, BcCert issuer)
    {
        try { c.Verify(CertificateCache.PublicKey(issuer)); return true; }
        catch (Exception) { return false; }
    }

}
