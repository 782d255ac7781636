using Archive.Domain.Common;

namespace Archive.Domain.Dossiers;

[EventType("dossier.opened.v1")]
public sealed record DossierOpened(string DossierCode, string OrganId, int Year, string FileNotation, DossierMetadata Metadata) : IDomainEvent;

/// <summary>A metadata edit: the full new metadata plus the changed fields, old and new, for auditors.</summary>
[EventType("dossier.metadata.changed.v1")]
public sealed record DossierMetadataChanged(string DossierCode, DossierMetadata Metadata, IReadOnlyList<FieldChange> Changes) : IDomainEvent;

/// <summary>
/// A document filed into the dossier; the dossier assigns the order (số thứ tự) and the document code.
/// The document itself is not copied: it keeps its identity and content hash in its own stream.
/// </summary>
[EventType("dossier.document.filed.v1")]
public sealed record DocumentFiled(string DossierCode, string DocumentId, int Order, string DocumentCode,
    string? ContentSha256, string RetentionCode, int? RetentionYears, int PageCount) : IDomainEvent;

/// <summary>The dossier's retention rose to match its longest-kept document (Luật Lưu trữ 2024 Điều 15).</summary>
[EventType("dossier.retention.raised.v1")]
public sealed record DossierRetentionRaised(string DossierCode, string RetentionCode, int? RetentionYears,
    string CausedByDocumentId, IReadOnlyList<FieldChange> Changes) : IDomainEvent;

/// <summary>The retention recorded for a filed document changed (the document was re-valued in its own stream).</summary>
[EventType("dossier.document.retention.updated.v1")]
public sealed record FiledDocumentRetentionUpdated(string DossierCode, string DocumentId, string RetentionCode, int? RetentionYears,
    IReadOnlyList<FieldChange> Changes) : IDomainEvent;

[EventType("dossier.closed.v1")]
public sealed record DossierClosed(string DossierCode, DateOnly EndDate, int DocumentCount, int PageCount,
    DateOnly TransferDueDate, IReadOnlyList<FieldChange> Changes) : IDomainEvent;

/// <summary>Nộp lưu vào Lưu trữ cơ quan (transfer to the agency archive, NĐ 30 Điều 31).</summary>
[EventType("dossier.transferred.v1")]
public sealed record DossierTransferred(string DossierCode, DateOnly TransferredOn, string ReceivedBy, string? HandoverRecordRef) : IDomainEvent;

/// <summary>After destruction only this residual stays: who, when, under which decision, and the hashes.</summary>
[EventType("dossier.destroyed.v1")]
public sealed record DossierDestroyed(string DossierCode, string DecisionNumber, DateOnly DecisionDate,
    DateOnly DestroyedOn, string ExecutedBy, IReadOnlyList<string> ContentSha256s) : IDomainEvent;
