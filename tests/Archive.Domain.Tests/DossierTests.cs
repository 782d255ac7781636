using Archive.Domain.Access;
using Archive.Domain.Common;
using Archive.Domain.Dossiers;
using Archive.Domain.Holds;
using Archive.Domain.Retention;
using static Archive.Domain.Tests.Samples;

namespace Archive.Domain.Tests;

public class DossierTests
{
    private static Decision Decide(DossierCommand command, DossierState state, Actor? actor = null) =>
        DossierDecider.Decide(command, state, As(actor ?? Clerk));

    [Fact]
    public void opening_a_dossier_gives_it_its_code()
    {
        var decision = Decide(new OpenDossier(OrganId, 2025, "01-VP", Dossier()), DossierState.Initial);
        var opened = decision.Events.Single().ShouldBeOfType<DossierOpened>();
        opened.DossierCode.ShouldBe("000.00.00.H29.2025.01-VP");
        DossierDecider.Fold(decision.Events).Status.ShouldBe(DossierStatus.Open);
    }

    [Fact]
    public void opening_with_bad_input_returns_every_field_error_at_once()
    {
        var bad = Dossier() with { Title = "", AccessMode = "09", Languages = [] };
        var decision = Decide(new OpenDossier("H29", 2025, "", bad), DossierState.Initial);
        decision.Rejection!.Code.ShouldBe(RejectionCodes.ValidationFailed);
        decision.Rejection.Errors.Select(e => e.Field).ShouldBe(
            ["organId", "fileNotation", "title", "accessMode", "languages"], ignoreOrder: true);
        decision.Events.ShouldBeEmpty();
    }

    [Fact]
    public void opening_the_same_dossier_twice_is_rejected()
    {
        Decide(new OpenDossier(OrganId, 2025, "01-VP", Dossier()), OpenDossier()).Rejection!.Code.ShouldBe(RejectionCodes.AlreadyExists);
    }

    [Fact]
    public void a_metadata_edit_records_only_the_changed_fields_with_old_and_new_values()
    {
        var state = OpenDossier();
        var changed = Dossier() with { Keywords = "kế hoạch; CNTT", Note = "Bổ sung" };
        var e = Decide(new ChangeDossierMetadata(changed), state).Events.Single().ShouldBeOfType<DossierMetadataChanged>();
        e.Changes.ShouldBe([new FieldChange("keywords", null, "kế hoạch; CNTT"), new FieldChange("note", null, "Bổ sung")]);
    }

    [Fact]
    public void an_edit_that_changes_nothing_is_rejected_as_no_change()
    {
        Decide(new ChangeDossierMetadata(Dossier()), OpenDossier()).Rejection!.Code.ShouldBe(RejectionCodes.NoChange);
    }

    [Fact]
    public void an_empty_string_and_a_missing_value_are_the_same_and_not_a_change()
    {
        Decide(new ChangeDossierMetadata(Dossier() with { Note = "" }), OpenDossier()).Rejection!.Code.ShouldBe(RejectionCodes.NoChange);
    }

    [Fact]
    public void changing_the_access_regime_raises_an_alert()
    {
        var decision = Decide(new ChangeDossierMetadata(Dossier() with { AccessMode = "02" }), OpenDossier());
        var alert = decision.Events.OfType<AccessChangeAlertRaised>().Single();
        (alert.OldMode, alert.NewMode, alert.ChangedBy).ShouldBe(("01", "02", Clerk.UserId));
        var state = OpenDossier().Apply(decision, DossierDecider.Evolve);
        state.AccessAlerts.Single().IsOpen.ShouldBeTrue();
    }

    private static DossierState WithAccessChangedBy(Actor actor) =>
        OpenDossier().Apply(Decide(new ChangeDossierMetadata(Dossier() with { AccessMode = "03" }), OpenDossier(), actor), DossierDecider.Evolve);

    [Fact]
    public void the_person_who_changed_the_access_regime_cannot_confirm_it()
    {
        var state = WithAccessChangedBy(Archivist);
        var decision = Decide(new ConfirmDossierAccessChange(1), state, Archivist);
        decision.Rejection!.Code.ShouldBe(RejectionCodes.SamePersonCannotConfirm);
        decision.Rejection.ReasonVi.ShouldContain("không được tự xác nhận");
    }

    [Fact]
    public void a_second_authorised_person_closes_the_alert()
    {
        var state = WithAccessChangedBy(Archivist);
        state = state.Apply(Decide(new ConfirmDossierAccessChange(1), state, SecondArchivist), DossierDecider.Evolve);
        var alert = state.AccessAlerts.Single();
        alert.IsOpen.ShouldBeFalse();
        alert.ConfirmedBy.ShouldBe(SecondArchivist.UserId);
    }

    [Fact]
    public void a_person_without_the_confirm_permission_cannot_confirm()
    {
        var state = WithAccessChangedBy(Archivist);
        Decide(new ConfirmDossierAccessChange(1), state, Clerk).Rejection!.Code.ShouldBe(RejectionCodes.NotAuthorized);
    }

    [Fact]
    public void confirming_an_alert_twice_is_rejected()
    {
        var state = WithAccessChangedBy(Archivist);
        state = state.Apply(Decide(new ConfirmDossierAccessChange(1), state, SecondArchivist), DossierDecider.Evolve);
        Decide(new ConfirmDossierAccessChange(1), state, SecondArchivist).Rejection!.Code.ShouldBe(RejectionCodes.WrongStatus);
    }

    [Fact]
    public void documents_are_numbered_in_order_inside_the_dossier()
    {
        var state = OpenDossier();
        state = state.Apply(Decide(new FileDocument("doc-a", Sha('a'), RetentionPeriod.OfYears(10), 3), state), DossierDecider.Evolve);
        state = state.Apply(Decide(new FileDocument("doc-b", Sha('b'), RetentionPeriod.OfYears(10), 4), state), DossierDecider.Evolve);
        state.Documents.Select(d => d.DocumentCode).ShouldBe(
            ["000.00.00.H29.2025.01-VP.0000001", "000.00.00.H29.2025.01-VP.0000002"]);
        state.PageTotal.ShouldBe(7);
    }

    [Fact]
    public void filing_the_same_document_twice_in_one_dossier_is_rejected()
    {
        var state = OpenDossier();
        state = state.Apply(Decide(new FileDocument("doc-a", Sha('a'), RetentionPeriod.OfYears(10), 3), state), DossierDecider.Evolve);
        Decide(new FileDocument("doc-a", Sha('a'), RetentionPeriod.OfYears(10), 3), state).Rejection!.Code.ShouldBe(RejectionCodes.Duplicate);
    }

    [Fact]
    public void one_document_can_be_filed_in_two_dossiers_and_keeps_its_identity_and_hash()
    {
        var first = OpenDossier();
        var second = DossierDecider.Fold(Decide(new OpenDossier(OrganId, 2025, "05-TH", Dossier()), DossierState.Initial).Events);
        var inFirst = Decide(new FileDocument("doc-391", Sha('c'), RetentionPeriod.OfYears(10), 12), first).Events.OfType<DocumentFiled>().Single();
        var inSecond = Decide(new FileDocument("doc-391", Sha('c'), RetentionPeriod.OfYears(10), 12), second).Events.OfType<DocumentFiled>().Single();
        (inFirst.DocumentId, inFirst.ContentSha256).ShouldBe((inSecond.DocumentId, inSecond.ContentSha256));
        inFirst.DocumentCode.ShouldNotBe(inSecond.DocumentCode);
    }

    [Fact]
    public void a_permanent_document_makes_the_dossier_permanent_and_the_change_is_recorded()
    {
        var state = OpenDossier();
        var decision = Decide(new FileDocument("doc-a", Sha('a'), RetentionPeriod.Permanent, 3), state);
        var raised = decision.Events.OfType<DossierRetentionRaised>().Single();
        raised.Changes.Single().ShouldBe(new FieldChange("retention", "10 năm", "Vĩnh viễn"));
        state.Apply(decision, DossierDecider.Evolve).Retention.ShouldBe(RetentionPeriod.Permanent);
    }

    [Fact]
    public void a_shorter_document_does_not_lower_the_dossier_retention()
    {
        var decision = Decide(new FileDocument("doc-a", Sha('a'), RetentionPeriod.OfYears(5), 3), OpenDossier());
        decision.Events.OfType<DossierRetentionRaised>().ShouldBeEmpty();
    }

    [Fact]
    public void the_dossier_cannot_be_set_shorter_than_its_longest_document()
    {
        var state = OpenDossier();
        state = state.Apply(Decide(new FileDocument("doc-a", Sha('a'), RetentionPeriod.OfYears(20), 3), state), DossierDecider.Evolve);
        var decision = Decide(new ChangeDossierMetadata(Dossier() with { RetentionCode = "06" }), state);
        decision.Rejection!.Errors.Single().Code.ShouldBe("shorter_than_documents");
    }

    [Fact]
    public void retention_below_the_schedule_is_refused()
    {
        var decision = Decide(new ChangeDossierMetadata(Dossier() with { RetentionCode = "07", RetentionYears = 5 }, RetentionPeriod.OfYears(10)), OpenDossier());
        decision.Rejection!.Code.ShouldBe(RejectionCodes.RetentionBelowSchedule);
    }

    [Fact]
    public void closing_a_dossier_sets_the_transfer_due_date_one_year_after_the_end_date()
    {
        var state = OpenDossier();
        state = state.Apply(Decide(new CloseDossier(new DateOnly(2025, 12, 20)), state), DossierDecider.Evolve);
        state.Status.ShouldBe(DossierStatus.Closed);
        state.TransferDueDate.ShouldBe(new DateOnly(2026, 12, 20));
        state.Metadata!.EndDate.ShouldBe(new DateOnly(2025, 12, 20));
    }

    [Fact]
    public void closing_a_dossier_twice_is_rejected()
    {
        var state = OpenDossier();
        state = state.Apply(Decide(new CloseDossier(new DateOnly(2025, 12, 20)), state), DossierDecider.Evolve);
        Decide(new CloseDossier(new DateOnly(2025, 12, 21)), state).Rejection!.Code.ShouldBe(RejectionCodes.WrongStatus);
    }

    [Fact]
    public void closing_without_an_end_date_is_rejected()
    {
        Decide(new CloseDossier(), OpenDossier()).Rejection!.Errors.Single().Field.ShouldBe("endDate");
    }

    [Fact]
    public void a_capital_construction_dossier_is_due_three_months_after_final_accounts()
    {
        var state = OpenDossier(Dossier() with { ConstructionFinalAccountsDate = new DateOnly(2025, 11, 30) });
        state = state.Apply(Decide(new CloseDossier(new DateOnly(2025, 6, 1)), state), DossierDecider.Evolve);
        state.TransferDueDate.ShouldBe(new DateOnly(2026, 2, 28));
    }

    [Fact]
    public void documents_cannot_be_filed_into_a_closed_dossier()
    {
        var state = OpenDossier();
        state = state.Apply(Decide(new CloseDossier(new DateOnly(2025, 12, 20)), state), DossierDecider.Evolve);
        Decide(new FileDocument("doc-a", Sha('a'), RetentionPeriod.OfYears(10), 3), state).Rejection!.Code.ShouldBe(RejectionCodes.WrongStatus);
    }

    [Fact]
    public void only_a_closed_dossier_can_be_transferred()
    {
        var open = OpenDossier();
        Decide(new TransferDossier(new DateOnly(2026, 3, 1), "Lưu trữ cơ quan"), open).Rejection!.Code.ShouldBe(RejectionCodes.WrongStatus);
        var closed = open.Apply(Decide(new CloseDossier(new DateOnly(2025, 12, 20)), open), DossierDecider.Evolve);
        closed.Apply(Decide(new TransferDossier(new DateOnly(2026, 3, 1), "Lưu trữ cơ quan"), closed), DossierDecider.Evolve)
            .Status.ShouldBe(DossierStatus.Transferred);
    }

    [Fact]
    public void a_held_dossier_cannot_be_edited_until_every_hold_is_lifted()
    {
        var state = OpenDossier();
        state = state.Apply(Decide(new PlaceDossierHold(new PlaceHold("H1", HoldKind.Legal, "Thanh tra tỉnh QĐ 12/QĐ-TTr", "Thanh tra")), state, Archivist), DossierDecider.Evolve);
        state = state.Apply(Decide(new PlaceDossierHold(new PlaceHold("H2", HoldKind.Freeze, "Chánh Văn phòng", "Khóa")), state, Archivist), DossierDecider.Evolve);
        var edit = new ChangeDossierMetadata(Dossier() with { Note = "sửa" });
        Decide(edit, state).Rejection!.Code.ShouldBe(RejectionCodes.UnderHold);
        state = state.Apply(Decide(new LiftDossierHold(new LiftHold("H1", "Thanh tra tỉnh", "Kết thúc")), state, Archivist), DossierDecider.Evolve);
        Decide(edit, state).Rejection!.Code.ShouldBe(RejectionCodes.UnderHold);
        state = state.Apply(Decide(new LiftDossierHold(new LiftHold("H2", "Chánh Văn phòng", "Mở khóa")), state, Archivist), DossierDecider.Evolve);
        Decide(edit, state).IsAccepted.ShouldBeTrue();
    }

    [Fact]
    public void placing_a_hold_needs_the_hold_permission()
    {
        Decide(new PlaceDossierHold(new PlaceHold("H1", HoldKind.Legal, "Tòa án", "Vụ án")), OpenDossier(), Clerk)
            .Rejection!.Code.ShouldBe(RejectionCodes.NotAuthorized);
    }

    [Fact]
    public void a_permanent_dossier_can_never_be_destroyed()
    {
        var state = OpenDossier(Dossier() with { RetentionCode = "01" });
        Decide(new RecordDossierDestruction("15/QĐ-UBND", new DateOnly(2040, 1, 2), new DateOnly(2040, 1, 5)), state, Head)
            .Rejection!.Code.ShouldBe(RejectionCodes.DestructionBlocked);
    }

    [Fact]
    public void a_destroyed_dossier_leaves_a_residual_and_accepts_nothing_more()
    {
        var state = OpenDossier();
        state = state.Apply(Decide(new FileDocument("doc-a", Sha('a'), RetentionPeriod.OfYears(10), 3), state), DossierDecider.Evolve);
        state = state.Apply(Decide(new RecordDossierDestruction("15/QĐ-UBND", new DateOnly(2036, 1, 2), new DateOnly(2036, 1, 5)), state, Head), DossierDecider.Evolve);
        state.Status.ShouldBe(DossierStatus.Destroyed);
        state.Metadata.ShouldBeNull();
        state.Residual.ShouldBe(new DestructionResidual("000.00.00.H29.2025.01-VP", "15/QĐ-UBND", new DateOnly(2036, 1, 2),
            new DateOnly(2036, 1, 5), Head.UserId, [Sha('a')]), new ResidualComparer());
        Decide(new ChangeDossierMetadata(Dossier()), state).Rejection!.Code.ShouldBe(RejectionCodes.WrongStatus);
    }

    private sealed class ResidualComparer : IEqualityComparer<DestructionResidual>
    {
        public bool Equals(DestructionResidual? x, DestructionResidual? y) =>
            x is not null && y is not null && x with { ContentSha256s = [] } == y with { ContentSha256s = [] }
            && x.ContentSha256s.SequenceEqual(y.ContentSha256s);
        public int GetHashCode(DestructionResidual obj) => obj.RecordCode.GetHashCode();
    }
}

public class FiledDocumentRetentionTests
{
    [Fact]
    public void re_valuing_a_filed_document_to_permanent_raises_the_dossier()
    {
        var state = Samples.OpenDossier();
        state = state.Apply(DossierDecider.Decide(new FileDocument("doc-a", Samples.Sha('a'), RetentionPeriod.OfYears(10), 3), state, Samples.As(Samples.Clerk)), DossierDecider.Evolve);
        var decision = DossierDecider.Decide(new UpdateFiledDocumentRetention("doc-a", RetentionPeriod.Permanent), state, Samples.As(Samples.Clerk));
        decision.Events.Select(Archive.Domain.Common.EventTypes.NameOf).ShouldBe(["dossier.document.retention.updated.v1", "dossier.retention.raised.v1"]);
        state = state.Apply(decision, DossierDecider.Evolve);
        state.Retention.ShouldBe(RetentionPeriod.Permanent);
        state.Documents.Single().Retention.ShouldBe(RetentionPeriod.Permanent);
        DossierDecider.Decide(new UpdateFiledDocumentRetention("doc-a", RetentionPeriod.Permanent), state, Samples.As(Samples.Clerk))
            .Rejection!.Code.ShouldBe(Archive.Domain.Common.RejectionCodes.NoChange);
    }
}
