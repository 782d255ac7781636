using PdfSharp.Drawing;
using PdfSharp.Fonts;
using PdfSharp.Pdf;

namespace Signing.Tests.Support;

/// <summary>Input PDFs from different producers, made once per run with the real tools.</summary>
public sealed class SamplePdfs
{
    public SamplePdfs(string dir)
    {
        PdfSharp = Path.Combine(dir, "pdfsharp.pdf");
        WritePdfSharp(PdfSharp);

        Ghostscript = Path.Combine(dir, "gs.pdf");
        Tools.RunOk("gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=pdfwrite", "-sPAPERSIZE=a4", "-dCompatibilityLevel=1.4",
            "-o", Ghostscript, "-c",
            "/Times-Roman findfont 14 scalefont setfont 85 700 moveto (Ghostscript test document) show 85 680 moveto (Body text inside the margins.) show showpage");

        var png = Path.Combine(dir, "scan");
        Tools.RunOk("pdftoppm", "-r", "72", "-png", "-singlefile", Ghostscript, png);
        Scan = Path.Combine(dir, "scan.pdf");
        Tools.RunOk("img2pdf", "--pagesize", "A4", "-o", Scan, png + ".png");

        ObjectStreams = Path.Combine(dir, "objstm.pdf");
        Tools.RunOk("qpdf", "--object-streams=generate", Ghostscript, ObjectStreams);

        Pdf20 = Path.Combine(dir, "pdf20.pdf");
        Tools.RunOk("qpdf", "--force-version=2.0", "--object-streams=generate", PdfSharp, Pdf20);
    }

    public string PdfSharp { get; }
    public string Ghostscript { get; }
    public string Scan { get; }
    public string ObjectStreams { get; }
    public string Pdf20 { get; }

    public string this[string kind] => kind switch
    {
        "pdfsharp" => PdfSharp,
        "ghostscript" => Ghostscript,
        "scan" => Scan,
        "objstm" => ObjectStreams,
        "pdf20" => Pdf20,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private static void WritePdfSharp(string path)
    {
        GlobalFontSettings.FontResolver ??= new LiberationResolver();
        using var doc = new PdfDocument();
        var page = doc.AddPage();
        page.Width = XUnit.FromMillimeter(210);
        page.Height = XUnit.FromMillimeter(297);
        using (var g = XGraphics.FromPdfPage(page))
        {
            var font = new XFont("Liberation Serif", 12);
            g.DrawString("Văn bản thử nghiệm do PDFsharp tạo ra.", font, XBrushes.Black, new XPoint(XUnit.FromMillimeter(30).Point, XUnit.FromMillimeter(40).Point));
        }
        doc.AddPage();
        doc.Save(path);
    }

    private sealed class LiberationResolver : IFontResolver
    {
        public FontResolverInfo? ResolveTypeface(string familyName, bool isBold, bool isItalic) => new("LiberationSerif");

        public byte[]? GetFont(string faceName) => File.ReadAllBytes(Appearance.SignatureAppearance.DefaultFontPath);
    }
}
