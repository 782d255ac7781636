using Archive.EventStore.Integrity.Seals;
using Signing.Cms;
using Signing.Timestamping;
using System.Security.Cryptography.X509Certificates;

namespace Archive.Cli.Audit;

/// <summary>
/// Seals signed as detached CMS over the seal's canonical bytes with the organization's certificate,
/// optionally timestamped by an RFC 3161 TSA over HTTP. The CMS work is <see cref="DetachedCmsSigner"/>
/// in src/Signing, shared with the API host's organization seal signer; this class only adapts it to
/// the store's <see cref="ISealSigner"/> (the store depends on no CMS package).
/// </summary>
public sealed class CmsSealSigner : ISealSigner
{
    private readonly DetachedCmsSigner _cms;

    /// <param name="signingCertificate">With private key, to sign; null for a verify-only signer.</param>
    /// <param name="trustedSigners">Certificates a seal may be signed by (see <see cref="DetachedCmsSigner"/>).</param>
    /// <param name="timestampAuthority">RFC 3161 TSA URL; null to seal without a timestamp.</param>
    /// <param name="chain">The signing certificate's issuers, embedded so a verifier trusting only the root can build the chain.</param>
    public CmsSealSigner(X509Certificate2? signingCertificate, IEnumerable<X509Certificate2>? trustedSigners = null,
        Uri? timestampAuthority = null, HttpClient? http = null, IEnumerable<X509Certificate2>? chain = null) =>
        _cms = new DetachedCmsSigner(signingCertificate, trustedSigners,
            timestampAuthority is null ? null : new HttpTimestampClient(timestampAuthority, http), chain);

    /// <summary>Whether verification requires a known signer certificate.</summary>
    public bool SignerPinned => _cms.SignerPinned;

    public async Task<SealSignature> SignAsync(byte[] content, CancellationToken ct = default)
    {
        var signed = await _cms.SignAsync(content, ct);
        return new SealSignature(signed.Signature, signed.TimestampToken);
    }

    public IReadOnlyList<string> Verify(byte[] content, byte[] signature, byte[]? timestampToken) =>
        _cms.Verify(content, signature, timestampToken);
}
