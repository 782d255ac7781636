using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Signing.Signers;

public enum SignatureScheme
{
    RsaPkcs1,
    RsaPss,
    Ecdsa,
}

/// <summary>
/// Produces raw signatures over a digest. Keys stay behind this interface so a smart card,
/// HSM or remote signing service can implement it.
/// </summary>
public interface ISigner
{
    X509Certificate2 Certificate { get; }

    /// <summary>Issuing certificates, signer's issuer first; the root may be included.</summary>
    IReadOnlyList<X509Certificate2> Chain { get; }

    SignatureScheme Scheme { get; }

    HashAlgorithmName HashAlgorithm { get; }

    /// <summary>Signs a digest computed with <see cref="HashAlgorithm"/>. ECDSA signatures are DER (RFC 3279).</summary>
    Task<byte[]> SignDigestAsync(byte[] digest, CancellationToken cancellationToken);
}
