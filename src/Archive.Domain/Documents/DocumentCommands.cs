using Archive.Domain.Retention;

namespace Archive.Domain.Documents;

public abstract record DocumentCommand;

public sealed record RegisterDocument(string DocumentId, DocumentMetadata Metadata) : DocumentCommand;

public sealed record ChangeDocumentMetadata(DocumentMetadata Metadata, RetentionPeriod? ScheduleMinimum = null) : DocumentCommand;

/// <param name="IsScan">Whether the file is a scan of paper; defaults to true when the document is digitised (02).</param>
public sealed record AddContentVersion(ContentFacts Facts, bool? IsScan = null) : DocumentCommand;

public sealed record PlaceDocumentHold(Holds.PlaceHold Hold) : DocumentCommand;

public sealed record LiftDocumentHold(Holds.LiftHold Hold) : DocumentCommand;

public sealed record ConfirmDocumentAccessChange(int AlertNumber) : DocumentCommand;

public sealed record RecordDocumentDestruction(string DecisionNumber, DateOnly DecisionDate, DateOnly DestroyedOn) : DocumentCommand;

/// <summary>Records the outcome of a signature validation of the document's current content.</summary>
public sealed record RecordSignatureVerification(int ContentVersion, string ContentSha256, string ReportSha256,
    string DocumentIndication, string DocumentSubIndication, int SignatureCount) : DocumentCommand;
