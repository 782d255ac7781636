using System.Diagnostics;
using PdfSharp.Drawing;
using PdfSharp.Drawing.Layout;
using PdfSharp.Pdf;
using Signing.Validation;

namespace Archive.Testing;

/// <summary>
/// Makes scans as a production scanner gives them, from real text: an A4 page of Vietnamese text (Liberation Serif,
/// 12 pt) rendered by poppler's pdftoppm to a colour JPEG at <c>dpi</c> (200 by default, NĐ 30/2020 Phụ lục I).
/// Used by the digitization tests and the <c>digitize</c> bench, so both read the same kind of page.
/// </summary>
public static class ScanMaker
{
    /// <summary>A one-page colour JPEG scan (JFIF density = <paramref name="dpi"/>) of <paramref name="paragraphs"/>.</summary>
    public static byte[] Jpeg(IEnumerable<string> paragraphs, int dpi = 200, double fontSize = 12, double pageHeightInches = 11.69)
    {
        return JpegOf(Pdf(paragraphs, fontSize, pageHeightInches), dpi);
    }

    /// <summary>The first page of <paramref name="pdf"/> as a scanner gives it: a colour JPEG at <paramref name="dpi"/> (pdftoppm, quality 85).</summary>
    public static byte[] JpegOf(byte[] pdf, int dpi = 200)
    {
        var dir = Directory.CreateTempSubdirectory("scan-");
        try
        {
            var input = Path.Combine(dir.FullName, "page.pdf");
            File.WriteAllBytes(input, pdf);
            Run("pdftoppm", "-r", dpi.ToString(), "-jpeg", "-jpegopt", "quality=85", "-singlefile", input, Path.Combine(dir.FullName, "page"));
            return File.ReadAllBytes(Path.Combine(dir.FullName, "page.jpg"));
        }
        finally { dir.Delete(true); }
    }

    /// <summary>A text PDF of one A4-wide page (the source the scan is made from).</summary>
    public static byte[] Pdf(IEnumerable<string> paragraphs, double fontSize = 12, double pageHeightInches = 11.69)
    {
        PdfReportRenderer.UseLiberationSerif();
        using var doc = PdfReportRenderer.NewDocument();
        var page = doc.AddPage();
        page.Width = XUnit.FromInch(8.27);
        page.Height = XUnit.FromInch(pageHeightInches);
        using (var gfx = XGraphics.FromPdfPage(page))
        {
            var font = new XFont("Liberation Serif", fontSize, XFontStyleEx.Regular, new XPdfFontOptions(PdfFontEncoding.Unicode));
            var margin = Math.Min(60, page.Height.Point / 12);
            var width = page.Width.Point - 2 * margin;
            var y = margin;
            var formatter = new XTextFormatter(gfx);
            foreach (var p in paragraphs)
            {
                var perLine = Math.Max(20, (int)(width / (fontSize * 0.47)));
                var height = (p.Length / perLine + 1) * fontSize * 1.25;
                if (y + height > page.Height.Point - margin) break;
                formatter.DrawString(p, font, XBrushes.Black, new XRect(margin, y, width, height), XStringFormats.TopLeft);
                y += height + fontSize * 0.6;
            }
        }
        using var ms = new MemoryStream();
        doc.Save(ms, false);
        return ms.ToArray();
    }

    private static void Run(string tool, params string[] args)
    {
        var psi = new ProcessStartInfo(tool) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEnd();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{tool} failed ({p.ExitCode}): {err}");
    }
}
