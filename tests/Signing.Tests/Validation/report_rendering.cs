using System.Text.Json;
using Signing.Validation;
using static Signing.Tests.Validation.Corpus.Scenario;

namespace Signing.Tests.Validation;

public class report_rendering
{
    [Fact]
    public void json_uses_stable_property_names_and_enum_names()
    {
        var json = ReportRenderer.ToJson(Validate(Signed(By(Pki.Signer)).ToArray()));
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        root.GetProperty("documentIndication").GetString().ShouldBe("TOTAL_PASSED");
        var sig = root.GetProperty("signatures")[0];
        foreach (var name in new[] { "fieldName", "kind", "indication", "subIndication", "signer", "signingTime", "signingTimeProof", "level", "revision", "coversWholeDocument", "integrityValid", "checks", "changesAfterSigning", "explanation" })
            sig.TryGetProperty(name, out _).ShouldBeTrue(name);
        sig.GetProperty("signingTimeProof").GetString().ShouldBe("Claimed");
        sig.GetProperty("explanation").GetProperty("vi").GetString()!.ShouldContain("Chữ ký hợp lệ");
    }

    [Fact]
    public void json_round_trips()
    {
        var report = Validate(Signed(By(Pki.Signer)).AppendContentChange("changed").ToArray());
        var back = ReportRenderer.FromJson(ReportRenderer.ToJson(report)).ShouldNotBeNull();
        back.Signatures[0].SubIndication.ShouldBe(report.Signatures[0].SubIndication);
        back.Signatures[0].ChangesAfterSigning.Count.ShouldBe(report.Signatures[0].ChangesAfterSigning.Count);
    }

    [Fact]
    public void html_is_a_self_contained_bilingual_page_naming_the_changes()
    {
        var html = ReportRenderer.ToHtml(Validate(Signed(By(Pki.Signer)).AppendContentChange("<script>alert(1)</script>").ToArray()));
        html.ShouldStartWith("<!DOCTYPE html>");
        html.ShouldContain("Kết luận / Verdict");
        html.ShouldContain("TOTAL_FAILED");
        html.ShouldContain("không được phép / not allowed");
        html.ShouldContain("Nguyễn Văn An");
        html.ShouldNotContain("<script");
        html.ShouldNotContain("src=");
    }
}

public class pdf_report_rendering
{
    [Fact]
    public void the_pdf_report_is_a_readable_pdf_with_vietnamese_text()
    {
        var report = Validate(Signed(By(Pki.Signer)).AppendContentChange("changed").ToArray());
        var pdf = PdfReportRenderer.ToPdf(report);
        System.Text.Encoding.ASCII.GetString(pdf, 0, 5).ShouldBe("%PDF-");
        var path = Path.Combine(Path.GetTempPath(), $"report-{Guid.NewGuid():N}.pdf");
        File.WriteAllBytes(path, pdf);
        try
        {
            var psi = new System.Diagnostics.ProcessStartInfo("pdftotext") { RedirectStandardOutput = true };
            psi.ArgumentList.Add(path);
            psi.ArgumentList.Add("-");
            using var p = System.Diagnostics.Process.Start(psi)!;
            var text = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            text.ShouldContain("Báo cáo xác thực chữ ký");
            text.ShouldContain("TOTAL_FAILED");
            text.ShouldContain("Nguyễn Văn An");
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void each_check_is_reported_once_and_later_changes_are_summarised_once_in_revision_order()
    {
        var report = Validate(new Corpus.MinimalPadesWriter()
            .AppendTextField("Amount")
            .AppendSignature(d => Corpus.CmsFactory.Sign(d, By(Pki.Signer)))
            .AppendAnnotation()
            .AppendFormFill("Amount", "12 000 000 VND")
            .ToArray());
        var sig = report.Signatures.ShouldHaveSingleItem();
        sig.Indication.ShouldBe(Indication.TOTAL_PASSED, Explain(sig));
        sig.Checks.Count.ShouldBe(sig.Checks.Distinct().Count());
        sig.Checks.Count(c => c.Contains("later change")).ShouldBe(1);
        sig.Checks.ShouldContain(c => c.Contains("2 later change(s) in revision(s) 4, 5") && c.Contains("annotation") && c.Contains("form-fill"));
        sig.ChangesAfterSigning.Select(c => c.Revision).ShouldBe([4, 5]);
        // The byte range (what was signed) is the first check; the verdict on later changes comes after the cryptography.
        sig.Checks[0].ShouldStartWith("byte range");
        sig.Checks.ToList().FindIndex(c => c.Contains("later change")).ShouldBeGreaterThan(sig.Checks.ToList().FindIndex(c => c.Contains("signature value verifies")));
    }
}
