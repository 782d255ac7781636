using Archive.Domain.Common;

namespace Archive.Domain.Disposition;

public sealed record ProposedRecord(string RecordCode, RecordKind Kind, string Reason, string RetentionCode, int? RetentionYears);

/// <summary>Danh mục tài liệu hết giá trị đề nghị hủy (list of records of no further value, with reasons).</summary>
[EventType("destruction.proposed.v1")]
public sealed record DestructionProposed(string ProposalId, string OrganId, IReadOnlyList<ProposedRecord> Records,
    string ProposedBy, DateTimeOffset ProposedAt) : IDomainEvent;

/// <summary>
/// One record that stopped a destruction list. Recorded even though the command is refused, so auditors can
/// list every attempt to destroy a protected record.
/// </summary>
[EventType("destruction.blocked.v1")]
public sealed record DestructionBlocked(string ProposalId, string RecordCode, string BlockCode, string ReasonVi, string ReasonEn,
    string Stage, string AttemptedBy, DateTimeOffset AttemptedAt) : IDomainEvent;

/// <summary>Ý kiến thành viên Hội đồng xác định giá trị tài liệu (valuation council member's opinion).</summary>
[EventType("destruction.council.opinion.recorded.v1")]
public sealed record CouncilOpinionRecorded(string ProposalId, string MemberId, string MemberName, bool Agrees, string? Comment,
    DateTimeOffset RecordedAt) : IDomainEvent;

/// <summary>Quyết định hủy tài liệu signed by the head of the agency (Luật Lưu trữ 2024 Điều 16.3.b).</summary>
[EventType("destruction.decision.signed.v1")]
public sealed record DestructionDecisionSigned(string ProposalId, string DecisionNumber, DateOnly DecisionDate, string SignedBy,
    IReadOnlyList<string> RecordCodes) : IDomainEvent;

public sealed record DestroyedRecord(string RecordCode, IReadOnlyList<string> ContentSha256s);

/// <summary>
/// Biên bản hủy (execution record). The destruction file (decision, list, council minutes, this record) is itself
/// a record kept at least 20 years (Luật Lưu trữ 2011 Điều 28).
/// </summary>
[EventType("destruction.executed.v1")]
public sealed record DestructionExecuted(string ProposalId, string DecisionNumber, DateOnly ExecutedOn, string ExecutedBy,
    IReadOnlyList<DestroyedRecord> Records, string DestructionFileRetentionCode, int? DestructionFileRetentionYears) : IDomainEvent;
