using PdfSharp.Drawing;
using PdfSharp.Drawing.Layout;
using PdfSharp.Fonts;
using PdfSharp.Pdf;

namespace Signing.Validation;

/// <summary>
/// Renders a report as a PDF for the case file. Liberation Serif is used because it covers Vietnamese diacritics;
/// PDFsharp has no system font access on Linux, so a resolver for that family is installed unless the host
/// application already configured one (the resolver is process-global in PDFsharp).
/// </summary>
public static class PdfReportRenderer
{
    private const string Family = "Liberation Serif";
    private static readonly object Gate = new();

    /// <summary>Installs the Liberation Serif resolver unless the host configured one (also used to render test scans).</summary>
    public static void UseLiberationSerif()
    {
        lock (Gate)
        {
            GlobalFontSettings.FontResolver ??= new LiberationSerifResolver();
        }
    }

    public static byte[] ToPdf(ValidationReport report)
    {
        UseLiberationSerif();

        using var document = new PdfDocument();
        document.Info.Title = "Báo cáo xác thực chữ ký / Signature validation report";
        var options = new XPdfFontOptions(PdfFontEncoding.Unicode);
        var title = new XFont(Family, 16, XFontStyleEx.Bold, options);
        var heading = new XFont(Family, 12, XFontStyleEx.Bold, options);
        var body = new XFont(Family, 10, XFontStyleEx.Regular, options);

        PdfPage page = null!;
        XGraphics gfx = null!;
        double y = 0;
        const double margin = 50;
        NewPage();

        Write("Báo cáo xác thực chữ ký / Signature validation report", title);
        Write($"Thời điểm xác thực / Validation time: {report.ValidationTime:u}", body);
        Write($"SHA-256: {report.DocumentSha256}", body);
        Write($"Kết luận / Verdict: {report.DocumentIndication} {(report.DocumentSubIndication == SubIndication.NONE ? "" : report.DocumentSubIndication.ToString())}", heading);
        Write(report.Explanation.Vi, body);
        Write(report.Explanation.En, body);
        if (report.VerifiableUntil is { } until) Write($"Cần dấu thời gian tài liệu mới trước / New document timestamp due before: {until:u}", body);
        foreach (var p in report.Problems) Write("! " + p, body);
        int i = 0;
        foreach (var s in report.Signatures)
        {
            Write($"#{++i} {s.FieldName} ({s.Kind}): {s.Indication} {(s.SubIndication == SubIndication.NONE ? "" : s.SubIndication.ToString())}", heading);
            Write($"Người ký / Signer: {s.Signer}", body);
            Write($"Thời điểm ký / Signing time: {s.SigningTime:u} ({s.SigningTimeProof})", body);
            Write($"Mức / Level: {s.Level}; phiên bản / revision {s.Revision}/{report.RevisionCount}", body);
            Write(s.Explanation.Vi, body);
            Write(s.Explanation.En, body);
            foreach (var c in s.ChangesAfterSigning)
                Write($"{(c.Allowed ? "được phép / allowed" : "KHÔNG được phép / NOT allowed")}: {c.Description}", body);
        }
        gfx.Dispose();
        using var ms = new MemoryStream();
        document.Save(ms, false);
        return ms.ToArray();

        void NewPage()
        {
            gfx?.Dispose();
            page = document.AddPage();
            gfx = XGraphics.FromPdfPage(page);
            y = margin;
        }

        void Write(string text, XFont font)
        {
            double width = page.Width.Point - 2 * margin;
            // Rough height estimate for wrapping: characters per line from the average glyph width.
            int perLine = Math.Max(20, (int)(width / (font.Size * 0.5)));
            double height = (text.Length / perLine + 1) * font.Size * 1.3;
            if (y + height > page.Height.Point - margin) NewPage();
            new XTextFormatter(gfx).DrawString(text, font, XBrushes.Black, new XRect(margin, y, width, height), XStringFormats.TopLeft);
            y += height + 4;
        }
    }

    /// <summary>A new PDFsharp document (one place for the report and the test scans).</summary>
    public static PdfDocument NewDocument() => new();

    private sealed class LiberationSerifResolver : IFontResolver
    {
        private const string Dir = "/usr/share/fonts/truetype/liberation2/";

        public FontResolverInfo? ResolveTypeface(string familyName, bool bold, bool italic) =>
            new((bold, italic) switch
            {
                (true, true) => "LiberationSerif-BoldItalic",
                (true, false) => "LiberationSerif-Bold",
                (false, true) => "LiberationSerif-Italic",
                _ => "LiberationSerif-Regular",
            });

        public byte[]? GetFont(string faceName) => File.ReadAllBytes(Path.Combine(Dir, faceName + ".ttf"));
    }
}
