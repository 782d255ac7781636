using System.Text;
using Signing.Tests.Validation.Corpus;
using Signing.Validation;
using static Signing.Tests.Validation.Corpus.Scenario;

namespace Signing.Tests.Validation;

public class object_stream_changes
{
    [Fact]
    public void a_page_change_hidden_in_an_object_stream_is_detected()
    {
        var sig = Single(Signed(By(Pki.Signer)).AppendPageChangeInObjectStream().ToArray());
        sig.Indication.ShouldBe(Indication.TOTAL_FAILED);
        sig.ChangesAfterSigning.ShouldContain(c => c.ObjectNumber == 3 && c.Category == "page" && !c.Allowed);
    }
}
