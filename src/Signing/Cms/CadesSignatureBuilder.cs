using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Signing.Signers;

namespace Signing.Cms;

/// <summary>
/// Builds a detached CAdES SignedData by hand so the signed attributes are exactly
/// content-type, message-digest and signing-certificate-v2 (PAdES forbids signing-time in the CMS;
/// the time lives in the signature dictionary's /M).
/// </summary>
public static class CadesSignatureBuilder
{
    public static byte[] HashOf(HashAlgorithmName hash, ReadOnlySpan<byte> data)
    {
        if (hash == HashAlgorithmName.SHA256) return SHA256.HashData(data);
        if (hash == HashAlgorithmName.SHA384) return SHA384.HashData(data);
        if (hash == HashAlgorithmName.SHA512) return SHA512.HashData(data);
        throw new SignerConfigurationException($"Unsupported hash {hash.Name}.");
    }

    /// <summary>DER of the signed attributes as a SET (the form that is hashed and signed).</summary>
    public static byte[] SignedAttributes(byte[] documentDigest, X509Certificate2 signerCertificate, HashAlgorithmName hash)
    {
        var w = new AsnWriter(AsnEncodingRules.DER);
        using (w.PushSetOf())
        {
            Attribute(w, Oids.ContentType, v => v.WriteObjectIdentifier(Oids.Data));
            Attribute(w, Oids.MessageDigest, v => v.WriteOctetString(documentDigest));
            Attribute(w, Oids.SigningCertificateV2, v =>
            {
                using (v.PushSequence()) // SigningCertificateV2
                using (v.PushSequence()) // certs
                using (v.PushSequence()) // ESSCertIDv2; hashAlgorithm omitted = SHA-256 default
                {
                    v.WriteOctetString(SHA256.HashData(signerCertificate.RawData));
                    using (v.PushSequence()) // IssuerSerial
                    {
                        using (v.PushSequence()) // GeneralNames
                        {
                            v.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 4, true));
                            v.WriteEncodedValue(signerCertificate.IssuerName.RawData);
                            v.PopSequence(new Asn1Tag(TagClass.ContextSpecific, 4, true));
                        }
                        v.WriteInteger(signerCertificate.SerialNumberBytes.Span);
                    }
                }
            });
        }
        return w.Encode();
    }

    public static byte[] Assemble(byte[] signedAttributes, byte[] signatureValue, ISigner signer, byte[]? timestampToken)
    {
        var cert = signer.Certificate;
        var w = new AsnWriter(AsnEncodingRules.DER);
        using (w.PushSequence())
        {
            w.WriteObjectIdentifier(Oids.SignedData);
            using (w.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, true)))
            using (w.PushSequence())
            {
                w.WriteInteger(1);
                using (w.PushSetOf()) DigestAlgorithm(w, signer.HashAlgorithm);
                using (w.PushSequence()) w.WriteObjectIdentifier(Oids.Data);
                using (w.PushSetOf(new Asn1Tag(TagClass.ContextSpecific, 0, true)))
                {
                    w.WriteEncodedValue(cert.RawData);
                    foreach (var c in signer.Chain) w.WriteEncodedValue(c.RawData);
                }
                using (w.PushSetOf())
                using (w.PushSequence())
                {
                    w.WriteInteger(1);
                    using (w.PushSequence())
                    {
                        w.WriteEncodedValue(cert.IssuerName.RawData);
                        w.WriteInteger(cert.SerialNumberBytes.Span);
                    }
                    DigestAlgorithm(w, signer.HashAlgorithm);
                    var implicitAttrs = (byte[])signedAttributes.Clone();
                    implicitAttrs[0] = 0xA0; // [0] IMPLICIT SET OF Attribute
                    w.WriteEncodedValue(implicitAttrs);
                    SignatureAlgorithm(w, signer.Scheme, signer.HashAlgorithm);
                    w.WriteOctetString(signatureValue);
                    if (timestampToken is not null)
                    {
                        using (w.PushSetOf(new Asn1Tag(TagClass.ContextSpecific, 1, true)))
                            Attribute(w, Oids.SignatureTimeStampToken, v => v.WriteEncodedValue(timestampToken));
                    }
                }
            }
        }
        return w.Encode();
    }

    private static void Attribute(AsnWriter w, string oid, Action<AsnWriter> value)
    {
        using (w.PushSequence())
        {
            w.WriteObjectIdentifier(oid);
            using (w.PushSetOf()) value(w);
        }
    }

    public static string HashOid(HashAlgorithmName hash) =>
        hash == HashAlgorithmName.SHA256 ? Oids.Sha256 : hash == HashAlgorithmName.SHA384 ? Oids.Sha384 : Oids.Sha512;

    private static void DigestAlgorithm(AsnWriter w, HashAlgorithmName hash)
    {
        using (w.PushSequence()) w.WriteObjectIdentifier(HashOid(hash));
    }

    private static void SignatureAlgorithm(AsnWriter w, SignatureScheme scheme, HashAlgorithmName hash)
    {
        using (w.PushSequence())
        {
            switch (scheme)
            {
                case SignatureScheme.Ecdsa:
                    w.WriteObjectIdentifier(hash == HashAlgorithmName.SHA256 ? Oids.EcdsaSha256 : hash == HashAlgorithmName.SHA384 ? Oids.EcdsaSha384 : Oids.EcdsaSha512);
                    break;
                case SignatureScheme.RsaPkcs1:
                    w.WriteObjectIdentifier(hash == HashAlgorithmName.SHA256 ? Oids.Sha256WithRsa : hash == HashAlgorithmName.SHA384 ? Oids.Sha384WithRsa : Oids.Sha512WithRsa);
                    w.WriteNull();
                    break;
                case SignatureScheme.RsaPss:
                    w.WriteObjectIdentifier(Oids.RsaPss);
                    using (w.PushSequence())
                    {
                        using (w.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, true))) DigestAlgorithm(w, hash);
                        using (w.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 1, true)))
                        using (w.PushSequence())
                        {
                            w.WriteObjectIdentifier(Oids.Mgf1);
                            DigestAlgorithm(w, hash);
                        }
                        using (w.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 2, true)))
                            w.WriteInteger(HashOf(hash, []).Length);
                    }
                    break;
            }
        }
    }
}
