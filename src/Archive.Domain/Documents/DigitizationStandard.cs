using System.Globalization;
using Archive.Domain.CodeLists;

namespace Archive.Domain.Documents;

/// <summary>
/// Chuẩn số hóa: NĐ 30/2020 Phụ lục I Phần II I.2 (PDF ≥ 1.4, colour, ≥ 200 dpi) and
/// TT 05/2025 Điều 8 (PDF/A; 300 dpi for maps and technical drawings).
/// Warnings, not rejections: a substandard scan is still better kept than lost.
/// </summary>
public static class DigitizationStandard
{
    public const decimal MinPdfVersion = 1.4m;
    public const int MinDpi = 200;
    public const int MinDpiMapsAndDrawings = 300;

    public static int RequiredDpi(string typeCode) =>
        typeCode is Codes.TypeMap or Codes.TypeTechnicalDrawing ? MinDpiMapsAndDrawings : MinDpi;

    /// <summary>Warnings for a scanned file of a document of type <paramref name="typeCode"/>.</summary>
    public static IReadOnlyList<DigitizationWarning> Check(ContentFacts facts, string typeCode)
    {
        var warnings = new List<DigitizationWarning>();
        if (!facts.IsPdf)
        {
            warnings.Add(new("not_pdf",
                $"Tệp số hóa nên là PDF/A (hiện là {facts.MediaType}).",
                $"A digitised file should be PDF/A (got {facts.MediaType})."));
        }
        else
        {
            if (facts.PdfVersion is null)
                warnings.Add(new("pdf_version_unknown", "Không xác định được phiên bản PDF.", "The PDF version is unknown."));
            else if (!decimal.TryParse(facts.PdfVersion, NumberStyles.Number, CultureInfo.InvariantCulture, out var v) || v < MinPdfVersion)
                warnings.Add(new("pdf_version_too_low",
                    $"Phiên bản PDF {facts.PdfVersion} thấp hơn 1.4.",
                    $"PDF version {facts.PdfVersion} is below 1.4."));
            if (string.IsNullOrEmpty(facts.PdfAConformance))
                warnings.Add(new("not_pdfa", "Tệp không khai báo chuẩn PDF/A.", "The file does not claim PDF/A conformance."));
        }

        if (facts.IsColour == false)
            warnings.Add(new("not_colour", "Ảnh quét không phải ảnh màu.", "The scan is not in colour."));

        var requiredDpi = RequiredDpi(typeCode);
        if (facts.ImageDpi is null)
            warnings.Add(new("dpi_unknown", "Không xác định được độ phân giải ảnh quét.", "The scan resolution is unknown."));
        else if (facts.ImageDpi < requiredDpi)
            warnings.Add(new("dpi_too_low",
                $"Độ phân giải {facts.ImageDpi} dpi thấp hơn mức tối thiểu {requiredDpi} dpi.",
                $"Resolution {facts.ImageDpi} dpi is below the minimum {requiredDpi} dpi."));
        return warnings;
    }

    /// <summary>
    /// The file's pages against the document's declared page count (số trang, TT 05/2025 metadata; the seeds' check of the
    /// sheet against the files): a difference is a warning, e.g. a page missed by the scanner or two documents in one file.
    /// Nothing is said when either is unknown.
    /// </summary>
    public static IReadOnlyList<DigitizationWarning> CheckPageCount(int? filePages, int? declaredPages) =>
        filePages is > 0 && declaredPages is > 0 && filePages != declaredPages
            ? [new("page_count_mismatch",
                $"Tệp có {filePages} trang nhưng tài liệu khai báo {declaredPages} trang.",
                $"The file has {filePages} page(s) but the document declares {declaredPages}.")]
            : [];
}
