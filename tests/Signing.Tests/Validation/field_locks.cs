using Signing.Tests.Validation.Corpus;
using Signing.Validation;
using static Signing.Tests.Validation.Corpus.Scenario;

namespace Signing.Tests.Validation;

/// <summary>FieldMDP (ISO 32000-1 12.8.2.4) and signature field /Lock (12.7.4.5): filling a field the signature locked is a change it does not allow.</summary>
public class field_locks
{
    private static MinimalPadesWriter FormWithAmount() => new MinimalPadesWriter().AppendTextField("Amount").AppendTextField("Note");

    [Fact]
    public void filling_a_field_locked_by_the_signatures_fieldmdp_fails_and_names_the_field()
    {
        var pdf = FormWithAmount()
            .AppendSignature(d => CmsFactory.Sign(d, By(Pki.Signer)), fieldMdp: "/Action /Include /Fields [(Amount)]")
            .AppendFormFill("Amount", "999000000 VND").ToArray();
        var sig = Single(pdf);
        sig.Indication.ShouldBe(Indication.TOTAL_FAILED, string.Join("\n", sig.Checks));
        sig.SubIndication.ShouldBe(SubIndication.SIG_CONSTRAINTS_FAILURE);
        sig.ChangesAfterSigning.ShouldContain(c => !c.Allowed && c.Category == "form-fill" && c.Description.Contains("'Amount' is locked"));
        sig.Checks.ShouldContain(c => c.Contains("FieldMDP: this signature locks Include Amount"));
    }

    [Fact]
    public void filling_a_field_the_fieldmdp_does_not_lock_is_allowed()
    {
        var pdf = FormWithAmount()
            .AppendSignature(d => CmsFactory.Sign(d, By(Pki.Signer)), fieldMdp: "/Action /Include /Fields [(Amount)]")
            .AppendFormFill("Note", "Da duyet / Approved").ToArray();
        var sig = Single(pdf);
        sig.Indication.ShouldBe(Indication.TOTAL_PASSED, string.Join("\n", sig.Checks.Concat(sig.ChangesAfterSigning.Select(c => c.Description))));
        sig.ChangesAfterSigning.ShouldContain(c => c.Allowed && c.Category == "form-fill");
    }

    [Fact]
    public void an_exclude_lock_locks_every_field_but_the_listed_ones()
    {
        var pdf = FormWithAmount()
            .AppendSignature(d => CmsFactory.Sign(d, By(Pki.Signer)), fieldMdp: "/Action /Exclude /Fields [(Note)]")
            .AppendFormFill("Amount", "1").ToArray();
        var sig = Single(pdf);
        sig.Indication.ShouldBe(Indication.TOTAL_FAILED);
        sig.SubIndication.ShouldBe(SubIndication.SIG_CONSTRAINTS_FAILURE);
    }

    [Fact]
    public void a_lock_all_on_the_signature_field_forbids_any_later_fill()
    {
        var pdf = FormWithAmount()
            .AppendSignature(d => CmsFactory.Sign(d, By(Pki.Signer)), fieldLock: "/Action /All")
            .AppendFormFill("Note", "changed").ToArray();
        var sig = Single(pdf);
        sig.Indication.ShouldBe(Indication.TOTAL_FAILED);
        sig.SubIndication.ShouldBe(SubIndication.SIG_CONSTRAINTS_FAILURE);
        sig.ChangesAfterSigning.ShouldContain(c => !c.Allowed && c.Description.Contains("'Note' is locked") && c.Description.Contains("all fields"));
    }

    [Fact]
    public void without_any_lock_a_later_fill_stays_allowed()
    {
        var pdf = FormWithAmount()
            .AppendSignature(d => CmsFactory.Sign(d, By(Pki.Signer)))
            .AppendFormFill("Amount", "1").ToArray();
        Single(pdf).Indication.ShouldBe(Indication.TOTAL_PASSED);
    }
}
