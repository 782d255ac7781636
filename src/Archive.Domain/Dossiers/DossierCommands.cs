using Archive.Domain.Retention;

namespace Archive.Domain.Dossiers;

public abstract record DossierCommand;

public sealed record OpenDossier(string OrganId, int Year, string FileNotation, DossierMetadata Metadata) : DossierCommand;

/// <param name="ScheduleMinimum">The retention-schedule period for the dossier's group, looked up by the app; edits may not go below it.</param>
public sealed record ChangeDossierMetadata(DossierMetadata Metadata, RetentionPeriod? ScheduleMinimum = null) : DossierCommand;

/// <param name="DocumentRetention">The document's own retention; the dossier rises to it if it is longer.</param>
public sealed record FileDocument(string DocumentId, string? ContentSha256, RetentionPeriod DocumentRetention, int PageCount) : DossierCommand;

/// <summary>
/// A filed document's own retention changed (its stream emitted document.metadata.changed.v1); the app forwards it so
/// the dossier stays at the longest of its documents.
/// </summary>
public sealed record UpdateFiledDocumentRetention(string DocumentId, RetentionPeriod Retention) : DossierCommand;

/// <param name="EndDate">Thời gian kết thúc; falls back to the metadata's end date.</param>
public sealed record CloseDossier(DateOnly? EndDate = null) : DossierCommand;

public sealed record TransferDossier(DateOnly TransferredOn, string ReceivedBy, string? HandoverRecordRef = null) : DossierCommand;

public sealed record PlaceDossierHold(Holds.PlaceHold Hold) : DossierCommand;

public sealed record LiftDossierHold(Holds.LiftHold Hold) : DossierCommand;

public sealed record ConfirmDossierAccessChange(int AlertNumber) : DossierCommand;

/// <summary>Records that a signed destruction decision was executed on this dossier (see Disposition).</summary>
/// <param name="ContentSha256s">The hashes of the destroyed documents' content, from the app; the filings only know the
/// content a document had when it was filed (often none yet). Null falls back to those.</param>
public sealed record RecordDossierDestruction(string DecisionNumber, DateOnly DecisionDate, DateOnly DestroyedOn,
    IReadOnlyList<string>? ContentSha256s = null) : DossierCommand;
