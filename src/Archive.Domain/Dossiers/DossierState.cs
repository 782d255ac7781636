using System.Collections.Immutable;
using Archive.Domain.Access;
using Archive.Domain.Holds;
using Archive.Domain.Retention;

namespace Archive.Domain.Dossiers;

public enum DossierStatus { None, Open, Closed, Transferred, Destroyed }

public sealed record FiledDocument(string DocumentId, int Order, string DocumentCode, string? ContentSha256, RetentionPeriod Retention, int PageCount);

/// <summary>What remains of a destroyed dossier (MoReq2010 residual entity).</summary>
public sealed record DestructionResidual(string RecordCode, string DecisionNumber, DateOnly DecisionDate,
    DateOnly DestroyedOn, string ExecutedBy, IReadOnlyList<string> ContentSha256s);

/// <summary>Hồ sơ (dossier).</summary>
public sealed record DossierState(
    DossierStatus Status,
    string Code,
    string OrganId,
    int Year,
    string FileNotation,
    DossierMetadata? Metadata,
    ImmutableList<FiledDocument> Documents,
    DateOnly? ClosedEndDate,
    DateOnly? TransferDueDate,
    DateOnly? TransferredOn,
    ImmutableList<Hold> Holds,
    ImmutableList<AccessChangeAlert> AccessAlerts,
    DestructionResidual? Residual)
{
    public static DossierState Initial { get; } = new(DossierStatus.None, "", "", 0, "", null, [], null, null, null, [], [], null);

    public bool IsHeld => !Holds.IsEmpty;

    public RetentionPeriod? Retention => Metadata?.GetRetention();

    public int PageTotal => Documents.Sum(d => d.PageCount);

    public int NextOrder => Documents.Count == 0 ? 1 : Documents.Max(d => d.Order) + 1;
}
