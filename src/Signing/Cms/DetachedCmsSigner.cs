using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using Signing.Timestamping;

namespace Signing.Cms;

/// <summary>A detached CMS signature over some bytes and, when a timestamp authority was used, its RFC 3161 token.</summary>
public sealed record DetachedCmsSignature(byte[] Signature, byte[]? TimestampToken);

/// <summary>
/// Detached CMS (PKCS #7 SignedData, SHA-256) over arbitrary bytes with a certificate's key, optionally
/// timestamped. The timestamp covers the CMS signature value (its imprint is SHA-256 of that value), so it
/// proves the signature existed at that time, which keeps old signatures trustworthy after the certificate
/// expires. A trusted certificate is either the signer's own (pinned by thumbprint, so an offline checker
/// without the signer's PKI can still use it) or a CA the signer's certificate chains to (a trust anchor such
/// as the archive's development root): the signature embeds the signer's issuing certificates for that.
/// </summary>
public sealed class DetachedCmsSigner
{
    private static readonly Oid Sha256 = new("2.16.840.1.101.3.4.2.1");
    private readonly X509Certificate2? _signing;
    private readonly X509Certificate2Collection _trusted;
    private readonly X509Certificate2Collection _chain;
    private readonly ITimestampClient? _tsa;

    /// <param name="signingCertificate">With private key, to sign; null for a verify-only signer.</param>
    /// <param name="trustedSigners">
    /// Certificates a signature may be made by (pinned by thumbprint). When empty, the signing certificate is the
    /// only trusted one; when both are absent any embedded certificate whose signature checks is accepted, and
    /// <see cref="SignerPinned"/> is false.
    /// </param>
    /// <param name="timestampClient">RFC 3161 TSA; null to sign without a timestamp.</param>
    /// <param name="chain">The signer's issuing certificates (root optional), embedded so a verifier holding only the root can build the chain.</param>
    public DetachedCmsSigner(X509Certificate2? signingCertificate, IEnumerable<X509Certificate2>? trustedSigners = null,
        ITimestampClient? timestampClient = null, IEnumerable<X509Certificate2>? chain = null)
    {
        _chain = new X509Certificate2Collection((chain ?? []).Where(c => !IsSelfSigned(c)).ToArray());
        if (signingCertificate is not null && !signingCertificate.HasPrivateKey)
            throw new ArgumentException("the signing certificate has no private key", nameof(signingCertificate));
        _signing = signingCertificate;
        _trusted = new X509Certificate2Collection(trustedSigners?.ToArray() ?? []);
        if (_trusted.Count == 0 && signingCertificate is not null) _trusted.Add(signingCertificate);
        _tsa = timestampClient;
    }

    /// <summary>Whether verification requires a known signer certificate.</summary>
    public bool SignerPinned => _trusted.Count > 0;

    public async Task<DetachedCmsSignature> SignAsync(byte[] content, CancellationToken ct = default)
    {
        if (_signing is null) throw new InvalidOperationException("this signer only verifies: it has no signing certificate");
        var cms = new SignedCms(new ContentInfo(content), detached: true);
        var signer = new CmsSigner(SubjectIdentifierType.IssuerAndSerialNumber, _signing)
        {
            DigestAlgorithm = Sha256,
            IncludeOption = X509IncludeOption.EndCertOnly,
        };
        signer.Certificates.AddRange(_chain);
        cms.ComputeSignature(signer, silent: true);
        var signature = cms.Encode();
        if (_tsa is null) return new DetachedCmsSignature(signature, null);
        var token = await _tsa.GetTokenAsync(SHA256.HashData(cms.SignerInfos[0].GetSignature()), HashAlgorithmName.SHA256, ct)
            .ConfigureAwait(false);
        return new DetachedCmsSignature(signature, token.Encoded);
    }

    /// <summary>
    /// Checks the signature (and the timestamp token's imprint, when present) over <paramref name="content"/>.
    /// Returns the problems found; empty means valid.
    /// </summary>
    public IReadOnlyList<string> Verify(byte[] content, byte[] signature, byte[]? timestampToken)
    {
        var problems = new List<string>();
        var cms = new SignedCms(new ContentInfo(content), detached: true);
        try
        {
            cms.Decode(signature);
            // Signature only: chain building needs the signer's PKI, which an offline
            // auditor may not have; trust comes from pinning the certificate instead.
            cms.CheckSignature(verifySignatureOnly: true);
        }
        catch (CryptographicException e)
        {
            problems.Add($"CMS signature does not verify over the content: {e.Message}");
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
            (!_trusted.Cast<X509Certificate2>().Any(t => t.Thumbprint == signer.Certificate.Thumbprint)
             && !ChainsToTrustedCa(signer.Certificate, cms.Certificates, timestampToken))))
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

    /// <summary>
    /// Whether <paramref name="certificate"/> chains, through the certificates embedded in the signature and the
    /// trusted ones, to a trusted self-signed CA. Checked at the timestamp's time when there is a valid token (a
    /// sealed past stays provable after the certificate expires), else now; revocation is not checked offline.
    /// </summary>
    private bool ChainsToTrustedCa(X509Certificate2 certificate, X509Certificate2Collection embedded, byte[]? timestampToken)
    {
        var roots = _trusted.Cast<X509Certificate2>().Where(IsSelfSigned).ToArray();
        if (roots.Length == 0) return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.ExtraStore.AddRange(embedded);
        chain.ChainPolicy.ExtraStore.AddRange(_trusted);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (timestampToken is not null && Rfc3161TimestampToken.TryDecode(timestampToken, out var token, out _) && token is not null)
            chain.ChainPolicy.VerificationTime = token.TokenInfo.Timestamp.UtcDateTime;
        return chain.Build(certificate);
    }

    private static bool IsSelfSigned(X509Certificate2 c) => c.SubjectName.RawData.AsSpan().SequenceEqual(c.IssuerName.RawData);
}
