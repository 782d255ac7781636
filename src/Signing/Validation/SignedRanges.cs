using System.Security.Cryptography;
using Org.BouncyCastle.Security;

namespace Signing.Validation;

/// <summary>
/// The two byte ranges a PDF signature covers, digested in place: copying a 20 MB file into one contiguous buffer and
/// feeding it to BouncyCastle's managed SHA-256 was most of the validation time. SHA-1/2 go to the platform's
/// (hardware-accelerated) implementation; any other algorithm BouncyCastle knows is still supported. Digests are
/// memoised per algorithm, since a document timestamp and the signature checks may both ask.
/// </summary>
internal sealed class SignedRanges(byte[] data, PrefixHashes prefixes, long holeStart, long holeEnd, long tailLength)
{
    private readonly Dictionary<string, byte[]?> _digests = new(StringComparer.Ordinal);

    public long Length => holeStart + tailLength;

    /// <summary>Digest of the covered bytes with the algorithm named by <paramref name="oid"/>; null when the algorithm is unknown.</summary>
    public byte[]? Digest(string oid)
    {
        if (_digests.TryGetValue(oid, out var known)) return known;
        return _digests[oid] = Compute(oid);
    }

    private byte[]? Compute(string oid)
    {
        if (PlatformAlgorithm(oid) is { } name)
        {
            using var h = prefixes.Prefix(name, holeStart);
            h.AppendData(data.AsSpan((int)holeEnd, (int)tailLength));
            return h.GetHashAndReset();
        }
        try
        {
            var digest = DigestUtilities.GetDigest(oid);
            digest.BlockUpdate(data, 0, (int)holeStart);
            digest.BlockUpdate(data, (int)holeEnd, (int)tailLength);
            return DigestUtilities.DoFinal(digest);
        }
        catch (Exception) { return null; }
    }

    /// <summary>Digest of a small buffer (e.g. a signature value a timestamp covers), by OID, platform first.</summary>
    public static byte[]? DigestOf(string oid, byte[] bytes)
    {
        if (PlatformAlgorithm(oid) is { } name)
        {
            using var h = IncrementalHash.CreateHash(name);
            h.AppendData(bytes);
            return h.GetHashAndReset();
        }
        try { return DigestUtilities.DoFinal(DigestUtilities.GetDigest(oid), bytes); }
        catch (Exception) { return null; }
    }

    private static HashAlgorithmName? PlatformAlgorithm(string oid) => oid switch
    {
        "1.3.14.3.2.26" => HashAlgorithmName.SHA1,
        "2.16.840.1.101.3.4.2.1" => HashAlgorithmName.SHA256,
        "2.16.840.1.101.3.4.2.2" => HashAlgorithmName.SHA384,
        "2.16.840.1.101.3.4.2.3" => HashAlgorithmName.SHA512,
        _ => null,
    };
}
