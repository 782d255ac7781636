using System.Text;
using Signing.Tests.Validation.Corpus;
using Signing.Validation;
using static Signing.Tests.Validation.Corpus.Scenario;

namespace Signing.Tests.Validation;

public class combined_findings
{
    [Fact]
    public void a_disallowed_change_is_not_hidden_behind_an_indeterminate_revocation_result()
    {
        var pdf = Signed(By(Pki.RevokedEarly) with { ClaimedTime = TestPki.Now.AddDays(-30) }).AppendContentChange("x").ToArray();
        var sig = Single(pdf);
        sig.Indication.ShouldBe(Indication.TOTAL_FAILED);
        sig.SubIndication.ShouldBe(SubIndication.SIG_CONSTRAINTS_FAILURE);
        sig.Explanation.En.ShouldContain("REVOKED_NO_POE");
    }
}
