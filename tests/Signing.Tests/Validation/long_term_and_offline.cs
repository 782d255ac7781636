using System.Text;
using Signing.Tests.Validation.Corpus;
using Signing.Validation;
using static Signing.Tests.Validation.Corpus.Scenario;

namespace Signing.Tests.Validation;

public class long_term_and_offline
{
    private sealed class FailingHandler : HttpMessageHandler
    {
        public int Calls;
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Calls);
            throw new HttpRequestException("network used");
        }
    }

    [Fact]
    public void offline_mode_never_touches_the_network()
    {
        var handler = new FailingHandler();
        var sig = Single(Signed(By(Pki.Signer)).ToArray(), Offline with { HttpClient = new HttpClient(handler) });
        sig.SubIndication.ShouldBe(SubIndication.TRY_LATER);
        handler.Calls.ShouldBe(0);
    }

    [Fact]
    public void an_unreachable_revocation_endpoint_online_is_try_later_and_says_why()
    {
        var handler = new FailingHandler();
        var sig = Single(Signed(By(Pki.Signer)).ToArray(), Online with { HttpClient = new HttpClient(handler) });
        sig.SubIndication.ShouldBe(SubIndication.TRY_LATER);
        handler.Calls.ShouldBeGreaterThan(0);
        sig.Checks.ShouldContain(c => c.Contains("could not be fetched"));
    }

    [Fact]
    public void a_timestamp_plus_dss_with_revocation_data_is_b_lt()
    {
        var pdf = Signed(By(Pki.Signer) with { Timestamp = (Pki.Tsa, TestPki.Now.AddDays(-1)) })
            .AppendDss([Pki.Intermediate.Certificate.GetEncoded()], [Pki.IntermediateCrl, Pki.RootCrl]).ToArray();
        var sig = Single(pdf, Offline);
        sig.Indication.ShouldBe(Indication.TOTAL_PASSED, string.Join("\n", sig.Checks));
        sig.Level.ShouldBe("B-LT");
        sig.VerifiableUntil.ShouldNotBeNull();
    }

    [Fact]
    public void a_document_timestamp_after_a_p1_certification_is_allowed()
    {
        var pdf = new MinimalPadesWriter().AppendSignature(d => CmsFactory.Sign(d, By(Pki.Signer)), docMdpPermission: 1)
            .AppendSignature(d => CmsFactory.Timestamp(d, Pki.Tsa, TestPki.Now), documentTimestamp: true).ToArray();
        // The token carries only the TSA certificate; its issuing CA comes from configuration here.
        var report = Validate(pdf, Online with { ExtraIntermediates = [Pki.Intermediate.Dotnet] });
        report.Signatures[1].Indication.ShouldBe(Indication.TOTAL_PASSED, string.Join("\n", report.Signatures[1].Checks));
        report.Signatures[0].Indication.ShouldBe(Indication.TOTAL_PASSED, string.Join("\n", report.Signatures[0].ChangesAfterSigning.Select(c => c.Description)));
        report.Signatures[0].Level.ShouldBe("B-T");
    }
}
