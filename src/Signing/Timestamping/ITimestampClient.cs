using System.Security.Cryptography;

namespace Signing.Timestamping;

/// <summary>Obtains RFC 3161 timestamp tokens (DER ContentInfo of a SignedData over TSTInfo).</summary>
public interface ITimestampClient
{
    Task<TimestampToken> GetTokenAsync(byte[] digest, HashAlgorithmName hash, CancellationToken cancellationToken);
}

public sealed record TimestampToken(byte[] Encoded, DateTimeOffset Time, System.Security.Cryptography.X509Certificates.X509Certificate2? TsaCertificate,
    IReadOnlyList<System.Security.Cryptography.X509Certificates.X509Certificate2> Certificates);
