using System.Security.Cryptography;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Cms;
using Org.BouncyCastle.Asn1.Ess;
using Org.BouncyCastle.Asn1.Nist;
using Org.BouncyCastle.Asn1.Oiw;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Cms;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Tsp;
using Org.BouncyCastle.X509;
using Org.BouncyCastle.X509.Store;
using Attribute = Org.BouncyCastle.Asn1.Cms.Attribute;
using AttributeTable = Org.BouncyCastle.Asn1.Cms.AttributeTable;

namespace Signing.Tests.Validation.Corpus;

/// <summary>Options for one test signature; defaults give a valid PAdES B-B signature.</summary>
public sealed record CmsOptions
{
    public required Identity Signer { get; init; }
    public IReadOnlyList<X509Certificate> ExtraCertificates { get; init; } = [];
    public DateTimeOffset ClaimedTime { get; init; } = TestPki.Now.AddDays(-1);
    public bool Sha1 { get; init; }
    /// <summary>Certificate named in signing-certificate-v2 instead of the real signer certificate.</summary>
    public X509Certificate? EssCertificate { get; init; }
    /// <summary>When set, a signature timestamp (unsigned attribute) from this TSA at this time is added.</summary>
    public (Identity Tsa, DateTimeOffset Time)? Timestamp { get; init; }
    public bool BreakTimestampImprint { get; init; }
}

/// <summary>Produces detached CAdES signatures and RFC 3161 tokens with BouncyCastle, independently of the product's signer.</summary>
public static class CmsFactory
{
    private static long _tsSerial = 1;

    public static byte[] Sign(byte[] data, CmsOptions o)
    {
        var digestOid = o.Sha1 ? OiwObjectIdentifiers.IdSha1.Id : NistObjectIdentifiers.IdSha256.Id;
        var ess = new SigningCertificateV2([new EssCertIDv2(SHA256.HashData((o.EssCertificate ?? o.Signer.Certificate).GetEncoded()))]);
        var signed = new Asn1EncodableVector(
            new Attribute(PkcsObjectIdentifiers.IdAASigningCertificateV2, new DerSet(ess)),
            new Attribute(CmsAttributes.SigningTime, new DerSet(new Org.BouncyCastle.Asn1.Cms.Time(o.ClaimedTime.UtcDateTime))));
        var gen = new CmsSignedDataGenerator();
        gen.AddSigner(o.Signer.PrivateKey, o.Signer.Certificate, digestOid, new AttributeTable(signed), null);
        var certs = new List<X509Certificate> { o.Signer.Certificate };
        certs.AddRange(o.ExtraCertificates);
        gen.AddCertificates(Org.BouncyCastle.Utilities.Collections.CollectionUtilities.CreateStore(certs));
        var cms = gen.Generate(new CmsProcessableByteArray(data), false);
        if (o.Timestamp is { } ts)
        {
            var si = cms.GetSignerInfos().GetSigners().Cast<SignerInformation>().Single();
            var imprinted = o.BreakTimestampImprint ? [1, 2, 3] : si.GetSignature();
            var token = Timestamp(imprinted, ts.Tsa, ts.Time);
            var unsigned = new AttributeTable(new Asn1EncodableVector(
                new Attribute(PkcsObjectIdentifiers.IdAASignatureTimeStampToken, new DerSet(Asn1Object.FromByteArray(token)))));
            si = SignerInformation.ReplaceUnsignedAttributes(si, unsigned);
            cms = CmsSignedData.ReplaceSigners(cms, new SignerInformationStore(new[] { si }));
        }
        return cms.GetEncoded();
    }

    public static byte[] Timestamp(byte[] imprinted, Identity tsa, DateTimeOffset time)
    {
        var gen = new TimeStampTokenGenerator(tsa.PrivateKey, tsa.Certificate, TspAlgorithms.Sha256, "1.2.3.4.1");
        gen.SetCertificates(Org.BouncyCastle.Utilities.Collections.CollectionUtilities.CreateStore(new[] { tsa.Certificate }));
        var reqGen = new TimeStampRequestGenerator();
        reqGen.SetCertReq(true);
        var request = reqGen.Generate(TspAlgorithms.Sha256, SHA256.HashData(imprinted));
        return gen.Generate(request, BigInteger.ValueOf(Interlocked.Increment(ref _tsSerial)), time.UtcDateTime).GetEncoded();
    }
}
