using System.Text;
using Signing.Tests.Validation.Corpus;
using Signing.Validation;
using static Signing.Tests.Validation.Corpus.Scenario;

namespace Signing.Tests.Validation;

public class ocsp_revocation
{
    [Fact]
    public void a_good_status_fetched_online_from_ocsp_passes()
    {
        var sig = Single(Signed(By(Pki.OcspSigner)).ToArray());
        sig.Indication.ShouldBe(Indication.TOTAL_PASSED, string.Join("\n", sig.Checks));
        sig.Checks.ShouldContain(c => c.Contains("OCSP"));
    }

    [Fact]
    public void a_revoked_status_fetched_online_from_ocsp_is_revoked()
    {
        var sig = Single(Signed(By(Pki.OcspRevokedSigner) with { ClaimedTime = TestPki.Now.AddDays(-5) }).ToArray());
        sig.Indication.ShouldBe(Indication.TOTAL_FAILED);
        sig.SubIndication.ShouldBe(SubIndication.REVOKED);
    }

    [Fact]
    public void an_ocsp_response_in_the_dss_is_used_offline()
    {
        var request = new Org.BouncyCastle.Ocsp.OcspReqGenerator();
        request.AddRequest(new Org.BouncyCastle.Ocsp.CertificateID(Org.BouncyCastle.Ocsp.CertificateID.DigestSha1, Pki.Intermediate.Certificate, Pki.OcspSigner.Certificate.SerialNumber));
        var ocsp = Pki.OcspResponse(request.Generate().GetEncoded());
        var pdf = Signed(By(Pki.OcspSigner)).AppendDss([], [Pki.RootCrl], [ocsp]).ToArray();
        var sig = Single(pdf, Offline);
        sig.Indication.ShouldBe(Indication.TOTAL_PASSED, string.Join("\n", sig.Checks));
    }
}
