using Archive.Api.Infrastructure.Content;
using Archive.Api.Tests.Support;

namespace Archive.Api.Tests;

public class pdf_facts
{
    [Fact]
    public void a_colour_scan_at_300_dpi_has_facts_and_no_warnings()
    {
        var facts = PdfFactsReader.Read(new MemoryStream(PdfSamples.Scan(600, color: true, pageInches: 2)));
        facts.Readable.ShouldBeTrue();
        facts.PageCount.ShouldBe(1);
        facts.Version.ShouldBe("1.7");
        facts.MinImageDpi.ShouldBe(300);
        facts.IsColor.ShouldBe(true);
        DigitizationCheck.Check(facts).ShouldBeEmpty();
    }

    [Fact]
    public void a_grey_low_resolution_scan_gets_bilingual_warnings()
    {
        var facts = PdfFactsReader.Read(new MemoryStream(PdfSamples.Scan(150, color: false)));
        facts.IsColor.ShouldBe(false);
        var warnings = DigitizationCheck.Check(facts);
        warnings.Select(w => w.Code).ShouldBe(["not-color", "resolution-too-low"], ignoreOrder: true);
        warnings.ShouldAllBe(w => w.MessageVi.Length > 0 && w.MessageEn.Length > 0);
    }

    [Fact]
    public void an_old_pdf_version_is_warned()
    {
        var facts = PdfFactsReader.Read(new MemoryStream(PdfSamples.Scan(300, color: true, version: 13)));
        facts.Version.ShouldBe("1.3");
        DigitizationCheck.Check(facts).Select(w => w.Code).ShouldContain("pdf-version-too-old");
    }

    [Fact]
    public void a_pdfa_claim_is_read_from_xmp()
    {
        PdfFactsReader.Read(new MemoryStream(PdfSamples.Scan(300, color: true, pdfA: "2B"))).PdfA.ShouldBe("PDF/A-2b");
        PdfFactsReader.Read(new MemoryStream(PdfSamples.Scan(300, color: true))).PdfA.ShouldBeNull();
    }

    [Fact]
    public void a_broken_pdf_is_reported_unreadable_without_throwing()
    {
        var broken = "%PDF-1.7\nthis is not a pdf at all"u8.ToArray();
        var facts = PdfFactsReader.Read(new MemoryStream(broken));
        facts.Readable.ShouldBeFalse();
        facts.Error.ShouldNotBeNull();
        DigitizationCheck.Check(facts).ShouldHaveSingleItem().Code.ShouldBe("pdf-unreadable");
    }

    [Fact]
    public void a_truncated_pdf_is_reported_unreadable()
    {
        var pdf = PdfSamples.Scan(300, color: true);
        PdfFactsReader.Read(new MemoryStream(pdf[..(pdf.Length / 2)])).Readable.ShouldBeFalse();
    }
}
