using Archive.Domain.Common;
using Archive.Domain.Disposition;
using Archive.Domain.Retention;
using static Archive.Domain.Tests.Samples;

namespace Archive.Domain.Tests;

public class DispositionTests
{
    private const string Expired = "000.00.00.H29.2015.07-VP";
    private const string Expired2 = "000.00.00.H29.2015.08-VP";
    private const string PermanentCode = "000.00.00.H29.2015.01-VP";

    private static DispositionCandidate TenYears(string code, bool held = false) =>
        new(code, RecordKind.Dossier, RetentionPeriod.OfYears(10), held, EndYear: 2015);

    private static Decision Decide(DispositionCommand command, DispositionState state, Actor actor) =>
        DispositionDecider.Decide(command, state, As(actor));

    private static DispositionState Proposed() =>
        DispositionDecider.Fold(Decide(new ProposeDestruction("P-2026-01", OrganId,
            [new(TenYears(Expired), "Hết thời hạn bảo quản 10 năm"), new(TenYears(Expired2), "Tài liệu trùng")]),
            DispositionState.Initial, Clerk).Events);

    private static DispositionState Reviewed()
    {
        var state = Proposed();
        state = state.Apply(Decide(new RecordCouncilOpinion(true, null), state, CouncilA), DispositionDecider.Evolve);
        return state.Apply(Decide(new RecordCouncilOpinion(true, "Đồng ý"), state, CouncilB), DispositionDecider.Evolve);
    }

    private static DispositionState Signed()
    {
        var state = Reviewed();
        return state.Apply(Decide(new SignDestructionDecision("15/QĐ-UBND", new DateOnly(2026, 3, 1), [TenYears(Expired), TenYears(Expired2)]), state, Head),
            DispositionDecider.Evolve);
    }

    [Fact]
    public void a_list_of_expired_records_is_proposed_with_reasons()
    {
        var state = Proposed();
        state.Status.ShouldBe(DispositionStatus.Proposed);
        state.Records.Select(r => r.Reason).ShouldBe(["Hết thời hạn bảo quản 10 năm", "Tài liệu trùng"]);
    }

    [Fact]
    public void a_list_containing_a_permanent_record_is_refused_whole_and_each_blocked_record_is_recorded()
    {
        var permanent = new DispositionCandidate(PermanentCode, RecordKind.Dossier, RetentionPeriod.Permanent, false);
        var held = TenYears(Expired2, held: true);
        var decision = Decide(new ProposeDestruction("P-2026-02", OrganId,
            [new(TenYears(Expired), "Hết hạn"), new(permanent, "Nhầm"), new(held, "Hết hạn")]), DispositionState.Initial, Clerk);

        decision.IsRejected.ShouldBeTrue();
        decision.Rejection!.Code.ShouldBe(RejectionCodes.DestructionBlocked);
        decision.Rejection.ReasonEn.ShouldContain(PermanentCode);
        decision.Rejection.ReasonEn.ShouldContain(Expired2);
        decision.Rejection.Errors.Select(e => e.Code).ShouldBe([DestructionBlock.Permanent, DestructionBlock.UnderHold]);
        var blocked = decision.Events.Cast<DestructionBlocked>().ToList();
        blocked.Select(b => b.RecordCode).ShouldBe([PermanentCode, Expired2]);
        blocked.ShouldAllBe(b => b.Stage == "proposal" && b.AttemptedBy == Clerk.UserId);
        DispositionDecider.Fold(decision.Events).Status.ShouldBe(DispositionStatus.None);
    }

    [Fact]
    public void the_paper_original_of_a_digitised_permanent_record_can_never_be_destroyed()
    {
        var paper = new DispositionCandidate("KHO1.K02.H015", RecordKind.PaperOriginal, RetentionPeriod.OfYears(10), false,
            IsPaperOriginalOfPermanentDigitized: true);
        var decision = Decide(new ProposeDestruction("P-2026-03", OrganId, [new(paper, "Đã số hóa")]), DispositionState.Initial, Head);
        decision.Rejection!.Errors.Single().Code.ShouldBe(DestructionBlock.PaperOriginalOfPermanent);
        decision.Events.ShouldHaveSingleItem();
    }

    [Fact]
    public void a_record_whose_retention_has_not_run_out_cannot_be_proposed()
    {
        var young = new DispositionCandidate(Expired, RecordKind.Dossier, RetentionPeriod.OfYears(10), false, EndYear: 2020);
        Decide(new ProposeDestruction("P-2026-04", OrganId, [new(young, "Hết hạn")]), DispositionState.Initial, Clerk)
            .Rejection!.Errors.Single().Code.ShouldBe("not_expired");
    }

    [Fact]
    public void a_proposal_needs_a_reason_per_record()
    {
        Decide(new ProposeDestruction("P-2026-05", OrganId, [new(TenYears(Expired), "")]), DispositionState.Initial, Clerk)
            .Rejection!.Errors.Single().Field.ShouldBe($"items[{Expired}].reason");
    }

    [Fact]
    public void only_council_members_give_opinions_and_each_only_once()
    {
        var state = Proposed();
        Decide(new RecordCouncilOpinion(true, null), state, Clerk).Rejection!.Code.ShouldBe(RejectionCodes.NotAuthorized);
        state = state.Apply(Decide(new RecordCouncilOpinion(true, null), state, CouncilA), DispositionDecider.Evolve);
        Decide(new RecordCouncilOpinion(false, "Đổi ý"), state, CouncilA).Rejection!.Code.ShouldBe(RejectionCodes.Duplicate);
    }

    [Fact]
    public void a_dissenting_opinion_must_give_a_reason()
    {
        Decide(new RecordCouncilOpinion(false, null), Proposed(), CouncilA).Rejection!.Errors.Single().Code.ShouldBe("required_when_disagreeing");
    }

    [Fact]
    public void the_decision_cannot_be_signed_without_a_council_majority()
    {
        var state = Proposed();
        Decide(new SignDestructionDecision("15/QĐ-UBND", new DateOnly(2026, 3, 1), [TenYears(Expired), TenYears(Expired2)]), state, Head)
            .Rejection!.Code.ShouldBe(RejectionCodes.WrongStatus);
        state = state.Apply(Decide(new RecordCouncilOpinion(true, null), state, CouncilA), DispositionDecider.Evolve);
        state = state.Apply(Decide(new RecordCouncilOpinion(false, "Còn giá trị tham khảo"), state, CouncilB), DispositionDecider.Evolve);
        Decide(new SignDestructionDecision("15/QĐ-UBND", new DateOnly(2026, 3, 1), [TenYears(Expired), TenYears(Expired2)]), state, Head)
            .Rejection!.Code.ShouldBe(RejectionCodes.WrongStatus);
    }

    [Fact]
    public void only_the_head_of_the_agency_signs_the_decision()
    {
        Decide(new SignDestructionDecision("15/QĐ-UBND", new DateOnly(2026, 3, 1), [TenYears(Expired), TenYears(Expired2)]), Reviewed(), CouncilA)
            .Rejection!.Code.ShouldBe(RejectionCodes.NotAuthorized);
    }

    [Fact]
    public void a_hold_placed_after_the_proposal_blocks_signing()
    {
        var decision = Decide(new SignDestructionDecision("15/QĐ-UBND", new DateOnly(2026, 3, 1),
            [TenYears(Expired), TenYears(Expired2, held: true)]), Reviewed(), Head);
        decision.Rejection!.Code.ShouldBe(RejectionCodes.DestructionBlocked);
        decision.Events.Cast<DestructionBlocked>().Single().Stage.ShouldBe("decision");
    }

    [Fact]
    public void signing_needs_current_facts_for_every_listed_record()
    {
        Decide(new SignDestructionDecision("15/QĐ-UBND", new DateOnly(2026, 3, 1), [TenYears(Expired)]), Reviewed(), Head)
            .Rejection!.Errors.Single().Field.ShouldBe($"currentFacts[{Expired2}]");
    }

    [Fact]
    public void executing_the_signed_decision_produces_the_destruction_file_kept_at_least_20_years()
    {
        var state = Signed();
        state = state.Apply(Decide(new ExecuteDestruction(new DateOnly(2026, 3, 5), [TenYears(Expired), TenYears(Expired2)],
            [new(Expired, [Sha('a')]), new(Expired2, [Sha('b')])]), state, Clerk), DispositionDecider.Evolve);
        state.Status.ShouldBe(DispositionStatus.Executed);
        var file = state.File!;
        file.Decision.Number.ShouldBe("15/QĐ-UBND");
        file.CouncilMinutes.Count.ShouldBe(2);
        file.Destroyed.Select(d => d.RecordCode).ShouldBe([Expired, Expired2]);
        file.Retention.ShouldBe(RetentionPeriod.OfYears(20));
    }

    [Fact]
    public void a_destruction_file_kept_under_20_years_is_refused()
    {
        Decide(new ExecuteDestruction(new DateOnly(2026, 3, 5), [TenYears(Expired), TenYears(Expired2)],
            [new(Expired, []), new(Expired2, [])], RetentionPeriod.OfYears(10)), Signed(), Clerk)
            .Rejection!.Errors.Single().Field.ShouldBe("destructionFileRetention");
    }

    [Fact]
    public void execution_must_destroy_exactly_the_decided_list_and_only_once()
    {
        var state = Signed();
        Decide(new ExecuteDestruction(new DateOnly(2026, 3, 5), [TenYears(Expired), TenYears(Expired2)], [new(Expired, [])]), state, Clerk)
            .Rejection!.Errors.Single().Code.ShouldBe("not_the_decided_list");
        var execute = new ExecuteDestruction(new DateOnly(2026, 3, 5), [TenYears(Expired), TenYears(Expired2)], [new(Expired, []), new(Expired2, [])]);
        state = state.Apply(Decide(execute, state, Clerk), DispositionDecider.Evolve);
        Decide(execute, state, Clerk).Rejection!.Code.ShouldBe(RejectionCodes.WrongStatus);
    }

    [Fact]
    public void a_hold_placed_after_signing_still_blocks_execution()
    {
        var decision = Decide(new ExecuteDestruction(new DateOnly(2026, 3, 5), [TenYears(Expired, held: true), TenYears(Expired2)],
            [new(Expired, []), new(Expired2, [])]), Signed(), Clerk);
        decision.Rejection!.Code.ShouldBe(RejectionCodes.DestructionBlocked);
        decision.Events.Cast<DestructionBlocked>().Single().Stage.ShouldBe("execution");
    }
}
