using Signing.Appearance;
using Signing.Pdf;
using Signing.Tests.Support;

namespace Signing.Tests;

[Collection(PkiCollection.Name)]
public sealed class AppearanceTests(TestPki pki)
{
    private static readonly DateTimeOffset SigningTime = new(2026, 11, 22, 1, 15, 30, TimeSpan.Zero);

    private PadesSignOptions Fixed(SignatureAppearance appearance) => pki.Options() with
    {
        Appearance = appearance,
        Clock = new FixedClock(SigningTime),
    };

    [Fact]
    public async Task the_visible_signature_text_extracts_exactly_with_diacritics_copy_kind_and_vietnam_time()
    {
        var (signed, result) = await SignFiles.Sign(pki, pki.Inputs.Ghostscript,
            Fixed(new SignatureAppearance { CopyKind = CopyKind.SaoY, OrganizationName = TestPki.OrganizationName }));

        var text = Tools.RunOk("pdftotext", "-f", "1", "-l", "1", signed, "-").Stdout;
        var lines = text.Split('\n').Select(l => l.Trim()).ToList();
        lines.ShouldContain("SAO Y");
        lines.ShouldContain(TestPki.OrganizationName);
        lines.ShouldContain("2026-11-22T08:15:30+07:00");
        text.ShouldNotContain("Z\n");
        result.SigningTime.ShouldBe(SigningTime);
        IndependentChecks.Pdfsig(pki, signed, 1);
    }

    [Fact]
    public async Task the_visible_signature_renders_black_glyphs_in_the_top_right_corner()
    {
        var (signed, _) = await SignFiles.Sign(pki, pki.Inputs.Ghostscript,
            Fixed(new SignatureAppearance { CopyKind = CopyKind.SaoY, OrganizationName = TestPki.OrganizationName }));
        var unsigned = DarkPixelsTopRight(pki.Inputs.Ghostscript);

        var dark = DarkPixelsTopRight(signed);

        unsigned.ShouldBe(0);
        dark.ShouldBeGreaterThan(300, "three lines of 10 pt text at 72 dpi ink a few hundred pixels");
        Environment.GetEnvironmentVariable("SIGNING_TESTS_KEEP")?.Let(dir => File.Copy(signed, Path.Combine(dir, "appearance.pdf"), true));
    }

    /// <summary>Renders the top 20 mm × right 120 mm of page 1 in gray and counts near-black pixels.</summary>
    private int DarkPixelsTopRight(string pdf)
    {
        var prefix = pki.NewPath("render");
        Tools.RunOk("pdftoppm", "-f", "1", "-l", "1", "-r", "72", "-gray", "-x", "255", "-y", "0", "-W", "340", "-H", "57", "-singlefile", pdf, prefix);
        var pgm = File.ReadAllBytes(prefix + ".pgm");
        var headerEnd = 0;
        for (var fields = 0; fields < 4; headerEnd++)
            if (pgm[headerEnd] is (byte)'\n' or (byte)' ') fields++;
        return pgm.Skip(headerEnd).Count(b => b < 100);
    }

    [Theory]
    [InlineData(CopyKind.SaoLuc, "SAO LỤC")]
    [InlineData(CopyKind.TrichSao, "TRÍCH SAO")]
    public async Task each_kind_of_copy_is_printed_in_capitals(CopyKind kind, string expected)
    {
        var (signed, _) = await SignFiles.Sign(pki, pki.Inputs.PdfSharp,
            Fixed(new SignatureAppearance { CopyKind = kind, OrganizationName = TestPki.OrganizationName }));

        Tools.RunOk("pdftotext", "-f", "1", "-l", "1", signed, "-").Stdout.Split('\n').Select(l => l.Trim()).ShouldContain(expected);
    }

    [Fact]
    public async Task the_visible_signature_sits_in_the_top_right_margin_of_an_a4_page()
    {
        var (signed, _) = await SignFiles.Sign(pki, pki.Inputs.Ghostscript,
            Fixed(new SignatureAppearance { CopyKind = CopyKind.SaoY, OrganizationName = TestPki.OrganizationName }));

        var doc = new PdfDocumentReader(await File.ReadAllBytesAsync(signed));
        var page = doc.GetFirstPage();
        var widget = ((PdfArray)doc.Resolve(page.Dictionary["Annots"])!).Items.Select(doc.Resolve).OfType<PdfDictionary>()
            .Single(a => a.NameOf("FT") == "Sig");
        var rect = ((PdfArray)widget["Rect"]!).Items.Cast<PdfNumber>().Select(n => n.Value).ToArray();
        const double mm = 72 / 25.4;
        var top = page.Box[3];
        (top - rect[1]).ShouldBeLessThanOrEqualTo(20 * mm, "the box stays inside the 20 mm top margin");
        (page.Box[2] - rect[2]).ShouldBeGreaterThanOrEqualTo(15 * mm - 0.01, "the box keeps the 15 mm right margin");
        rect[0].ShouldBeGreaterThan(page.Box[2] / 2, "the box is on the right half");
    }

    [Fact]
    public async Task the_font_is_embedded_as_a_truetype_subset_with_a_tounicode_map()
    {
        var (signed, _) = await SignFiles.Sign(pki, pki.Inputs.Ghostscript,
            Fixed(new SignatureAppearance { OrganizationName = TestPki.OrganizationName }));

        var fonts = Tools.RunOk("pdffonts", signed).Stdout;
        fonts.ShouldContain("LiberationSerif");
        fonts.ShouldContain("CID TrueType");
        var columns = fonts.Split('\n').Single(l => l.Contains("+LiberationSerif", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries);
        columns[4].ShouldBe("yes", "embedded");
        columns[5].ShouldBe("yes", "subset");
        columns[6].ShouldBe("yes", "has a ToUnicode map");
    }

    [Fact]
    public async Task an_invisible_signature_has_an_empty_rectangle_and_adds_no_text()
    {
        var (signed, _) = await SignFiles.Sign(pki, pki.Inputs.Ghostscript, Fixed(SignatureAppearance.Invisible));

        Tools.RunOk("pdftotext", "-f", "1", "-l", "1", signed, "-").Stdout.ShouldNotContain("+07:00");
        IndependentChecks.All(pki, signed, 1);
    }

    internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}

internal static class ObjectExtensions
{
    public static void Let<T>(this T? value, Action<T> action)
        where T : class
    {
        if (value is not null) action(value);
    }
}
