using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using Archive.EventStore.Integrity.Seals;

namespace Archive.Cli.Audit;

/// <summary>
/// Seals signed as detached CMS (PKCS #7 SignedData, SHA-256) over the seal's canonical bytes with
/// the organization's certificate, optionally timestamped by an RFC 3161 TSA. The timestamp covers
/// the CMS signature value (the imprint is SHA-256 of it), so it proves the signature existed at
/// that time, which is what keeps old seals trustworthy after the certificate expires.
/// <para>
/// Kept out of Archive.EventStore so the store depends on no CMS package; the Api can reuse this
/// file as is (it needs only System.Security.Cryptography.Pkcs).
/// </para>
/// </summary>
public sealed class CmsSealSigner : ISealSigner
{
    private static readonly Oid Sha256 = new("2.16.840.1.101.3.4.2.1");
    private readonly X509Certificate2? _signing;
    private readonly X509Certificate2Collection _trusted;
    private readonly Uri? _tsa;
    private readonly HttpClient? _http;

    /// <param name="signingCertificate">With private key, to sign; null for a verify-only signer.</param>
    /// <param name="trustedSigners">
    /// Certificates a seal may be signed by (pinned by thumbprint). When empty, the signing
    /// certificate is the only trusted one; when both are absent any embedded certificate whose
    /// signature checks is accepted, and <see cref="SignerPinned"/> is false.
    /// </param>
    /// <param name="timestampAuthority">RFC 3161 TSA URL; null to seal without a timestamp.</param>
    public CmsSealSigner(X509Certificate2? signingCertificate, IEnumerable<X509Certificate2>? trustedSigners = null,
        Uri? timestampAuthority = null, HttpClient? http = null)
    {
        if (signingCertificate is not null && !signingCertificate.HasPrivateKey)
            throw new ArgumentException("the signing certificate has no private key", nameof(signingCertificate));
        _signing = signingCertificate;
        _trusted = new X509Certificate2Collection(trustedSigners?.ToArray() ?? []);
        if (_trusted.Count == 0 && signingCertificate is not null) _trusted.Add(signingCertificate);
        _tsa = timestampAuthority;
        _http = timestampAuthority is null ? null : http ?? new HttpClient();
    }

    /// <summary>Whether verification requires a known signer certificate.</summary>
    public bool SignerPinned => _trusted.Count > 0;

    public async Task<SealSignature> SignAsync(byte[] content, CancellationToken ct = default)
    {
        if (_signing is null) throw new InvalidOperationException("this signer only verifies: it has no signing certificate");
        var cms = new SignedCms(new ContentInfo(content), detached: true);
        cms.ComputeSignature(new CmsSigner(SubjectIdentifierType.IssuerAndSerialNumber, _signing)
        {
            DigestAlgorithm = Sha256,
            IncludeOption = X509IncludeOption.EndCertOnly,
        }, silent: true);
        var signature = cms.Encode();
        if (_tsa is null) return new SealSignature(signature, null);

        var request = Rfc3161TimestampRequest.CreateFromSignerInfo(cms.SignerInfos[0], HashAlgorithmName.SHA256,
            requestSignerCertificates: true, nonce: RandomNumberGenerator.GetBytes(16));
        using var body = new ByteArrayContent(request.Encode());
        body.Headers.ContentType = new MediaTypeHeaderValue("application/timestamp-query");
        using var response = await _http!.PostAsync(_tsa, body, ct);
        response.EnsureSuccessStatusCode();
        var token = request.ProcessResponse(await response.Content.ReadAsByteArrayAsync(ct), out _);
        return new SealSignature(signature, token.AsSignedCms().Encode());
    }

    public IReadOnlyList<string> Verify(byte[] content, byte[] signature, byte[]? timestampToken)
    {
        var problems = new List<string>();
        var cms = new SignedCms(new ContentInfo(content), detached: true);
        try
        {
            cms.Decode(signature);
            // Signature only: chain building needs the organization's PKI, which an offline
            // auditor may not have; trust comes from pinning the certificate instead.
            cms.CheckSignature(verifySignatureOnly: true);
        }
        catch (CryptographicException e)
        {
            problems.Add($"CMS signature does not verify over the seal: {e.Message}");
            return problems;
        }
        if (cms.SignerInfos.Count != 1)
        {
            problems.Add($"expected one signer, found {cms.SignerInfos.Count}");
            return problems;
        }
        var signer = cms.SignerInfos[0];
        if (signer.DigestAlgorithm.Value != Sha256.Value)
            problems.Add($"digest algorithm is {signer.DigestAlgorithm.Value}, not SHA-256");
        if (_trusted.Count > 0 && (signer.Certificate is null ||
            !_trusted.Cast<X509Certificate2>().Any(t => t.Thumbprint == signer.Certificate.Thumbprint)))
            problems.Add($"signed by an untrusted certificate ({signer.Certificate?.Subject ?? "none embedded"})");

        if (timestampToken is not null)
        {
            if (!Rfc3161TimestampToken.TryDecode(timestampToken, out var token, out _) || token is null)
                problems.Add("timestamp token cannot be decoded");
            // Checks the token's own signature and that its imprint is the hash of this signature value.
            else if (!token.VerifySignatureForSignerInfo(signer, out _))
                problems.Add("timestamp token does not cover this signature (imprint or TSA signature wrong)");
        }
        return problems;
    }
}
