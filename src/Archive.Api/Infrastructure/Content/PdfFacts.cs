using System.Text;
using Signing.Pdf;

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
    /// Largest file whose facts are read. The file is held in memory while its facts are read (the archive's own PDF
    /// reader, the one the signer and the validator use, needs about the file's size), so larger files are stored
    /// without facts; the missing facts are visible on the content version.
    /// </summary>
    public const long DefaultMaxBytes = 32L * 1024 * 1024;

    /// <summary>Reads facts; never throws for bad input, it reports <c>Readable = false</c>.</summary>
    public static PdfFacts Read(Stream pdf, long maxBytes = DefaultMaxBytes)
    {
        if (pdf.CanSeek && pdf.Length > maxBytes)
            return new PdfFacts(false, null, null, null, null, null, 0, $"too-large-for-facts (> {maxBytes} bytes)");
        try
        {
            var bytes = ReadAtMost(pdf, maxBytes);
            if (bytes is null) return new PdfFacts(false, null, null, null, null, null, 0, $"too-large-for-facts (> {maxBytes} bytes)");
            // A stream length or object count larger than the file is a damaged or hostile file: refused as unreadable,
            // whatever a lenient reader could make of it.
            using (var scan = new MemoryStream(bytes, writable: false))
                if (DeclaredSizes.Exceeding(scan) is { } lie) return new PdfFacts(false, null, null, null, null, null, 0, lie);
            var doc = new PdfDocumentReader(bytes);
            // A file whose cross-reference data had to be rebuilt is damaged (often truncated): its facts would be guesses.
            if (doc.Reconstructed) return new PdfFacts(false, null, null, null, null, null, 0, "damaged-cross-reference");
            int? minDpi = null;
            bool? color = null;
            var images = 0;
            var pages = 0;
            foreach (var page in doc.Pages())
            {
                pages++;
                var widthInches = (page.MediaBox[2] - page.MediaBox[0]) / 72.0;
                foreach (var image in Images(doc, page))
                {
                    images++;
                    var pixels = (doc.Resolve(image["Width"]) as PdfNumber)?.LongValue ?? 0;
                    if (widthInches > 0 && pixels > 0)
                    {
                        var dpi = (int)Math.Round(pixels / widthInches);
                        minDpi = minDpi is null ? dpi : Math.Min(minDpi.Value, dpi);
                    }
                    var c = IsColorSpace(doc, image["ColorSpace"], 0);
                    if (c is not null) color = (color ?? false) || c.Value;
                }
            }
            return new PdfFacts(true, pages, Version(doc), ReadPdfA(doc), minDpi, color, images, null);
        }
        catch (Exception e)
        {
            // An allocation refused for a size the file declared is the file's fault, not the server's: unreadable.
            return new PdfFacts(false, null, null, null, null, null, 0, e.GetType().Name);
        }
    }

    private static byte[]? ReadAtMost(Stream pdf, long maxBytes)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int n;
        while ((n = pdf.Read(chunk)) > 0)
        {
            if (buffer.Length + n > maxBytes) return null;
            buffer.Write(chunk, 0, n);
        }
        return buffer.ToArray();
    }

    /// <summary>The header's version, raised by the catalog's /Version (ISO 32000-2 7.7.2) when that is later.</summary>
    private static string? Version(PdfDocumentReader doc)
    {
        var header = System.Text.RegularExpressions.Regex.Match(Encoding.ASCII.GetString(doc.Data, 0, Math.Min(1024, doc.Data.Length)), @"%PDF-(\d)\.(\d)");
        var version = header.Success ? $"{header.Groups[1].Value}.{header.Groups[2].Value}" : null;
        if (doc.Catalog.NameOf("Version") is { } v && System.Version.TryParse(v, out var catalog)
            && (version is null || catalog > System.Version.Parse(version)))
            version = v;
        return version;
    }

    private static IEnumerable<PdfDictionary> Images(PdfDocumentReader doc, PageInfo page)
    {
        if (doc.Resolve(page.Resources?["XObject"]) is not PdfDictionary xobjects) yield break;
        foreach (var value in xobjects.Values)
            if (doc.Resolve(value) is PdfStream { Dictionary: var x } && x.NameOf("Subtype") == "Image") yield return x;
    }

    private static bool? IsColorSpace(PdfDocumentReader doc, PdfObject? item, int depth)
    {
        item = doc.Resolve(item);
        if (depth > 8) return null;
        switch (item)
        {
            case PdfName n:
                return n.Value switch
                {
                    "DeviceGray" or "CalGray" => false,
                    "DeviceRGB" or "CalRGB" or "DeviceCMYK" or "Lab" => true,
                    _ => null,
                };
            case PdfArray a when a.Items.Count > 0:
                var family = (doc.Resolve(a.Items[0]) as PdfName)?.Value;
                if (family == "ICCBased" && a.Items.Count > 1)
                {
                    var profile = doc.Resolve(a.Items[1]) switch { PdfStream s => s.Dictionary, PdfDictionary d => d, _ => null };
                    return (doc.Resolve(profile?["N"]) as PdfNumber)?.LongValue is { } n and > 0 ? n >= 3 : null;
                }
                if (family == "Indexed" && a.Items.Count > 1) return IsColorSpace(doc, a.Items[1], depth + 1);
                return IsColorSpace(doc, a.Items[0], depth + 1);
            default:
                return null;
        }
    }

    private static string? ReadPdfA(PdfDocumentReader doc)
    {
        if (doc.Resolve(doc.Catalog["Metadata"]) is not PdfStream metadata) return null;
        string xmp;
        // Metadata in a filter the reader does not decode is simply not read: the file's other facts still hold.
        try { xmp = Encoding.UTF8.GetString(doc.DecodeStream(metadata)); }
        catch (PdfFormatException) { return null; }
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
