using System.Text;
using Signing.Tests.Validation.Corpus;
using Signing.Validation;
using static Signing.Tests.Validation.Corpus.Scenario;

namespace Signing.Tests.Validation;

public class signature_corpus
{
    [Fact]
    public void a_valid_baseline_b_signature_passes_with_a_claimed_time()
    {
        var report = Validate(Signed(By(Pki.Signer)).ToArray());
        report.DocumentIndication.ShouldBe(Indication.TOTAL_PASSED);
        var sig = report.Signatures.ShouldHaveSingleItem();
        sig.Indication.ShouldBe(Indication.TOTAL_PASSED, string.Join("\n", sig.Checks));
        sig.Level.ShouldBe("B-B");
        sig.SigningTimeProof.ShouldBe(SigningTimeProof.Claimed);
        sig.Signer!.ShouldContain("Nguyễn Văn An");
        sig.CoversWholeDocument.ShouldBeTrue();
        sig.Revision.ShouldBe(2);
    }

    [Fact]
    public void one_byte_changed_inside_the_signed_range_is_a_hash_failure()
    {
        var pdf = Signed(By(Pki.Signer)).ToArray();
        int at = Encoding.Latin1.GetString(pdf).IndexOf("Contract", StringComparison.Ordinal);
        pdf[at] = (byte)'K';
        var sig = Single(pdf);
        sig.Indication.ShouldBe(Indication.TOTAL_FAILED);
        sig.SubIndication.ShouldBe(SubIndication.HASH_FAILURE);
        sig.IntegrityValid.ShouldBe(false);
    }

    [Fact]
    public void a_byte_changed_in_the_padding_of_the_contents_hole_is_a_format_failure()
    {
        var pdf = Signed(By(Pki.Signer)).ToArray();
        var text = Encoding.Latin1.GetString(pdf);
        int end = text.IndexOf('>', text.IndexOf("/Contents <", StringComparison.Ordinal));
        pdf[end - 1] = (byte)'7';
        var sig = Single(pdf);
        sig.Indication.ShouldBe(Indication.TOTAL_FAILED);
        sig.SubIndication.ShouldBe(SubIndication.FORMAT_FAILURE);
    }

    [Fact]
    public void a_byte_changed_in_the_signature_value_is_a_crypto_failure()
    {
        var o = By(Pki.Signer);
        var pdf = Signed(o).ToArray();
        var text = Encoding.Latin1.GetString(pdf);
        // The RSA signature value is the last thing in the CMS, just before the zero padding.
        int padding = text.IndexOf(new string('0', 400), text.IndexOf("/Contents <", StringComparison.Ordinal), StringComparison.Ordinal);
        while (pdf[padding - 1] == '0') padding--;
        pdf[padding - 10] = pdf[padding - 10] == (byte)'A' ? (byte)'B' : (byte)'A';
        var sig = Single(pdf);
        sig.Indication.ShouldBe(Indication.TOTAL_FAILED);
        sig.SubIndication.ShouldBe(SubIndication.SIG_CRYPTO_FAILURE);
    }

    [Fact]
    public void bytes_appended_after_signing_are_reported_as_not_covered()
    {
        var pdf = Signed(By(Pki.Signer)).ToArray().Concat("trailing garbage"u8.ToArray()).ToArray();
        var sig = Single(pdf);
        sig.CoversWholeDocument.ShouldBeFalse();
        sig.Indication.ShouldBe(Indication.TOTAL_FAILED);
        sig.SubIndication.ShouldBe(SubIndication.SIG_CONSTRAINTS_FAILURE);
        sig.ChangesAfterSigning.ShouldContain(c => c.Category == "unstructured-bytes" && !c.Allowed);
    }

    [Fact]
    public void page_content_changed_in_a_later_revision_is_named_and_fails()
    {
        var pdf = Signed(By(Pki.Signer)).AppendContentChange("Contract no. 43").ToArray();
        var sig = Single(pdf);
        sig.Indication.ShouldBe(Indication.TOTAL_FAILED);
        sig.SubIndication.ShouldBe(SubIndication.SIG_CONSTRAINTS_FAILURE);
        sig.IntegrityValid.ShouldBe(true);
        sig.ChangesAfterSigning.ShouldContain(c => c.ObjectNumber == 4 && !c.Allowed && c.Revision == 3);
    }

    [Fact]
    public void a_page_added_in_a_later_revision_is_not_allowed()
    {
        var sig = Single(Signed(By(Pki.Signer)).AppendPage().ToArray());
        sig.Indication.ShouldBe(Indication.TOTAL_FAILED);
        sig.ChangesAfterSigning.ShouldContain(c => c.Category == "pages" && !c.Allowed);
    }

    [Fact]
    public void a_second_signature_added_later_leaves_the_first_valid()
    {
        var pdf = Signed(By(Pki.Signer)).AppendSignature(d => CmsFactory.Sign(d, By(Pki.Signer))).ToArray();
        var report = Validate(pdf);
        report.Signatures.Count.ShouldBe(2);
        report.Signatures.ShouldAllBe(s => s.Indication == Indication.TOTAL_PASSED);
        report.Signatures[0].CoversWholeDocument.ShouldBeFalse();
        report.Signatures[0].ChangesAfterSigning.ShouldContain(c => c.Category == "signature" && c.Allowed);
        report.DocumentIndication.ShouldBe(Indication.TOTAL_PASSED);
    }

    [Fact]
    public void an_annotation_after_an_approval_signature_is_allowed()
    {
        var sig = Single(Signed(By(Pki.Signer)).AppendAnnotation().ToArray());
        sig.Indication.ShouldBe(Indication.TOTAL_PASSED);
        sig.ChangesAfterSigning.ShouldContain(c => c.Category == "annotation" && c.Allowed);
    }

    [Fact]
    public void an_annotation_after_a_certification_signature_with_p2_is_not_allowed()
    {
        var pdf = new MinimalPadesWriter().AppendSignature(d => CmsFactory.Sign(d, By(Pki.Signer)), docMdpPermission: 2).AppendAnnotation().ToArray();
        var sig = Single(pdf);
        sig.Kind.ShouldBe(SignatureKind.CertificationSignature);
        sig.Indication.ShouldBe(Indication.TOTAL_FAILED);
        sig.ChangesAfterSigning.ShouldContain(c => c.Category == "annotation" && !c.Allowed);
    }

    [Fact]
    public void a_signature_after_a_certification_signature_with_p1_is_not_allowed()
    {
        var pdf = new MinimalPadesWriter().AppendSignature(d => CmsFactory.Sign(d, By(Pki.Signer)), docMdpPermission: 1)
            .AppendSignature(d => CmsFactory.Sign(d, By(Pki.Signer))).ToArray();
        var report = Validate(pdf);
        report.Signatures[0].Indication.ShouldBe(Indication.TOTAL_FAILED);
        report.Signatures[0].ChangesAfterSigning.ShouldContain(c => c.Category == "signature" && !c.Allowed);
    }

    [Fact]
    public void revoked_before_the_claimed_signing_time_is_revoked()
    {
        var sig = Single(Signed(By(Pki.RevokedEarly) with { ClaimedTime = TestPki.Now.AddDays(-5) }).ToArray());
        sig.Indication.ShouldBe(Indication.TOTAL_FAILED);
        sig.SubIndication.ShouldBe(SubIndication.REVOKED);
    }

    [Fact]
    public void revoked_before_the_timestamped_signing_time_is_revoked()
    {
        var sig = Single(Signed(By(Pki.RevokedEarly) with { Timestamp = (Pki.Tsa, TestPki.Now.AddDays(-5)) }).ToArray());
        sig.Indication.ShouldBe(Indication.TOTAL_FAILED);
        sig.SubIndication.ShouldBe(SubIndication.REVOKED);
        sig.SigningTimeProof.ShouldBe(SigningTimeProof.Timestamp);
    }

    [Fact]
    public void revoked_after_a_claimed_but_unproven_signing_time_is_revoked_no_poe()
    {
        var sig = Single(Signed(By(Pki.RevokedEarly) with { ClaimedTime = TestPki.Now.AddDays(-30) }).ToArray());
        sig.Indication.ShouldBe(Indication.INDETERMINATE);
        sig.SubIndication.ShouldBe(SubIndication.REVOKED_NO_POE);
    }

    [Fact]
    public void revoked_after_a_timestamped_signing_time_passes_at_level_b_t()
    {
        var sig = Single(Signed(By(Pki.RevokedEarly) with { ClaimedTime = TestPki.Now.AddDays(-30), Timestamp = (Pki.Tsa, TestPki.Now.AddDays(-30)) }).ToArray());
        sig.Indication.ShouldBe(Indication.TOTAL_PASSED, string.Join("\n", sig.Checks));
        sig.Level.ShouldBe("B-T");
        sig.SigningTimeProof.ShouldBe(SigningTimeProof.Timestamp);
        sig.SigningTime.ShouldNotBeNull().ShouldBe(TestPki.Now.AddDays(-30), TimeSpan.FromSeconds(1));
    }

    [Fact]
    public void an_expired_certificate_without_timestamp_is_out_of_bounds()
    {
        var sig = Single(Signed(By(Pki.Expired) with { ClaimedTime = TestPki.Now.AddDays(-30) }).ToArray());
        sig.Indication.ShouldBe(Indication.INDETERMINATE);
        sig.SubIndication.ShouldBe(SubIndication.OUT_OF_BOUNDS_NOT_REVOKED);
    }

    [Fact]
    public void an_expired_certificate_with_a_timestamp_inside_its_validity_passes()
    {
        var sig = Single(Signed(By(Pki.Expired) with { ClaimedTime = TestPki.Now.AddDays(-30), Timestamp = (Pki.Tsa, TestPki.Now.AddDays(-30)) }).ToArray());
        sig.Indication.ShouldBe(Indication.TOTAL_PASSED, string.Join("\n", sig.Checks));
    }

    [Fact]
    public void an_untrusted_root_gives_no_certificate_chain_found()
    {
        var sig = Single(Signed(new CmsOptions { Signer = Pki.UntrustedSigner, ExtraCertificates = [Pki.UntrustedRoot.Certificate] }).ToArray());
        sig.Indication.ShouldBe(Indication.INDETERMINATE);
        sig.SubIndication.ShouldBe(SubIndication.NO_CERTIFICATE_CHAIN_FOUND);
    }

    [Fact]
    public void a_missing_intermediate_is_found_in_the_dss()
    {
        var withoutIntermediate = new CmsOptions { Signer = Pki.Signer };
        Single(Signed(withoutIntermediate).ToArray()).SubIndication.ShouldBe(SubIndication.NO_CERTIFICATE_CHAIN_FOUND);

        var pdf = Signed(withoutIntermediate).AppendDss([Pki.Intermediate.Certificate.GetEncoded()], [Pki.IntermediateCrl, Pki.RootCrl]).ToArray();
        var sig = Single(pdf, Offline);
        sig.Indication.ShouldBe(Indication.TOTAL_PASSED, string.Join("\n", sig.Checks));
        sig.ChangesAfterSigning.ShouldAllBe(c => c.Allowed);
    }

    [Fact]
    public void a_wrong_signing_certificate_v2_means_no_signing_certificate_found()
    {
        var sig = Single(Signed(By(Pki.Signer) with { EssCertificate = Pki.Expired.Certificate }).ToArray());
        sig.Indication.ShouldBe(Indication.INDETERMINATE);
        sig.SubIndication.ShouldBe(SubIndication.NO_SIGNING_CERTIFICATE_FOUND);
    }

    [Fact]
    public void a_sha1_digest_after_the_cut_off_is_a_crypto_constraints_failure()
    {
        var sig = Single(Signed(By(Pki.Signer) with { Sha1 = true }).ToArray());
        sig.Indication.ShouldBe(Indication.INDETERMINATE);
        sig.SubIndication.ShouldBe(SubIndication.CRYPTO_CONSTRAINTS_FAILURE_NO_POE);
        sig.IntegrityValid.ShouldBe(true);
    }

    [Fact]
    public void a_1024_bit_rsa_key_is_a_crypto_constraints_failure()
    {
        var sig = Single(Signed(By(Pki.WeakKeySigner)).ToArray());
        sig.SubIndication.ShouldBe(SubIndication.CRYPTO_CONSTRAINTS_FAILURE_NO_POE);
    }

    [Fact]
    public void a_timestamp_over_the_wrong_data_is_rejected()
    {
        var sig = Single(Signed(By(Pki.Signer) with { Timestamp = (Pki.Tsa, TestPki.Now.AddDays(-1)), BreakTimestampImprint = true }).ToArray());
        sig.Indication.ShouldBe(Indication.INDETERMINATE);
        sig.SubIndication.ShouldBe(SubIndication.SIG_CONSTRAINTS_FAILURE);
        sig.Checks.ShouldContain(c => c.Contains("imprint"));
        sig.SigningTimeProof.ShouldBe(SigningTimeProof.Claimed);
    }

    [Fact]
    public void offline_without_revocation_data_in_the_file_is_try_later()
    {
        var sig = Single(Signed(By(Pki.Signer)).ToArray(), Offline);
        sig.Indication.ShouldBe(Indication.INDETERMINATE);
        sig.SubIndication.ShouldBe(SubIndication.TRY_LATER);
    }

    [Fact]
    public void dss_and_a_document_timestamp_give_b_lta_verifiable_offline_until_the_tsa_expires()
    {
        var pdf = Signed(By(Pki.Signer) with { Timestamp = (Pki.Tsa, TestPki.Now.AddDays(-1)) })
            .AppendDss([Pki.Intermediate.Certificate.GetEncoded(), Pki.Tsa.Certificate.GetEncoded()], [Pki.IntermediateCrl, Pki.RootCrl])
            .AppendSignature(d => CmsFactory.Timestamp(d, Pki.Tsa, TestPki.Now), documentTimestamp: true)
            .ToArray();
        var report = Validate(pdf, Offline);
        report.Signatures.Count.ShouldBe(2);
        var sig = report.Signatures[0];
        sig.Indication.ShouldBe(Indication.TOTAL_PASSED, string.Join("\n", sig.Checks));
        sig.Level.ShouldBe("B-LTA");
        var ts = report.Signatures[1];
        ts.Kind.ShouldBe(SignatureKind.DocumentTimestamp);
        ts.Indication.ShouldBe(Indication.TOTAL_PASSED, string.Join("\n", ts.Checks));
        report.VerifiableUntil.ShouldNotBeNull().ShouldBe(new DateTimeOffset(Pki.Tsa.Certificate.NotAfter.ToUniversalTime()), TimeSpan.FromSeconds(1));
        report.DocumentIndication.ShouldBe(Indication.TOTAL_PASSED);
    }

    [Fact]
    public void a_document_timestamp_over_changed_bytes_is_a_hash_failure()
    {
        var pdf = new MinimalPadesWriter().AppendSignature(d => CmsFactory.Timestamp(d, Pki.Tsa, TestPki.Now), documentTimestamp: true).ToArray();
        int at = Encoding.Latin1.GetString(pdf).IndexOf("Contract", StringComparison.Ordinal);
        pdf[at] = (byte)'K';
        var ts = Single(pdf);
        ts.Indication.ShouldBe(Indication.TOTAL_FAILED);
        ts.SubIndication.ShouldBe(SubIndication.HASH_FAILURE);
    }
}
