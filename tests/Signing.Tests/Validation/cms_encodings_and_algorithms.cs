using Signing.Tests.Validation.Corpus;
using Signing.Validation;
using static Signing.Tests.Validation.Corpus.Scenario;

namespace Signing.Tests.Validation;

/// <summary>CMS details real-world signers produce: BER encodings, the pre-PAdES adbe.* formats, plain ECDSA, and algorithm mismatches.</summary>
public class cms_encodings_and_algorithms
{
    private static SignatureReport SignedWith(RawCms cms, string subFilter = "ETSI.CAdES.detached", ValidationOptions? options = null) =>
        Single(new MinimalPadesWriter().AppendSignature(cms.Sign, subFilter: subFilter).ToArray(), options);

    [Fact]
    public void a_cms_encoded_with_ber_indefinite_lengths_is_valid()
    {
        var sig = SignedWith(new RawCms { Signer = Pki.Signer, IndefiniteLengths = true });
        sig.Indication.ShouldBe(Indication.TOTAL_PASSED, Explain(sig));
        sig.IntegrityValid.ShouldBe(true);
    }

    [Fact]
    public void adbe_pkcs7_detached_without_signed_attributes_verifies_and_reports_the_lower_assurance()
    {
        var sig = SignedWith(new RawCms { Signer = Pki.Signer, SignedAttributes = false }, "adbe.pkcs7.detached");
        sig.Indication.ShouldBe(Indication.TOTAL_PASSED, Explain(sig));
        sig.IntegrityValid.ShouldBe(true);
        sig.Level.ShouldBe("PDF (not baseline)");
        sig.Checks.ShouldContain(c => c.Contains("no signed attributes") && c.Contains("lower assurance"));
    }

    [Fact]
    public void etsi_cades_detached_without_signed_attributes_is_a_format_failure()
    {
        var sig = SignedWith(new RawCms { Signer = Pki.Signer, SignedAttributes = false });
        sig.Indication.ShouldBe(Indication.TOTAL_FAILED);
        sig.SubIndication.ShouldBe(SubIndication.FORMAT_FAILURE);
    }

    [Fact]
    public void adbe_pkcs7_sha1_without_signed_attributes_verifies_its_encapsulated_digest()
    {
        // SHA-1 binds the document: before the policy's cut-off it passes, after it the missing proof of time is reported.
        var cms = new RawCms { Signer = Pki.Signer, SignedAttributes = false, EncapsulateSha1 = true, DigestOid = "1.3.14.3.2.26", SignWith = "SHA1withRSA", SignatureOid = "1.2.840.113549.1.1.1" };
        var pdf = new MinimalPadesWriter().AppendSignature(cms.Sign, subFilter: "adbe.pkcs7.sha1").ToArray();
        var today = Single(pdf);
        today.IntegrityValid.ShouldBe(true, Explain(today));
        today.Indication.ShouldBe(Indication.INDETERMINATE);
        today.SubIndication.ShouldBe(SubIndication.CRYPTO_CONSTRAINTS_FAILURE_NO_POE);
        var lenient = Single(pdf, Online with { WeakAlgorithmCutOff = TestPki.Now.AddYears(1) });
        lenient.Indication.ShouldBe(Indication.TOTAL_PASSED, Explain(lenient));
        lenient.Checks.ShouldContain(c => c.Contains("adbe.pkcs7.sha1") && c.Contains("lower assurance"));
    }

    [Fact]
    public void adbe_pkcs7_sha1_whose_encapsulated_digest_is_not_the_documents_is_a_hash_failure()
    {
        var cms = new RawCms { Signer = Pki.Signer, EncapsulateSha1 = true };
        var sig = SignedWith(cms with { }, "adbe.pkcs7.sha1");
        sig.IntegrityValid.ShouldBe(true, Explain(sig));
        // Same signature bytes moved to another document: the encapsulated digest no longer matches.
        var other = new MinimalPadesWriter("Hop dong khac / Another contract").AppendSignature(_ => cms.Sign("not this document"u8.ToArray()), subFilter: "adbe.pkcs7.sha1").ToArray();
        var moved = Single(other);
        moved.Indication.ShouldBe(Indication.TOTAL_FAILED);
        moved.SubIndication.ShouldBe(SubIndication.HASH_FAILURE);
    }

    [Fact]
    public void plain_ecdsa_from_bsi_tr_03111_verifies()
    {
        var signer = Pki.IssueEc("Plain ECDSA Signer");
        var sig = SignedWith(new RawCms { Signer = signer, SignWith = "SHA256withPLAIN-ECDSA", SignatureOid = "0.4.0.127.0.7.1.1.4.1.3" });
        sig.Indication.ShouldNotBe(Indication.TOTAL_FAILED, Explain(sig));
        sig.IntegrityValid.ShouldBe(true);
        sig.Indication.ShouldBe(Indication.TOTAL_PASSED, Explain(sig));
    }

    [Fact]
    public void der_ecdsa_verifies_and_plain_ecdsa_bytes_labelled_as_der_do_not()
    {
        var signer = Pki.IssueEc("ECDSA Signer");
        SignedWith(new RawCms { Signer = signer, SignWith = "SHA256withECDSA", SignatureOid = "1.2.840.10045.4.3.2" }).Indication.ShouldBe(Indication.TOTAL_PASSED);
        var mislabelled = SignedWith(new RawCms { Signer = signer, SignWith = "SHA256withPLAIN-ECDSA", SignatureOid = "1.2.840.10045.4.3.2" });
        mislabelled.Indication.ShouldBe(Indication.TOTAL_FAILED);
        mislabelled.SubIndication.ShouldBe(SubIndication.SIG_CRYPTO_FAILURE);
    }

    [Fact]
    public void a_signature_algorithm_whose_digest_differs_from_the_digest_algorithm_is_refused()
    {
        // SHA-256 over the content and attributes, but the value is labelled (and made) SHA3-256withRSA.
        var sig = SignedWith(new RawCms { Signer = Pki.Signer, SignWith = "SHA3-256withRSA", SignatureOid = "2.16.840.1.101.3.4.3.14" });
        sig.Indication.ShouldBe(Indication.TOTAL_FAILED, Explain(sig));
        sig.SubIndication.ShouldBe(SubIndication.SIG_CRYPTO_FAILURE);
        sig.Checks.ShouldContain(c => c.Contains("SHA3-256") && c.Contains("SHA-256"));
    }

    [Fact]
    public void sha3_256_with_rsa_over_a_sha3_256_digest_verifies()
    {
        var sig = SignedWith(new RawCms { Signer = Pki.Signer, DigestOid = "2.16.840.1.101.3.4.2.8", SignWith = "SHA3-256withRSA", SignatureOid = "2.16.840.1.101.3.4.3.14" });
        sig.IntegrityValid.ShouldBe(true, Explain(sig));
        sig.Indication.ShouldBe(Indication.TOTAL_PASSED, Explain(sig));
    }
}
