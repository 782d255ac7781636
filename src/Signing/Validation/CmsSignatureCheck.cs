using Signing.Certificates;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Cms;

namespace Signing.Validation;

internal enum CmsVerdict { Valid, Invalid, DigestMismatch, Unsupported }

/// <summary>
/// Verifies the signature value of one CMS SignerInfo (RFC 5652 5.4-5.6) from the digest of what it covers: the DER
/// signed attributes when present, otherwise the content itself (ISO 32000-1 12.8.3.3 allows adbe.pkcs7.detached and
/// adbe.pkcs7.sha1 without signed attributes). A signature algorithm that names its own digest must name the
/// SignerInfo's digest algorithm (RFC 5754, ETSI TS 119 312): SHA-256 content with SHA3-256withRSA is refused.
/// Plain ECDSA (BSI TR-03111 ecdsa-plain-*) is verified with the r||s encoding it uses.
/// </summary>
internal static class CmsSignatureCheck
{
    private enum Family { Rsa, RsaPss, Ecdsa, EcdsaPlain, Other }

    public static (CmsVerdict Verdict, string Detail) Verify(SignerInformation si, Org.BouncyCastle.X509.X509Certificate signer, byte[] contentDigest)
    {
        var digestOid = si.DigestAlgorithmID.Algorithm.Id;
        var sigOid = si.SignatureAlgorithm.Algorithm.Id;
        var (implied, family) = Describe(sigOid, si.SignatureAlgorithm.Parameters);
        if (implied is not null && implied != digestOid)
            return (CmsVerdict.DigestMismatch, $"the signature algorithm {Name(sigOid)} uses digest {Name(implied)}, but the signer info names {Name(digestOid)}; RFC 5652 and RFC 5754 require one digest");
        var covered = si.SignedAttributes is null ? contentDigest : SignedRanges.DigestOf(digestOid, si.GetEncodedSignedAttributes());
        if (covered is null) return (CmsVerdict.Unsupported, $"digest algorithm {Name(digestOid)} is not supported");
        var signature = si.GetSignature();
        if (family == Family.Other)
            return (VerificationCache.Verify(() => si.Verify(CertificateCache.PublicKey(signer)), signer.GetEncoded(), signature, covered) ? CmsVerdict.Valid : CmsVerdict.Invalid, "");
        if (HashName(digestOid) is not { } hashName || hashName.Name!.StartsWith("SHA3") && !SHA3_256.IsSupported)
            return (CmsVerdict.Unsupported, $"digest algorithm {Name(digestOid)} is not supported for {Name(sigOid)}");
        bool ok = VerificationCache.Verify(() =>
        {
            using var cert = X509CertificateLoader.LoadCertificate(signer.GetEncoded());
            switch (family)
            {
                case Family.Rsa or Family.RsaPss:
                    using (var rsa = cert.GetRSAPublicKey() ?? throw new CryptographicException("not an RSA key"))
                        return rsa.VerifyHash(covered, signature, hashName, family == Family.Rsa ? RSASignaturePadding.Pkcs1 : RSASignaturePadding.Pss);
                default:
                    using (var ec = cert.GetECDsaPublicKey() ?? throw new CryptographicException("not an EC key"))
                        return ec.VerifyHash(covered, signature, family == Family.EcdsaPlain ? DSASignatureFormat.IeeeP1363FixedFieldConcatenation : DSASignatureFormat.Rfc3279DerSequence);
            }
        }, signer.GetEncoded(), signature, covered, [(byte)family]);
        return (ok ? CmsVerdict.Valid : CmsVerdict.Invalid, "");
    }

    /// <summary>The digest a signature algorithm identifier fixes (null when it names only the key type) and how to verify it.</summary>
    private static (string? Digest, Family Family) Describe(string oid, Asn1Encodable? parameters) => oid switch
    {
        "1.2.840.113549.1.1.1" => (null, Family.Rsa),
        "1.2.840.113549.1.1.5" => (Sha1, Family.Rsa),
        "1.2.840.113549.1.1.14" => ("2.16.840.1.101.3.4.2.4", Family.Rsa),
        "1.2.840.113549.1.1.11" => (Sha256, Family.Rsa),
        "1.2.840.113549.1.1.12" => (Sha384, Family.Rsa),
        "1.2.840.113549.1.1.13" => (Sha512, Family.Rsa),
        "2.16.840.1.101.3.4.3.14" => ("2.16.840.1.101.3.4.2.8", Family.Rsa),
        "2.16.840.1.101.3.4.3.15" => ("2.16.840.1.101.3.4.2.9", Family.Rsa),
        "2.16.840.1.101.3.4.3.16" => ("2.16.840.1.101.3.4.2.10", Family.Rsa),
        "1.2.840.113549.1.1.10" => (PssDigest(parameters), Family.RsaPss),
        "1.2.840.10045.2.1" => (null, Family.Ecdsa),
        "1.2.840.10045.4.1" => (Sha1, Family.Ecdsa),
        "1.2.840.10045.4.3.2" => (Sha256, Family.Ecdsa),
        "1.2.840.10045.4.3.3" => (Sha384, Family.Ecdsa),
        "1.2.840.10045.4.3.4" => (Sha512, Family.Ecdsa),
        "2.16.840.1.101.3.4.3.10" => ("2.16.840.1.101.3.4.2.8", Family.Ecdsa),
        "2.16.840.1.101.3.4.3.11" => ("2.16.840.1.101.3.4.2.9", Family.Ecdsa),
        "2.16.840.1.101.3.4.3.12" => ("2.16.840.1.101.3.4.2.10", Family.Ecdsa),
        "0.4.0.127.0.7.1.1.4.1.1" => (Sha1, Family.EcdsaPlain),
        "0.4.0.127.0.7.1.1.4.1.2" => ("2.16.840.1.101.3.4.2.4", Family.EcdsaPlain),
        "0.4.0.127.0.7.1.1.4.1.3" => (Sha256, Family.EcdsaPlain),
        "0.4.0.127.0.7.1.1.4.1.4" => (Sha384, Family.EcdsaPlain),
        "0.4.0.127.0.7.1.1.4.1.5" => (Sha512, Family.EcdsaPlain),
        "0.4.0.127.0.7.1.1.4.1.8" => ("2.16.840.1.101.3.4.2.7", Family.EcdsaPlain),
        "0.4.0.127.0.7.1.1.4.1.9" => ("2.16.840.1.101.3.4.2.8", Family.EcdsaPlain),
        "0.4.0.127.0.7.1.1.4.1.10" => ("2.16.840.1.101.3.4.2.9", Family.EcdsaPlain),
        "0.4.0.127.0.7.1.1.4.1.11" => ("2.16.840.1.101.3.4.2.10", Family.EcdsaPlain),
        _ => (null, Family.Other),
    };

    private const string Sha1 = "1.3.14.3.2.26", Sha256 = "2.16.840.1.101.3.4.2.1", Sha384 = "2.16.840.1.101.3.4.2.2", Sha512 = "2.16.840.1.101.3.4.2.3";

    private static string? PssDigest(Asn1Encodable? parameters)
    {
        try
        {
            return parameters is null || parameters is DerNull ? Sha1 // RFC 4055 default
                : Org.BouncyCastle.Asn1.Pkcs.RsassaPssParameters.GetInstance(parameters).HashAlgorithm.Algorithm.Id;
        }
        catch (Exception) { return null; }
    }

    private static HashAlgorithmName? HashName(string oid) => oid switch
    {
        Sha1 => HashAlgorithmName.SHA1,
        Sha256 => HashAlgorithmName.SHA256,
        Sha384 => HashAlgorithmName.SHA384,
        Sha512 => HashAlgorithmName.SHA512,
        "2.16.840.1.101.3.4.2.8" => HashAlgorithmName.SHA3_256,
        "2.16.840.1.101.3.4.2.9" => HashAlgorithmName.SHA3_384,
        "2.16.840.1.101.3.4.2.10" => HashAlgorithmName.SHA3_512,
        _ => null,
    };

    public static string Name(string oid) => oid switch
    {
        Sha1 => "SHA-1",
        Sha256 => "SHA-256",
        Sha384 => "SHA-384",
        Sha512 => "SHA-512",
        "2.16.840.1.101.3.4.2.4" => "SHA-224",
        "2.16.840.1.101.3.4.2.7" => "SHA3-224",
        "2.16.840.1.101.3.4.2.8" => "SHA3-256",
        "2.16.840.1.101.3.4.2.9" => "SHA3-384",
        "2.16.840.1.101.3.4.2.10" => "SHA3-512",
        "1.2.840.113549.1.1.1" => "RSA",
        "1.2.840.113549.1.1.11" => "SHA256withRSA",
        "2.16.840.1.101.3.4.3.14" => "SHA3-256withRSA",
        "1.2.840.113549.1.1.10" => "RSASSA-PSS",
        "1.2.840.10045.4.3.2" => "SHA256withECDSA",
        "0.4.0.127.0.7.1.1.4.1.3" => "SHA256withPLAIN-ECDSA",
        _ => oid,
    };
}
