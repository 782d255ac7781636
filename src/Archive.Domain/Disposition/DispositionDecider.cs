using Archive.Domain.Common;
using Archive.Domain.Retention;

namespace Archive.Domain.Disposition;

/// <summary>
/// Proposal → council opinions → head-of-agency decision → execution.
/// Any list that contains a blocked record (permanent, paper original of a digitised permanent record, under hold)
/// is refused WHOLE, naming every offending code, and each blocked record is recorded as <c>destruction.blocked.v1</c>.
/// Refusing whole (instead of silently dropping the record) keeps the signed decision identical to the list the
/// council reviewed; a partial decision would be a different decision nobody reviewed.
/// The block is checked at proposal, at signing and at execution, because holds can arrive at any time.
/// </summary>
public static class DispositionDecider
{
    public static readonly RetentionPeriod MinimumDestructionFileRetention = RetentionPeriod.OfYears(20);
    public const int ReasonMax = 2000;
    public const int DecisionNumberMax = 50;

    public static Decision Decide(DispositionCommand command, DispositionState state, DecisionContext context) => command switch
    {
        ProposeDestruction c => Propose(c, state, context),
        _ when state.Status == DispositionStatus.None => Rejections.NotFound("danh mục đề nghị hủy", "destruction proposal"),
        RecordCouncilOpinion c => RecordOpinion(c, state, context),
        SignDestructionDecision c => Sign(c, state, context),
        ExecuteDestruction c => Execute(c, state, context),
        _ => throw new ArgumentOutOfRangeException(nameof(command)),
    };

    private static Decision Propose(ProposeDestruction c, DispositionState state, DecisionContext context)
    {
        if (state.Status != DispositionStatus.None)
            return new Rejection(RejectionCodes.AlreadyExists, "Danh mục đề nghị hủy đã tồn tại.", "The destruction proposal already exists.");
        var rules = new FieldRules().RequiredMax("proposalId", c.ProposalId, 100).Required("organId", c.OrganId)
            .When(c.Items.Count == 0, "items", "required", "Danh mục đề nghị hủy trống.", "The destruction list is empty.");
        foreach (var item in c.Items)
        {
            var field = $"items[{item.Candidate.RecordCode}]";
            rules.RequiredMax($"{field}.reason", item.Reason, ReasonMax);
            if (item.Candidate.EndYear is { } endYear && !item.Candidate.Retention.IsPermanent
                && !item.Candidate.Retention.HasExpired(endYear, context.Today))
                rules.Add(new(field, "not_expired",
                    $"{item.Candidate.RecordCode} chưa hết thời hạn bảo quản (giữ đến {item.Candidate.Retention.KeepUntil(endYear):dd/MM/yyyy}).",
                    $"{item.Candidate.RecordCode} has not reached the end of its retention (kept until {item.Candidate.Retention.KeepUntil(endYear):yyyy-MM-dd})."));
        }
        foreach (var code in c.Items.GroupBy(i => i.Candidate.RecordCode).Where(g => g.Count() > 1).Select(g => g.Key))
            rules.Add(new($"items[{code}]", "duplicate", $"{code} bị lặp trong danh mục.", $"{code} appears twice in the list."));

        var blocked = Blocked(c.ProposalId, c.Items.Select(i => i.Candidate), "proposal", context);
        if (blocked is not null) return blocked;
        if (rules.Errors.Count > 0) return Decision.Invalid(rules.Errors);

        return Decision.Accept(new DestructionProposed(c.ProposalId, c.OrganId,
            c.Items.Select(i => new ProposedRecord(i.Candidate.RecordCode, i.Candidate.Kind, i.Reason.Trim(),
                i.Candidate.Retention.Code, i.Candidate.Retention.Years)).ToList(),
            context.Actor.UserId, context.Now));
    }

    private static Decision RecordOpinion(RecordCouncilOpinion c, DispositionState state, DecisionContext context)
    {
        if (state.Status != DispositionStatus.Proposed)
            return Rejections.WrongStatus("Chỉ ghi ý kiến hội đồng trước khi ký quyết định hủy.", "Council opinions are recorded only before the decision is signed.");
        if (!context.Actor.Can(Permissions.ValuationCouncilMember))
            return Rejections.NotAuthorized("Người dùng không phải thành viên Hội đồng xác định giá trị tài liệu.", "The user is not a member of the valuation council.");
        if (state.Opinions.Any(o => o.MemberId == context.Actor.UserId))
            return new Rejection(RejectionCodes.Duplicate, "Thành viên đã cho ý kiến.", "This member has already given an opinion.");
        var errors = new FieldRules().MaxLength("comment", c.Comment, ReasonMax)
            .When(!c.Agrees && string.IsNullOrWhiteSpace(c.Comment), "comment", "required_when_disagreeing",
                "Ý kiến không đồng ý phải nêu lý do.", "A dissenting opinion must give its reason.").Errors;
        if (errors.Count > 0) return Decision.Invalid(errors);
        return Decision.Accept(new CouncilOpinionRecorded(state.ProposalId, context.Actor.UserId, context.Actor.FullName,
            c.Agrees, c.Comment, context.Now));
    }

    private static Decision Sign(SignDestructionDecision c, DispositionState state, DecisionContext context)
    {
        if (state.Status != DispositionStatus.Proposed)
            return Rejections.WrongStatus("Quyết định hủy đã được ký hoặc đã thi hành.", "The destruction decision is already signed or executed.");
        if (!context.Actor.Can(Permissions.SignDestructionDecision))
            return Rejections.NotAuthorized("Chỉ người đứng đầu cơ quan được ký quyết định hủy.", "Only the head of the agency may sign a destruction decision.");
        var agree = state.Opinions.Count(o => o.Agrees);
        if (state.Opinions.Count == 0 || agree * 2 <= state.Opinions.Count)
            return Rejections.WrongStatus("Chưa có ý kiến đồng ý của đa số thành viên hội đồng.", "A majority of the valuation council has not agreed.");
        var rules = new FieldRules().RequiredMax("decisionNumber", c.DecisionNumber, DecisionNumberMax);
        CheckFactsCoverList(rules, state, c.CurrentFacts);
        var blocked = Blocked(state.ProposalId, c.CurrentFacts, "decision", context);
        if (blocked is not null) return blocked;
        if (rules.Errors.Count > 0) return Decision.Invalid(rules.Errors);
        return Decision.Accept(new DestructionDecisionSigned(state.ProposalId, c.DecisionNumber, c.DecisionDate, context.Actor.UserId,
            state.Records.Select(r => r.RecordCode).ToList()));
    }

    private static Decision Execute(ExecuteDestruction c, DispositionState state, DecisionContext context)
    {
        if (state.Status != DispositionStatus.Signed)
            return Rejections.WrongStatus("Chỉ thi hành hủy sau khi quyết định được ký, và chỉ một lần.", "Destruction runs only after the decision is signed, and only once.");
        var fileRetention = c.DestructionFileRetention ?? MinimumDestructionFileRetention;
        var rules = new FieldRules()
            .When(fileRetention < MinimumDestructionFileRetention, "destructionFileRetention", "too_short",
                "Hồ sơ hủy tài liệu phải bảo quản ít nhất 20 năm.", "The destruction file must be kept at least 20 years.")
            .When(c.ExecutedOn < state.Decision!.Date, "executedOn", "before_decision",
                "Ngày hủy trước ngày quyết định.", "The destruction date is before the decision date.");
        CheckFactsCoverList(rules, state, c.CurrentFacts);
        var listed = state.Records.Select(r => r.RecordCode).ToHashSet();
        var destroyed = c.Destroyed.Select(d => d.RecordCode).ToHashSet();
        if (!listed.SetEquals(destroyed))
            rules.Add(new("destroyed", "not_the_decided_list",
                "Danh sách đã hủy phải đúng danh mục trong quyết định.", "The destroyed records must be exactly those in the decision."));
        var blocked = Blocked(state.ProposalId, c.CurrentFacts, "execution", context);
        if (blocked is not null) return blocked;
        if (rules.Errors.Count > 0) return Decision.Invalid(rules.Errors);
        return Decision.Accept(new DestructionExecuted(state.ProposalId, state.Decision.Number, c.ExecutedOn, context.Actor.UserId,
            c.Destroyed, fileRetention.Code, fileRetention.Years));
    }

    private static void CheckFactsCoverList(FieldRules rules, DispositionState state, IReadOnlyList<DispositionCandidate> facts)
    {
        var known = facts.Select(f => f.RecordCode).ToHashSet();
        foreach (var missing in state.Records.Where(r => !known.Contains(r.RecordCode)))
            rules.Add(new($"currentFacts[{missing.RecordCode}]", "required",
                $"Thiếu thông tin hiện tại của {missing.RecordCode}.", $"Current facts for {missing.RecordCode} are missing."));
    }

    /// <summary>The whole-list refusal plus one audit event per blocked record, or null when nothing is blocked.</summary>
    private static Decision? Blocked(string proposalId, IEnumerable<DispositionCandidate> candidates, string stage, DecisionContext context)
    {
        var reasons = candidates.Select(DestructionBlock.Check).OfType<BlockReason>().ToList();
        if (reasons.Count == 0) return null;
        var codes = string.Join(", ", reasons.Select(r => r.RecordCode));
        var rejection = new Rejection(RejectionCodes.DestructionBlocked,
            $"Toàn bộ danh mục bị từ chối vì có hồ sơ/tài liệu không được hủy: {codes}.",
            $"The whole list is refused because it holds records that cannot be destroyed: {codes}.",
            reasons.Select(r => new FieldError($"items[{r.RecordCode}]", r.Code, r.ReasonVi, r.ReasonEn)).ToList());
        return Decision.Reject(rejection, reasons.Select(r => (IDomainEvent)new DestructionBlocked(
            proposalId, r.RecordCode, r.Code, r.ReasonVi, r.ReasonEn, stage, context.Actor.UserId, context.Now)));
    }

    public static DispositionState Evolve(DispositionState state, IDomainEvent @event) => @event switch
    {
        DestructionProposed e => state with
        {
            Status = DispositionStatus.Proposed, ProposalId = e.ProposalId, OrganId = e.OrganId, Records = [.. e.Records],
        },
        CouncilOpinionRecorded e => state with { Opinions = state.Opinions.Add(new(e.MemberId, e.MemberName, e.Agrees, e.Comment, e.RecordedAt)) },
        DestructionDecisionSigned e => state with { Status = DispositionStatus.Signed, Decision = new(e.DecisionNumber, e.DecisionDate, e.SignedBy) },
        DestructionExecuted e => state with
        {
            Status = DispositionStatus.Executed,
            File = new(state.ProposalId, state.Decision!, state.Records, state.Opinions, e.ExecutedOn, e.ExecutedBy, e.Records,
                RetentionCodec.From(e.DestructionFileRetentionCode, e.DestructionFileRetentionYears)),
        },
        _ => state,
    };

    public static DispositionState Fold(IEnumerable<IDomainEvent> events) => events.Aggregate(DispositionState.Initial, Evolve);
}
