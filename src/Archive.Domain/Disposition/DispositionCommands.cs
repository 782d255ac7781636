using Archive.Domain.Retention;

namespace Archive.Domain.Disposition;

public abstract record DispositionCommand;

public sealed record ProposalItem(DispositionCandidate Candidate, string Reason);

public sealed record ProposeDestruction(string ProposalId, string OrganId, IReadOnlyList<ProposalItem> Items) : DispositionCommand;

public sealed record RecordCouncilOpinion(bool Agrees, string? Comment) : DispositionCommand;

/// <param name="CurrentFacts">Fresh facts for every listed record: holds may have been placed since the proposal.</param>
public sealed record SignDestructionDecision(string DecisionNumber, DateOnly DecisionDate, IReadOnlyList<DispositionCandidate> CurrentFacts)
    : DispositionCommand;

/// <param name="DestructionFileRetention">Retention given to the destruction file; at least 20 years. Defaults to 20.</param>
public sealed record ExecuteDestruction(DateOnly ExecutedOn, IReadOnlyList<DispositionCandidate> CurrentFacts,
    IReadOnlyList<DestroyedRecord> Destroyed, RetentionPeriod? DestructionFileRetention = null) : DispositionCommand;
