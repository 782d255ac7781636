using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using Signing.Pdf;
using Signing.Signers;
using Signing.Tests.Support;

namespace Signing.Tests;

[Collection(PkiCollection.Name)]
public sealed class CmsContentTests(TestPki pki)
{
    private static SignedCms LastCms(string path)
    {
        var file = File.ReadAllBytes(path);
        var sig = SignatureDictionaries.Read(new PdfDocumentReader(file)).Last(s => s.SubFilter == "ETSI.CAdES.detached");
        var cms = new SignedCms(new ContentInfo(sig.SignedBytes(file)), detached: true);
        cms.Decode(sig.ContentsWithoutPadding());
        cms.CheckSignature(verifySignatureOnly: true);
        return cms;
    }

    [Fact]
    public async Task the_cms_signs_content_type_message_digest_and_signing_certificate_v2_but_no_signing_time()
    {
        var (signed, _) = await SignFiles.Sign(pki, pki.Inputs.Ghostscript, pki.Options());

        var cms = LastCms(signed);
        var oids = cms.SignerInfos[0].SignedAttributes.Cast<CryptographicAttributeObject>().Select(a => a.Oid.Value).ToList();
        oids.ShouldBe(["1.2.840.113549.1.9.3", "1.2.840.113549.1.9.4", "1.2.840.113549.1.9.16.2.47"], ignoreOrder: true);
        oids.ShouldNotContain("1.2.840.113549.1.9.5");
        cms.SignerInfos[0].DigestAlgorithm.Value.ShouldBe("2.16.840.1.101.3.4.2.1");
        cms.Certificates.Count.ShouldBeGreaterThanOrEqualTo(3, "signer, intermediate and root are embedded");
    }

    [Fact]
    public async Task the_signing_certificate_v2_attribute_holds_the_sha256_of_the_signer_certificate()
    {
        var (signed, _) = await SignFiles.Sign(pki, pki.Inputs.Ghostscript, pki.Options());

        var attr = LastCms(signed).SignerInfos[0].SignedAttributes.Cast<CryptographicAttributeObject>().Single(a => a.Oid.Value == "1.2.840.113549.1.9.16.2.47");
        var reader = new AsnReader(attr.Values[0].RawData, AsnEncodingRules.DER).ReadSequence().ReadSequence().ReadSequence();
        reader.ReadOctetString().ShouldBe(System.Security.Cryptography.SHA256.HashData(pki.Pki.Organization.RawData));
    }

    [Theory]
    [InlineData(SignatureScheme.RsaPkcs1, "1.2.840.113549.1.1.11")]
    [InlineData(SignatureScheme.RsaPss, "1.2.840.113549.1.1.10")]
    public async Task rsa_signatures_use_the_chosen_padding_and_verify(SignatureScheme scheme, string algorithmOid)
    {
        var (signed, _) = await SignFiles.Sign(pki, pki.Inputs.PdfSharp, pki.Options(signer: pki.Signer(scheme: scheme)));

        LastCms(signed).SignerInfos[0].SignatureAlgorithm.Value.ShouldBe(algorithmOid);
        IndependentChecks.All(pki, signed, 1, pki.Inputs.PdfSharp);
    }

    [Fact]
    public async Task an_ecdsa_p256_signature_verifies_with_pdfsig_and_openssl()
    {
        var (signed, _) = await SignFiles.Sign(pki, pki.Inputs.PdfSharp, pki.Options(signer: pki.Signer(pki.Pki.OrganizationEcdsa)));

        LastCms(signed).SignerInfos[0].SignatureAlgorithm.Value.ShouldBe("1.2.840.10045.4.3.2");
        IndependentChecks.All(pki, signed, 1, pki.Inputs.PdfSharp);
    }
}
