namespace Archive.Domain.Documents;

/// <summary>
/// Facts about one stored file of a document, measured by the ingest pipeline (the domain never reads bytes).
/// PDF facts are null for non-PDF files; <see cref="ImageDpi"/> and <see cref="IsColour"/> are null when unknown.
/// </summary>
public sealed record ContentFacts(
    string Sha256,
    long SizeBytes,
    string MediaType,
    string FileName,
    int? PdfPageCount = null,
    string? PdfVersion = null,
    string? PdfAConformance = null,
    int? ImageDpi = null,
    bool? IsColour = null)
{
    public bool IsPdf => MediaType.Equals("application/pdf", StringComparison.OrdinalIgnoreCase);
}

/// <summary>A digitisation-standard warning: the file is stored anyway, the clerk is told what falls short.</summary>
public sealed record DigitizationWarning(string Code, string MessageVi, string MessageEn);
