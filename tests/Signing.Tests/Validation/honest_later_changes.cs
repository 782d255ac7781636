using Signing.Tests.Validation.Corpus;
using Signing.Validation;
using static Signing.Tests.Validation.Corpus.Scenario;

namespace Signing.Tests.Validation;

/// <summary>
/// Ordinary things honest software does after a signature. Each is reported as the change it is (allowed, or a warning
/// where the policy says so), never as a failure of the signature.
/// </summary>
public class honest_later_changes
{
    private static void ShouldPassWithOnlyAllowedChanges(SignatureReport sig)
    {
        sig.Indication.ShouldBe(Indication.TOTAL_PASSED, Explain(sig));
        sig.ChangesAfterSigning.ShouldAllBe(c => c.Allowed);
    }

    [Fact]
    public void a_dss_and_document_timestamp_that_also_declare_catalog_extensions_and_version_pass_even_under_docmdp_p1()
    {
        var w = new MinimalPadesWriter().AppendSignature(d => CmsFactory.Sign(d, By(Pki.Signer)), docMdpPermission: 1);
        w.CatalogExtra = "/Extensions << /ESIC << /BaseVersion /1.7 /ExtensionLevel 5 >> /ADBE << /BaseVersion /1.7 /ExtensionLevel 8 >> >> /Version /2.0";
        var pdf = w.AppendDss([Pki.Intermediate.Certificate.GetEncoded()], [Pki.IntermediateCrl, Pki.RootCrl])
            .AppendSignature(d => CmsFactory.Timestamp(d, Pki.Tsa, TestPki.Now), documentTimestamp: true).ToArray();
        var report = Validate(pdf);
        var sig = report.Signatures.First(s => s.Kind != SignatureKind.DocumentTimestamp);
        ShouldPassWithOnlyAllowedChanges(sig);
        sig.ChangesAfterSigning.ShouldContain(c => c.Category == "catalog-version");
        sig.ChangesAfterSigning.ShouldContain(c => c.Category == "dss");
        sig.ChangesAfterSigning.ShouldContain(c => c.Category == "document-timestamp");
    }

    [Fact]
    public void growing_an_indirect_fields_array_to_add_a_field_and_a_second_signature_passes()
    {
        var pdf = new MinimalPadesWriter { IndirectFields = true }
            .AppendTextField("Amount")
            .AppendSignature(d => CmsFactory.Sign(d, By(Pki.Signer)))
            .AppendTextField("Note")
            .AppendSignature(d => CmsFactory.Sign(d, By(Pki.Signer)))
            .ToArray();
        var report = Validate(pdf);
        report.Signatures.Count.ShouldBe(2);
        var first = report.Signatures[0];
        ShouldPassWithOnlyAllowedChanges(first);
        first.ChangesAfterSigning.ShouldContain(c => c.Category == "form-field" && c.Description.Contains("'Note' added"));
        first.ChangesAfterSigning.ShouldContain(c => c.Category == "signature");
        report.Signatures[1].Indication.ShouldBe(Indication.TOTAL_PASSED, Explain(report.Signatures[1]));
    }

    [Fact]
    public void growing_indirect_vri_cert_and_crl_arrays_is_validation_data_and_passes()
    {
        var pdf = Signed(By(Pki.Signer))
            .AppendDssWithVri("0123ABCD", [Pki.Intermediate.Certificate.GetEncoded()], [Pki.IntermediateCrl])
            .AppendDssWithVri("0123ABCD", [], [Pki.RootCrl])
            .ToArray();
        var sig = Single(pdf, Offline);
        ShouldPassWithOnlyAllowedChanges(sig);
        sig.ChangesAfterSigning.ShouldNotBeEmpty();
        sig.ChangesAfterSigning.ShouldAllBe(c => c.Category == "dss");
    }

    [Fact]
    public void a_page_pointing_to_identical_copies_of_its_resources_and_content_has_not_changed()
    {
        var w = Signed(By(Pki.Signer));
        int resources = w.NewObject(), content = w.NewObject();
        var pdf = w.AppendRaw([
                (resources, "<< /Font << /F1 5 0 R >> >>", null),
                (content, "", "BT /F1 18 Tf 72 720 Td (Hop dong so 42 / Contract no. 42) Tj ET"u8.ToArray()),
                (3, $"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {content} 0 R /Resources {resources} 0 R /Annots [7 0 R] >>", null),
            ]).ToArray();
        var sig = Single(pdf);
        sig.Indication.ShouldBe(Indication.TOTAL_PASSED, Explain(sig));
        sig.ChangesAfterSigning.ShouldBeEmpty();
    }

    [Fact]
    public void a_later_signature_on_a_filled_in_form_passes_and_reports_the_fill_and_the_signature()
    {
        var pdf = new MinimalPadesWriter()
            .AppendTextField("Amount")
            .AppendSignature(d => CmsFactory.Sign(d, By(Pki.Signer)))
            .AppendFormFill("Amount", "5 000 000 VND")
            .AppendSignature(d => CmsFactory.Sign(d, By(Pki.Signer)))
            .ToArray();
        var report = Validate(pdf);
        var first = report.Signatures[0];
        ShouldPassWithOnlyAllowedChanges(first);
        first.ChangesAfterSigning.ShouldContain(c => c.Category == "form-fill" && c.Description.Contains("'Amount' filled in"));
        first.ChangesAfterSigning.ShouldContain(c => c.Category == "signature");
        report.Signatures[1].Indication.ShouldBe(Indication.TOTAL_PASSED);
    }

    [Fact]
    public void annotations_added_where_the_certification_allows_them_pass()
    {
        var pdf = new MinimalPadesWriter()
            .AppendSignature(d => CmsFactory.Sign(d, By(Pki.Signer)), docMdpPermission: 3)
            .AppendAnnotation()
            .AppendFreeText("Da kiem tra / Checked")
            .ToArray();
        var sig = Single(pdf);
        ShouldPassWithOnlyAllowedChanges(sig);
        sig.ChangesAfterSigning.Count(c => c.Category == "annotation").ShouldBe(2);
    }

    [Fact]
    public void a_structure_tree_updated_to_tag_a_new_field_is_reported_as_structure_and_passes()
    {
        var w = new MinimalPadesWriter();
        int tree = w.NewObject();
        w.CatalogExtra = $"/StructTreeRoot {tree} 0 R /MarkInfo << /Marked true >>";
        w.AppendRaw([(tree, "<< /Type /StructTreeRoot /K [] >>", null)], rewriteCatalog: true)
            .AppendSignature(d => CmsFactory.Sign(d, By(Pki.Signer)))
            .AppendTextField("Note", "", null, extra: " /StructParent 0");
        int element = w.NewObject();
        var pdf = w.AppendRaw([
                (element, $"<< /Type /StructElem /S /Form /P {tree} 0 R /K << /Type /OBJR /Obj {w.FieldObject("Note")} 0 R >> >>", null),
                (tree, $"<< /Type /StructTreeRoot /K [{element} 0 R] /ParentTree << /Nums [0 {element} 0 R] >> >>", null),
            ]).ToArray();
        var sig = Single(pdf);
        ShouldPassWithOnlyAllowedChanges(sig);
        sig.ChangesAfterSigning.ShouldContain(c => c.Category == "structure");
        sig.ChangesAfterSigning.ShouldContain(c => c.Category == "form-field");
    }
}
