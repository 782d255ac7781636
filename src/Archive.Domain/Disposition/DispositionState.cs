using System.Collections.Immutable;
using Archive.Domain.Retention;

namespace Archive.Domain.Disposition;

public enum DispositionStatus { None, Proposed, Signed, Executed }

public sealed record CouncilOpinion(string MemberId, string MemberName, bool Agrees, string? Comment, DateTimeOffset RecordedAt);

public sealed record SignedDecision(string Number, DateOnly Date, string SignedBy);

/// <summary>Hồ sơ hủy tài liệu (destruction file): what the agency keeps as proof of a destruction.</summary>
public sealed record DestructionFile(string ProposalId, SignedDecision Decision, IReadOnlyList<ProposedRecord> List,
    IReadOnlyList<CouncilOpinion> CouncilMinutes, DateOnly ExecutedOn, string ExecutedBy,
    IReadOnlyList<DestroyedRecord> Destroyed, RetentionPeriod Retention);

/// <summary>Quy trình hủy tài liệu hết giá trị (disposition workflow) for one destruction list.</summary>
public sealed record DispositionState(
    DispositionStatus Status,
    string ProposalId,
    string OrganId,
    ImmutableList<ProposedRecord> Records,
    ImmutableList<CouncilOpinion> Opinions,
    SignedDecision? Decision,
    DestructionFile? File)
{
    public static DispositionState Initial { get; } = new(DispositionStatus.None, "", "", [], [], null, null);
}
