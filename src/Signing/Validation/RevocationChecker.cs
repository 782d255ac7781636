using Signing.Certificates;
using Org.BouncyCastle.Ocsp;
using Org.BouncyCastle.X509;

namespace Signing.Validation;

internal enum RevocationState { Unknown, Good, Revoked }

internal sealed record RevocationStatus(RevocationState State, DateTimeOffset? RevokedAt, DateTimeOffset? IssuedAt, string Source);

/// <summary>
/// Revocation status from CRLs and OCSP responses carried in the file (DSS, CMS), and, when allowed, fetched from
/// the endpoints named in the certificate. Every CRL/OCSP response is signature-checked against the certificate's issuer
/// (or an OCSP responder certificate issued by it) before it is believed.
/// </summary>
internal sealed class RevocationChecker(ValidationOptions options, List<X509Crl> crls, List<BasicOcspResp> ocsps, List<string> log)
{
    private static readonly HttpClient SharedClient = new();
    private readonly HashSet<string> _fetched = [];

    public static RevocationChecker FromEncoded(ValidationOptions options, IEnumerable<byte[]> crlData, IEnumerable<byte[]> ocspData, List<string> log)
    {
        var crls = new List<X509Crl>();
        foreach (var d in crlData)
            try { crls.Add(new X509CrlParser().ReadCrl(d)); } catch (Exception) { log.Add("an embedded CRL could not be parsed and was ignored"); }
        var ocsps = new List<BasicOcspResp>();
        foreach (var d in ocspData)
            try { ocsps.Add(ParseOcsp(d)); } catch (Exception) { log.Add("an embedded OCSP response could not be parsed and was ignored"); }
        return new RevocationChecker(options, crls, ocsps, log);
    }

    private static BasicOcspResp ParseOcsp(byte[] d)
    {
        // DSS may hold either a full OCSPResponse or only the BasicOCSPResponse.
        try { return (BasicOcspResp)new OcspResp(d).GetResponseObject(); }
        catch (Exception) { return new BasicOcspResp(Org.BouncyCastle.Asn1.Ocsp.BasicOcspResponse.GetInstance(Org.BouncyCastle.Asn1.Asn1Object.FromByteArray(d))); }
    }

    public async Task<RevocationStatus> StatusAsync(X509Certificate cert, X509Certificate issuer, CancellationToken ct)
    {
        var status = FromLocal(cert, issuer);
        if (status.State != RevocationState.Unknown || options.Revocation == RevocationMode.Offline) return status;
        await FetchAsync(cert, issuer, ct);
        return FromLocal(cert, issuer);
    }

    private RevocationStatus FromLocal(X509Certificate cert, X509Certificate issuer)
    {
        RevocationStatus? best = null;
        foreach (var crl in crls)
        {
            if (!crl.IssuerDN.Equivalent(cert.IssuerDN)) continue;
            try { crl.Verify(CertificateCache.PublicKey(issuer)); } catch (Exception) { continue; }
            var entry = crl.GetRevokedCertificate(cert.SerialNumber);
            var issued = new DateTimeOffset(crl.ThisUpdate.ToUniversalTime());
            if (entry is not null) return new RevocationStatus(RevocationState.Revoked, new DateTimeOffset(entry.RevocationDate.ToUniversalTime()), issued, "CRL");
            if (best is null || best.IssuedAt < issued) best = new RevocationStatus(RevocationState.Good, null, issued, "CRL");
        }
        foreach (var basic in ocsps)
        {
            if (!OcspSignedByIssuer(basic, issuer)) continue;
            foreach (var single in basic.Responses)
            {
                CertificateID id;
                try { id = new CertificateID(single.GetCertID().ToAsn1Object().HashAlgorithm, issuer, cert.SerialNumber); } catch (Exception) { continue; }
                if (!id.Equals(single.GetCertID())) continue;
                var issued = new DateTimeOffset(single.ThisUpdate.ToUniversalTime());
                switch (single.GetCertStatus())
                {
                    case RevokedStatus r:
                        return new RevocationStatus(RevocationState.Revoked, new DateTimeOffset(r.RevocationTime.ToUniversalTime()), issued, "OCSP");
                    case null:
                        if (best is null || best.IssuedAt < issued) best = new RevocationStatus(RevocationState.Good, null, issued, "OCSP");
                        break;
                }
            }
        }
        return best ?? new RevocationStatus(RevocationState.Unknown, null, null, "none");
    }

    private static bool OcspSignedByIssuer(BasicOcspResp basic, X509Certificate issuer)
    {
        try
        {
            if (basic.Verify(CertificateCache.PublicKey(issuer))) return true;
            foreach (var responder in basic.GetCerts())
            {
                // Delegated responder: issued by the CA and marked for OCSP signing (RFC 6960 4.2.2.2).
                responder.Verify(CertificateCache.PublicKey(issuer));
                if (CertificateChain.ExtendedKeyUsages(responder).Contains("1.3.6.1.5.5.7.3.9") && basic.Verify(CertificateCache.PublicKey(responder))) return true;
            }
        }
        catch (Exception) { }
        return false;
    }

    private async Task FetchAsync(X509Certificate cert, X509Certificate issuer, CancellationToken ct)
    {
        var client = options.HttpClient ?? SharedClient;
        foreach (var url in CertificateChain.OcspUrls(cert).Where(u => u.StartsWith("http", StringComparison.OrdinalIgnoreCase)).Take(2))
        {
            try
            {
                var gen = new OcspReqGenerator();
                gen.AddRequest(new CertificateID(CertificateID.DigestSha1, issuer, cert.SerialNumber));
                using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
                cts.CancelAfter(options.OnlineFetchTimeout);
                using var body = new ByteArrayContent(gen.Generate().GetEncoded());
                body.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/ocsp-request");
                using var response = await client.PostAsync(url, body, cts.Token);
                var bytes = await response.Content.ReadAsByteArrayAsync(cts.Token);
                ocsps.Add(ParseOcsp(bytes));
                log.Add($"OCSP response fetched online from {url}");
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                log.Add($"OCSP response could not be obtained from {url}: {e.GetType().Name}");
            }
        }
        foreach (var url in CertificateChain.CrlUrls(cert).Where(u => u.StartsWith("http", StringComparison.OrdinalIgnoreCase)).Take(3))
        {
            if (!_fetched.Add(url)) continue;
            try
            {
                using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
                cts.CancelAfter(options.OnlineFetchTimeout);
                var bytes = await client.GetByteArrayAsync(url, cts.Token);
                crls.Add(new X509CrlParser().ReadCrl(bytes));
                log.Add($"CRL fetched online from {url}");
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                log.Add($"CRL could not be fetched from {url}: {e.GetType().Name}");
            }
        }
    }
}
