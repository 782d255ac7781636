using System.Collections.Immutable;
using Archive.Domain.Access;
using Archive.Domain.Dossiers;
using Archive.Domain.Holds;

namespace Archive.Domain.Documents;

public enum DocumentStatus { None, Registered, Destroyed }

public sealed record StoredContent(int Version, string Sha256, long SizeBytes, string MediaType, string FileName,
    IReadOnlyList<DigitizationWarning> Warnings, int? PdfPageCount = null);

/// <summary>
/// Tài liệu / văn bản (document). Its identity is <see cref="DocumentId"/>, independent of the dossiers it is
/// filed in; each dossier gives it a document code of its own (Phụ lục VI III.4.e: no copying).
/// </summary>
public sealed record DocumentState(
    DocumentStatus Status,
    string DocumentId,
    DocumentMetadata? Metadata,
    ImmutableList<StoredContent> Contents,
    ImmutableList<Hold> Holds,
    ImmutableList<AccessChangeAlert> AccessAlerts,
    DestructionResidual? Residual)
{
    public static DocumentState Initial { get; } = new(DocumentStatus.None, "", null, [], [], [], null);

    /// <summary>Organization signatures and timestamp renewals, by the content version they produced.</summary>
    public ImmutableList<ContentSignature> Signatures { get; init; } = [];

    /// <summary>Digitization jobs of uploaded scans (OCR → PDF/A → signature), oldest first.</summary>
    public ImmutableList<DigitizationState> Digitizations { get; init; } = [];

    /// <summary>Tách bộ: the documents split off this document's scans, and (for a split-off document) where its pages came from.</summary>
    public ImmutableList<DocumentSplit> Splits { get; init; } = [];
    public DocumentSplitFrom? SplitFrom { get; init; }

    public bool IsHeld => !Holds.IsEmpty;

    public StoredContent? CurrentContent => Contents.LastOrDefault();
}
