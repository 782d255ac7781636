using System.Formats.Asn1;
using System.Security.Cryptography;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Cms;
using Org.BouncyCastle.Asn1.Ess;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Security;
using Attribute = Org.BouncyCastle.Asn1.Cms.Attribute;
using ContentInfo = Org.BouncyCastle.Asn1.Cms.ContentInfo;
using SignedData = Org.BouncyCastle.Asn1.Cms.SignedData;
using SignerInfo = Org.BouncyCastle.Asn1.Cms.SignerInfo;

namespace Signing.Tests.Validation.Corpus;

/// <summary>
/// A CMS SignedData assembled field by field, for the encodings and algorithm combinations a regular generator will not
/// produce: no signed attributes, an encapsulated SHA-1 document digest (adbe.pkcs7.sha1), a signature algorithm that
/// disagrees with the digest algorithm, plain ECDSA, BER indefinite lengths.
/// </summary>
public sealed record RawCms
{
    public required Identity Signer { get; init; }
    public string DigestOid { get; init; } = "2.16.840.1.101.3.4.2.1";
    /// <summary>OID written as the SignerInfo's signatureAlgorithm.</summary>
    public string SignatureOid { get; init; } = "1.2.840.113549.1.1.11";
    /// <summary>BouncyCastle algorithm actually used to sign, e.g. "SHA256withRSA", "SHA256withPLAIN-ECDSA".</summary>
    public string SignWith { get; init; } = "SHA256withRSA";
    public bool SignedAttributes { get; init; } = true;
    /// <summary>adbe.pkcs7.sha1: the content is the SHA-1 digest of the byte range, encapsulated.</summary>
    public bool EncapsulateSha1 { get; init; }
    public bool IndefiniteLengths { get; init; }

    public byte[] Sign(byte[] data)
    {
        var cert = Signer.Certificate;
        byte[]? encapsulated = EncapsulateSha1 ? SHA1.HashData(data) : null;
        var content = encapsulated ?? data;
        var digest = DigestUtilities.CalculateDigest(DigestOid, content);
        Asn1Set? signedAttributes = null;
        var toSign = content;
        if (SignedAttributes)
        {
            signedAttributes = new DerSet(
                new Attribute(CmsAttributes.ContentType, new DerSet(PkcsObjectIdentifiers.Data)),
                new Attribute(CmsAttributes.MessageDigest, new DerSet(new DerOctetString(digest))),
                new Attribute(PkcsObjectIdentifiers.IdAASigningCertificateV2, new DerSet(new SigningCertificateV2([new EssCertIDv2(SHA256.HashData(cert.GetEncoded()))]))));
            toSign = signedAttributes.GetEncoded(Asn1Encodable.Der);
        }
        var signer = SignerUtilities.GetSigner(SignWith);
        signer.Init(true, Signer.PrivateKey);
        signer.BlockUpdate(toSign, 0, toSign.Length);
        var value = signer.GenerateSignature();
        var digestAlgorithm = new AlgorithmIdentifier(new DerObjectIdentifier(DigestOid), DerNull.Instance);
        var signatureAlgorithm = SignatureOid.StartsWith("1.2.840.113549") ? new AlgorithmIdentifier(new DerObjectIdentifier(SignatureOid), DerNull.Instance)
            : new AlgorithmIdentifier(new DerObjectIdentifier(SignatureOid));
        var signerInfo = new SignerInfo(new SignerIdentifier(new Org.BouncyCastle.Asn1.Cms.IssuerAndSerialNumber(cert.IssuerDN, cert.SerialNumber)),
            digestAlgorithm, signedAttributes, signatureAlgorithm, new DerOctetString(value), null);
        var certificates = new DerSet(cert.CertificateStructure, Scenario.Pki.Intermediate.Certificate.CertificateStructure);
        var signedData = new SignedData(new DerSet(digestAlgorithm),
            new ContentInfo(PkcsObjectIdentifiers.Data, encapsulated is null ? null : new DerOctetString(encapsulated)),
            certificates, null, new DerSet(signerInfo));
        var der = new ContentInfo(PkcsObjectIdentifiers.SignedData, signedData).GetEncoded(Asn1Encodable.Der);
        return IndefiniteLengths ? Indefinite(der, levels: 3) : der;
    }

    /// <summary>Re-encodes the outer <paramref name="levels"/> constructed values with BER indefinite lengths (X.690 8.1.3.6).</summary>
    private static byte[] Indefinite(byte[] der, int levels)
    {
        AsnDecoder.ReadEncodedValue(der, AsnEncodingRules.BER, out int contentOffset, out int contentLength, out _);
        var output = new List<byte> { der[0], 0x80 };
        var inner = new AsnReader(der.AsMemory(contentOffset, contentLength), AsnEncodingRules.BER);
        while (inner.HasData)
        {
            var child = inner.ReadEncodedValue().ToArray();
            // The last child is the one that nests on: the [0] content, then the SignedData sequence.
            output.AddRange(levels > 1 && (child[0] & 0x20) != 0 && !inner.HasData ? Indefinite(child, levels - 1) : child);
        }
        output.AddRange([0, 0]);
        return output.ToArray();
    }
}
