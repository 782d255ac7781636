using Signing.Tests.Validation.Corpus;
using Signing.Validation;
using static Signing.Tests.Validation.Corpus.Scenario;

namespace Signing.Tests.Validation;

/// <summary>The validation time is an input (ETSI EN 319 102-1 5.1): legal staff validate old files as of a past moment.</summary>
public class validation_time
{
    [Fact]
    public void a_signature_by_a_certificate_that_has_since_expired_passes_as_of_a_time_within_its_validity_and_not_today()
    {
        // Expired: valid until ten days ago; signed (claimed) twenty days ago, no timestamp.
        var pdf = Signed(By(Pki.Expired) with { ClaimedTime = TestPki.Now.AddDays(-20) }).ToArray();
        var today = Single(pdf);
        today.Indication.ShouldBe(Indication.INDETERMINATE, Explain(today));
        today.SubIndication.ShouldBeOneOf(SubIndication.OUT_OF_BOUNDS_NO_POE, SubIndication.OUT_OF_BOUNDS_NOT_REVOKED);
        var then = Validate(pdf, Online with { ValidationTime = TestPki.Now.AddDays(-15) });
        then.ValidationTime.ShouldBe(TestPki.Now.AddDays(-15));
        then.Signatures[0].Indication.ShouldBe(Indication.TOTAL_PASSED, Explain(then.Signatures[0]));
    }
}
