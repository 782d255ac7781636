using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Signing.Signers;

/// <summary>Minimum strengths: RSA ≥ 2048 bits, ECDSA ≥ 256 bits, SHA-256 or stronger.</summary>
public static class AlgorithmPolicy
{
    public static void EnsureAllowed(X509Certificate2 certificate, HashAlgorithmName hash)
    {
        if (hash != HashAlgorithmName.SHA256 && hash != HashAlgorithmName.SHA384 && hash != HashAlgorithmName.SHA512)
            throw new SignerConfigurationException($"Hash algorithm {hash.Name} is not allowed; use SHA-256 or stronger.");
        using var rsa = certificate.GetRSAPublicKey();
        if (rsa is not null && rsa.KeySize < 2048)
            throw new SignerConfigurationException($"RSA key of {rsa.KeySize} bits is too small; at least 2048 bits are required.");
        using var ec = certificate.GetECDsaPublicKey();
        if (ec is not null && ec.KeySize < 256)
            throw new SignerConfigurationException($"ECDSA key of {ec.KeySize} bits is too small; at least 256 bits are required.");
        if (rsa is null && ec is null) throw new SignerConfigurationException("Only RSA and ECDSA certificates are supported.");
    }
}
