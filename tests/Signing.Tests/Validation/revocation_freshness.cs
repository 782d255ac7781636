using System.Text;
using Signing.Tests.Validation.Corpus;
using Signing.Validation;
using static Signing.Tests.Validation.Corpus.Scenario;

namespace Signing.Tests.Validation;

public class revocation_freshness
{
    [Fact]
    public void revocation_data_older_than_the_signature_and_the_freshness_window_is_try_later()
    {
        // The DSS CRL was issued an hour before "now"; validating two days later with a 1-hour window makes it stale.
        var pdf = Signed(By(Pki.Signer) with { ClaimedTime = TestPki.Now })
            .AppendDss([], [Pki.IntermediateCrl, Pki.RootCrl]).ToArray();
        var sig = Single(pdf, Offline with { ValidationTime = TestPki.Now.AddDays(2), RevocationFreshness = TimeSpan.FromHours(1) });
        sig.Indication.ShouldBe(Indication.INDETERMINATE);
        sig.SubIndication.ShouldBe(SubIndication.TRY_LATER);
    }
}
