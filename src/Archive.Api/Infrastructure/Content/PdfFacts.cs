using System.Text;
using PdfSharp.Pdf;
using PdfSharp.Pdf.Advanced;
using PdfSharp.Pdf.IO;

namespace Archive.Api.Infrastructure.Content;

/// <summary>
/// What can be read from a PDF without rendering it (thông tin tệp PDF). <see cref="Readable"/>
/// is false for broken or encrypted files; the other facts are then null.
/// </summary>
public sealed record PdfFacts(bool Readable, int? PageCount, string? Version, string? PdfA,
    int? MinImageDpi, bool? IsColor, int ImageCount, string? Error);

/// <summary>A digitization warning (cảnh báo số hóa) with bilingual text.</summary>
public sealed record DigitizationWarning(string Code, string MessageVi, string MessageEn);

public static class PdfFactsReader
{
    /// <summary>
    /// Largest file whose facts are read. PDFsharp parses a whole file in memory (a 200 MB scan
    /// took the server to 1.1 GB), so larger files are stored without facts rather than risk
    /// running the server out of memory; the missing facts are visible on the content version.
    /// </summary>
    public const long DefaultMaxBytes = 32L * 1024 * 1024;

    /// <summary>Reads facts; never throws for bad input, it reports <c>Readable = false</c>.</summary>
    public static PdfFacts Read(Stream pdf, long maxBytes = DefaultMaxBytes)
    {
        if (pdf.CanSeek && pdf.Length > maxBytes)
            return new PdfFacts(false, null, null, null, null, null, 0, $"too-large-for-facts (> {maxBytes} bytes)");
        try
        {
            // PDFsharp sizes buffers from what the file declares (an xref stream saying /Length 2147483647 made it throw
            // OutOfMemoryException): refuse declared sizes the file cannot hold before it reads anything.
            if (DeclaredSizes.Exceeding(pdf) is { } lie)
                return new PdfFacts(false, null, null, null, null, null, 0, lie);
            using var doc = PdfReader.Open(pdf, PdfDocumentOpenMode.Import);
            var version = $"{doc.Version / 10}.{doc.Version % 10}";
            int? minDpi = null;
            bool? color = null;
            var images = 0;
            foreach (var page in doc.Pages)
            {
                var widthInches = page.MediaBox.Width / 72.0;
                foreach (var image in Images(page))
                {
                    images++;
                    var pixels = image.Elements.GetInteger("/Width");
                    if (widthInches > 0 && pixels > 0)
                    {
                        var dpi = (int)Math.Round(pixels / widthInches);
                        minDpi = minDpi is null ? dpi : Math.Min(minDpi.Value, dpi);
                    }
                    var c = IsColorSpace(image.Elements["/ColorSpace"]);
                    if (c is not null) color = (color ?? false) || c.Value;
                }
            }
            return new PdfFacts(true, doc.PageCount, version, ReadPdfA(doc), minDpi, color, images, null);
        }
        catch (Exception e)
        {
            // An allocation refused for a size the file declared is the file's fault, not the server's: unreadable.
            return new PdfFacts(false, null, null, null, null, null, 0, e.GetType().Name);
        }
    }

    private static IEnumerable<PdfDictionary> Images(PdfPage page)
    {
        var xobjects = page.Elements.GetDictionary("/Resources")?.Elements.GetDictionary("/XObject");
        if (xobjects is null) yield break;
        foreach (var key in xobjects.Elements.Keys)
        {
            var x = xobjects.Elements.GetDictionary(key);
            if (x?.Elements.GetName("/Subtype") == "/Image") yield return x;
        }
    }

    private static bool? IsColorSpace(PdfItem? item)
    {
        if (item is PdfReference r) item = r.Value;
        switch (item)
        {
            case PdfName n:
                return n.Value switch
                {
                    "/DeviceGray" or "/CalGray" => false,
                    "/DeviceRGB" or "/CalRGB" or "/DeviceCMYK" or "/Lab" => true,
                    _ => null,
                };
            case PdfArray a when a.Elements.Count > 0:
                var family = (a.Elements[0] as PdfName)?.Value;
                if (family == "/ICCBased" && a.Elements.Count > 1)
                {
                    var profile = a.Elements[1] is PdfReference pr ? pr.Value as PdfDictionary : a.Elements[1] as PdfDictionary;
                    return profile?.Elements.GetInteger("/N") is var n and > 0 ? n >= 3 : null;
                }
                if (family == "/Indexed" && a.Elements.Count > 1) return IsColorSpace(a.Elements[1]);
                return IsColorSpace(a.Elements[0]);
            default:
                return null;
        }
    }

    private static string? ReadPdfA(PdfDocument doc)
    {
        var metadata = doc.Internals.Catalog.Elements.GetDictionary("/Metadata");
        var stream = metadata?.Stream;
        if (stream is null) return null;
        var bytes = stream.UnfilteredValue;
        var xmp = Encoding.UTF8.GetString(bytes);
        var part = XmpValue(xmp, "pdfaid:part");
        if (part is null) return null;
        var conformance = XmpValue(xmp, "pdfaid:conformance");
        return $"PDF/A-{part}{conformance?.ToLowerInvariant()}";
    }

    // XMP writes properties either as attributes (pdfaid:part="2") or elements (<pdfaid:part>2</pdfaid:part>).
    private static string? XmpValue(string xmp, string name)
    {
        var m = System.Text.RegularExpressions.Regex.Match(xmp, $@"{name}\s*=\s*[""']([^""']+)[""']|<{name}>\s*([^<\s]+)\s*</{name}>");
        return !m.Success ? null : m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value;
    }
}

/// <summary>
/// Checks a digitized PDF against the archive's scan rules: PDF ≥ 1.4, colour, ≥ 200 dpi.
/// Findings are warnings, not rejections: the archivist decides.
/// </summary>
public static class DigitizationCheck
{
    public const int MinDpi = 200;

    public static IReadOnlyList<DigitizationWarning> Check(PdfFacts facts)
    {
        if (!facts.Readable)
            return [new("pdf-unreadable", "Không đọc được tệp PDF (hỏng hoặc mã hóa).", "The PDF cannot be read (broken or encrypted).")];
        var warnings = new List<DigitizationWarning>();
        if (facts.Version is { } v && Version.TryParse(v, out var parsed) && parsed < new Version(1, 4))
            warnings.Add(new("pdf-version-too-old", $"Phiên bản PDF {v} thấp hơn 1.4.", $"PDF version {v} is below 1.4."));
        if (facts.IsColor == false)
            warnings.Add(new("not-color", "Bản số hóa không phải ảnh màu.", "The scan is not in colour."));
        if (facts.MinImageDpi is { } dpi && dpi < MinDpi)
            warnings.Add(new("resolution-too-low", $"Độ phân giải {dpi} dpi thấp hơn {MinDpi} dpi.", $"Resolution {dpi} dpi is below {MinDpi} dpi."));
        if (facts.ImageCount == 0)
            warnings.Add(new("no-scanned-images", "Không tìm thấy ảnh quét để kiểm tra độ phân giải và màu.", "No scanned images found to check resolution and colour."));
        return warnings;
    }
}
