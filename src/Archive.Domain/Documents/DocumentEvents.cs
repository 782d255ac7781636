using Archive.Domain.Common;

namespace Archive.Domain.Documents;

[EventType("document.registered.v1")]
public sealed record DocumentRegistered(string DocumentId, DocumentMetadata Metadata) : IDomainEvent;

[EventType("document.metadata.changed.v1")]
public sealed record DocumentMetadataChanged(string DocumentId, DocumentMetadata Metadata, IReadOnlyList<FieldChange> Changes) : IDomainEvent;

/// <summary>A stored file (content version) of the document, with the digitisation warnings computed when it was added.</summary>
[EventType("document.content.version.added.v1")]
public sealed record ContentVersionAdded(string DocumentId, int Version, string Sha256, long SizeBytes, string MediaType,
    string FileName, int? PdfPageCount, string? PdfVersion, string? PdfAConformance, int? ImageDpi, bool? IsColour,
    bool IsScan, IReadOnlyList<DigitizationWarning> Warnings) : IDomainEvent;

[EventType("document.destroyed.v1")]
public sealed record DocumentDestroyed(string DocumentId, string DecisionNumber, DateOnly DecisionDate,
    DateOnly DestroyedOn, string ExecutedBy, IReadOnlyList<string> ContentSha256s) : IDomainEvent;

/// <summary>
/// The signatures of a content version were validated. The report itself is not stored in the stream, only its
/// SHA-256 (of the JSON rendering), so the event proves which report was produced without bloating the stream.
/// </summary>
[EventType("signature.verified.v1")]
public sealed record SignatureVerified(string DocumentId, int ContentVersion, string ContentSha256, string ReportSha256,
    string DocumentIndication, string DocumentSubIndication, int SignatureCount, DateTimeOffset VerifiedAt) : IDomainEvent;
