using System.Collections.Concurrent;
using System.Formats.Asn1;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.X509;

namespace Signing.Certificates;

/// <summary>
/// Parsed certificates and their public keys, shared by signing, revocation checks and validation. An archive sees the same
/// few CA, TSA and organization certificates in every file; parsing them (BouncyCastle's ASN.1) and building their RSA keys
/// (which BouncyCastle validates with a GCD and a Miller-Rabin test of the modulus on every call) was a third of the
/// validation time and, measured in December 2026, 60% of the CPU of a B-LTA signature. A certificate is keyed by the
/// SHA-256 of its exact bytes, so the cached object is what parsing those bytes again would give: nothing is trusted
/// because it was seen before, and every signature, chain and revocation check still runs (or is memoised by
/// <see cref="VerificationCache"/> on its full inputs). Bounded; cleared when full.
/// </summary>
internal static class CertificateCache
{
    private const int MaxEntries = 10_000;
    private static readonly ConcurrentDictionary<string, X509Certificate> ByDigest = new();
    private static readonly ConditionalWeakTable<X509Certificate, AsymmetricKeyParameter> Keys = new();

    /// <summary>The certificate encoded by <paramref name="der"/>; null when the bytes hold none (as BouncyCastle's parser).</summary>
    public static X509Certificate? Parse(byte[] der)
    {
        var key = Convert.ToBase64String(SHA256.HashData(der));
        if (ByDigest.TryGetValue(key, out var known)) return known;
        var parsed = new X509CertificateParser().ReadCertificate(der);
        if (parsed is null) return null;
        if (ByDigest.Count >= MaxEntries) ByDigest.Clear();
        return ByDigest.GetOrAdd(key, parsed);
    }

    /// <summary>The BouncyCastle form of a .NET certificate (parsed once per distinct certificate).</summary>
    public static X509Certificate Of(System.Security.Cryptography.X509Certificates.X509Certificate2 certificate) =>
        Parse(certificate.RawData) ?? throw new ArgumentException("not a certificate", nameof(certificate));

    /// <summary>The public key, built once per certificate object.</summary>
    public static AsymmetricKeyParameter PublicKey(X509Certificate certificate) =>
        Keys.GetValue(certificate, c => c.GetPublicKey());

    /// <summary>
    /// The certificates (CertificateChoices of kind Certificate) of a CMS ContentInfo holding SignedData, read from the
    /// raw bytes so each is parsed at most once per process; null when the structure cannot be walked, in which case the
    /// caller falls back to BouncyCastle's own reading.
    /// </summary>
    public static List<X509Certificate>? FromCms(byte[] contentInfo)
    {
        try
        {
            var reader = new AsnReader(contentInfo, AsnEncodingRules.BER);
            var ci = reader.ReadSequence();
            ci.ReadObjectIdentifier();
            var signedData = ci.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)).ReadSequence();
            signedData.ReadEncodedValue(); // version
            signedData.ReadEncodedValue(); // digestAlgorithms
            signedData.ReadEncodedValue(); // encapContentInfo
            var result = new List<X509Certificate>();
            var certificatesTag = new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true);
            if (!signedData.HasData || !signedData.PeekTag().HasSameClassAndValue(certificatesTag)) return result;
            var set = signedData.ReadSetOf(skipSortOrderValidation: true, certificatesTag);
            while (set.HasData)
            {
                var tag = set.PeekTag();
                var encoded = set.ReadEncodedValue();
                if (tag.TagClass != TagClass.Universal || tag.TagValue != (int)UniversalTagNumber.Sequence) continue; // attribute and other certificates
                if (Parse(encoded.ToArray()) is not { } certificate) return null;
                result.Add(certificate);
            }
            return result;
        }
        catch (AsnContentException) { return null; }
        catch (Exception e) when (e is ArgumentException or CryptographicException or Org.BouncyCastle.Security.Certificates.CertificateException or IOException) { return null; }
    }
}
