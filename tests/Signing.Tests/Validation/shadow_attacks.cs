using System.Text;
using Signing.Tests.Validation.Corpus;
using Signing.Validation;
using static Signing.Tests.Validation.Corpus.Scenario;

namespace Signing.Tests.Validation;

/// <summary>
/// Shadow attacks (Mainka, Mladenov, Rohlmann: "Shadow Attacks: Hiding and Replacing Content in Signed PDFs", NDSS 2021):
/// the signed revision already holds what the attacker needs, and a later incremental update, harmless-looking by itself,
/// changes what is displayed. Every file is built here with a trusted signer; none may reach TOTAL_PASSED.
/// </summary>
public class shadow_attacks
{
    private static void ShouldBeCaught(SignatureReport sig)
    {
        sig.Indication.ShouldBe(Indication.TOTAL_FAILED, Explain(sig));
        sig.SubIndication.ShouldBe(SubIndication.SIG_CONSTRAINTS_FAILURE);
        sig.IntegrityValid.ShouldBe(true, "the signed bytes are intact: only the later revision betrays the attack");
    }

    private static byte[] Image() => Encoding.ASCII.GetBytes(new string('\xff', 16 * 4 * 3));

    /// <summary>A page whose text "PAID" is covered by a white image drawn over it.</summary>
    private static MinimalPadesWriter PageWithCoveredText(out int image)
    {
        var w = new MinimalPadesWriter("Hop dong so 42");
        image = w.NewObject();
        return w.AppendPageContent("BT /F1 18 Tf 72 720 Td (Hop dong so 42) Tj ET BT /F1 18 Tf 72 690 Td (PAID / DA THANH TOAN) Tj ET q 300 0 0 30 70 685 cm /Im1 Do Q",
            $"/XObject << /Im1 {image} 0 R >>",
            [(image, " /Type /XObject /Subtype /Image /Width 16 /Height 4 /ColorSpace /DeviceRGB /BitsPerComponent 8", Image())]);
    }

    [Fact]
    public void hide_an_overlay_image_replaced_by_a_metadata_stream_is_judged_as_the_image_it_was_and_fails()
    {
        var pdf = PageWithCoveredText(out var image)
            .AppendSignature(d => CmsFactory.Sign(d, By(Pki.Signer)))
            .AppendRaw([(image, " /Type /Metadata /Subtype /XML", "<x:xmpmeta xmlns:x='adobe:ns:meta/'/>"u8.ToArray())])
            .ToArray();
        var sig = Single(pdf);
        ShouldBeCaught(sig);
        sig.ChangesAfterSigning.ShouldContain(c => !c.Allowed && c.ObjectNumber == image && c.Description.Contains("image XObject") && c.Description.Contains("metadata stream"), Explain(sig));
    }

    [Fact]
    public void hide_an_overlay_image_freed_by_a_cross_reference_only_update_fails()
    {
        var w = PageWithCoveredText(out var image).AppendSignature(d => CmsFactory.Sign(d, By(Pki.Signer)));
        var pdf = w.AppendRaw([], xref: [(image, 0, true)]).ToArray();
        var sig = Single(pdf);
        ShouldBeCaught(sig);
        sig.ChangesAfterSigning.ShouldContain(c => !c.Allowed && c.Description.Contains("image XObject") && c.Description.Contains("removed"));
    }

    [Fact]
    public void replace_a_form_value_shown_when_signed_is_a_visible_change_and_fails()
    {
        var pdf = new MinimalPadesWriter("Tien thuong / Reward:")
            .AppendTextField("Reward", "1000 USD", "BT /F1 12 Tf 2 5 Td (1000 USD) Tj ET")
            .AppendSignature(d => CmsFactory.Sign(d, By(Pki.Signer)))
            .AppendFormFill("Reward", "0 USD")
            .ToArray();
        var sig = Single(pdf);
        ShouldBeCaught(sig);
        sig.ChangesAfterSigning.ShouldContain(c => !c.Allowed && c.Category == "form-fill" && c.Description.Contains("visible change") && c.Description.Contains("1000 USD"));
    }

    [Fact]
    public void replace_by_filling_an_empty_field_under_a_docmdp_p1_certification_fails()
    {
        var pdf = new MinimalPadesWriter()
            .AppendTextField("Note")
            .AppendSignature(d => CmsFactory.Sign(d, By(Pki.Signer)), docMdpPermission: 1)
            .AppendFormFill("Note", "Huy bo / Cancelled")
            .ToArray();
        var sig = Single(pdf);
        ShouldBeCaught(sig);
        sig.ChangesAfterSigning.ShouldContain(c => !c.Allowed && c.Category == "form-fill" && c.Description.Contains("P=1"));
    }

    [Fact]
    public void replace_the_font_the_signed_text_is_drawn_with_fails()
    {
        var pdf = Signed(By(Pki.Signer))
            .AppendRaw([(5, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /FirstChar 48 /LastChar 57 /Widths [600 600 600 600 600 600 600 600 600 600] /Encoding << /Differences [49 /two 50 /one] >> >>", null)])
            .ToArray();
        var sig = Single(pdf);
        ShouldBeCaught(sig);
        sig.ChangesAfterSigning.ShouldContain(c => !c.Allowed && c.ObjectNumber == 5 && c.Description.Contains("font"));
    }

    [Fact]
    public void hide_text_under_an_empty_fields_opaque_appearance_then_clear_it_fails()
    {
        var w = new MinimalPadesWriter("Dieu khoan 7: phat 10%")
            .AppendTextField("Cover", "", "1 g 0 0 300 20 re f", rect: "70 715 370 735");
        var pdf = w.AppendSignature(d => CmsFactory.Sign(d, By(Pki.Signer)))
            .AppendRaw([(w.FieldObject("Cover"), "<< /Type /Annot /Subtype /Widget /FT /Tx /T (Cover) /V () /Rect [70 715 370 735] /P 3 0 R >>", null)])
            .ToArray();
        var sig = Single(pdf);
        ShouldBeCaught(sig);
        sig.ChangesAfterSigning.ShouldContain(c => !c.Allowed && c.Description.Contains("appearance of field 'Cover'"));
    }

    [Fact]
    public void hide_and_replace_a_field_the_signed_revision_had_marked_free_fails()
    {
        // Signed: "Reward: 1000 USD" shown; a second field with the attacker's value is referenced but marked free.
        var w = new MinimalPadesWriter("Tien thuong / Reward:")
            .AppendTextField("Reward", "1000 USD", "BT /F1 12 Tf 2 5 Td (1000 USD) Tj ET")
            .AppendShadowField("Shadow", "You are fired")
            .AppendSignature(d => CmsFactory.Sign(d, By(Pki.Signer)));
        int honest = w.FieldObject("Reward"), shadow = w.FieldObject("Shadow");
        // The update holds no object at all: the honest field is freed, the shadow one brought back at its old offset.
        var pdf = w.AppendRaw([], xref: [(honest, 0, true), (shadow, w.OffsetOf(shadow), false)]).ToArray();
        var sig = Single(pdf);
        ShouldBeCaught(sig);
        sig.ChangesAfterSigning.ShouldContain(c => !c.Allowed && c.ObjectNumber == honest && c.Description.Contains("removed"));
    }

    [Fact]
    public void a_signed_page_pointed_at_a_content_stream_the_signed_revision_did_not_show_fails()
    {
        // Hide-and-replace by reference: the shadow content is in the signed file, unused; the update re-points the page.
        var w = new MinimalPadesWriter("Hop dong so 42 / Contract no. 42");
        int shadow = w.NewObject();
        w.AppendRaw([(shadow, "", "BT /F1 18 Tf 72 720 Td (Hop dong da huy / Contract void) Tj ET"u8.ToArray())]);
        w.AppendSignature(d => CmsFactory.Sign(d, By(Pki.Signer)));
        var pdf = w.AppendRaw([(3, $"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {shadow} 0 R /Resources << /Font << /F1 5 0 R >> >> /Annots [{shadow + 2} 0 R] >>", null)]).ToArray();
        var sig = Single(pdf);
        ShouldBeCaught(sig);
        sig.ChangesAfterSigning.ShouldContain(c => !c.Allowed && c.Category == "page" && c.Description.Contains("/Contents"));
    }
}
