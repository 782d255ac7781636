using Signing.Tests.Validation.Corpus;
using Signing.Validation;
using static Signing.Tests.Validation.Corpus.Scenario;

namespace Signing.Tests.Validation;

/// <summary>The TSA's own certificate is checked for revocation (EN 319 102-1 5.4), with the revocation data the file carries.</summary>
public class tsa_revocation
{
    private static byte[] Dss(MinimalPadesWriter w) =>
        w.AppendDss([Pki.Intermediate.Certificate.GetEncoded()], [Pki.IntermediateCrl, Pki.RootCrl]).ToArray();

    [Fact]
    public void a_signature_timestamp_from_a_tsa_revoked_before_the_timestamp_is_rejected()
    {
        var tsa = Pki.IssueRevokedTsa("TSA revoked early", TestPki.Now.AddDays(-5));
        var pdf = Dss(Signed(By(Pki.Signer) with { Timestamp = (tsa, TestPki.Now.AddDays(-1)) }));
        var sig = Single(pdf, Offline);
        sig.Indication.ShouldBe(Indication.INDETERMINATE, string.Join("\n", sig.Checks));
        sig.SubIndication.ShouldBe(SubIndication.SIG_CONSTRAINTS_FAILURE);
        sig.Checks.ShouldContain(c => c.Contains("TSA certificate was revoked"));
        sig.SigningTimeProof.ShouldNotBe(SigningTimeProof.Timestamp);
    }

    [Fact]
    public void a_tsa_revoked_after_the_timestamp_still_proves_the_time()
    {
        var tsa = Pki.IssueRevokedTsa("TSA revoked later", TestPki.Now.AddHours(-6));
        var pdf = Dss(Signed(By(Pki.Signer) with { Timestamp = (tsa, TestPki.Now.AddDays(-1)) }));
        var sig = Single(pdf, Offline);
        sig.Indication.ShouldBe(Indication.TOTAL_PASSED, string.Join("\n", sig.Checks));
        sig.SigningTimeProof.ShouldBe(SigningTimeProof.Timestamp);
        sig.Checks.ShouldContain(c => c.Contains("TSA certificate revoked at") && c.Contains("after the time-stamp time"));
    }

    [Fact]
    public void a_good_tsa_certificate_is_reported_as_checked()
    {
        var pdf = Dss(Signed(By(Pki.Signer) with { Timestamp = (Pki.Tsa, TestPki.Now.AddDays(-1)) }));
        var sig = Single(pdf, Offline);
        sig.Indication.ShouldBe(Indication.TOTAL_PASSED, string.Join("\n", sig.Checks));
        sig.Checks.ShouldContain(c => c.StartsWith("TSA certificate: not revoked (CRL"));
    }

    [Fact]
    public void a_document_timestamp_from_a_revoked_tsa_is_revoked_no_poe()
    {
        var tsa = Pki.IssueRevokedTsa("Document TSA revoked early", TestPki.Now.AddDays(-5));
        var pdf = Signed(By(Pki.Signer))
            .AppendDss([Pki.Intermediate.Certificate.GetEncoded()], [Pki.IntermediateCrl, Pki.RootCrl])
            .AppendSignature(d => CmsFactory.Timestamp(d, tsa, TestPki.Now), documentTimestamp: true).ToArray();
        var report = Validate(pdf, Offline);
        var ts = report.Signatures.Where(s => s.Kind == SignatureKind.DocumentTimestamp).ShouldHaveSingleItem();
        ts.Indication.ShouldBe(Indication.INDETERMINATE, string.Join("\n", ts.Checks));
        ts.SubIndication.ShouldBe(SubIndication.REVOKED_NO_POE);
        report.VerifiableUntil.ShouldBeNull();
    }
}
