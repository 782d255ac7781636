using Archive.Domain.Common;
using Archive.Domain.Fonds;
using Archive.Domain.Retention;
using static Archive.Domain.Tests.Samples;

namespace Archive.Domain.Tests;

public class FondsTests
{
    private static FondsState Opened() =>
        FondsDecider.Fold(FondsDecider.Decide(new OpenFonds(OrganId, "Phông Ủy ban nhân dân tỉnh Lai Châu"), FondsState.Initial, As(Clerk)).Events);

    [Fact]
    public void a_fonds_opens_with_a_valid_organisation_identifier()
    {
        var state = Opened();
        (state.Status, state.OrganId).ShouldBe((FondsStatus.Open, OrganId));
    }

    [Fact]
    public void a_fonds_with_a_malformed_organisation_identifier_is_rejected()
    {
        var decision = FondsDecider.Decide(new OpenFonds("000.00.00.H2", "Phông"), FondsState.Initial, As(Clerk));
        decision.Rejection!.Errors.Single().Code.ShouldBe("invalid_organ_id");
    }

    [Fact]
    public void renaming_records_old_and_new_names_and_same_name_is_no_change()
    {
        var state = Opened();
        var renamed = FondsDecider.Decide(new RenameFonds("Phông UBND tỉnh Lai Châu"), state, As(Clerk)).Events.Single().ShouldBeOfType<FondsRenamed>();
        renamed.Changes.Single().ShouldBe(new FieldChange("name", "Phông Ủy ban nhân dân tỉnh Lai Châu", "Phông UBND tỉnh Lai Châu"));
        FondsDecider.Decide(new RenameFonds(state.Name), state, As(Clerk)).Rejection!.Code.ShouldBe(RejectionCodes.NoChange);
    }

    [Fact]
    public void the_dossier_list_of_a_year_holds_unique_numbers()
    {
        var state = Opened();
        var entry = new AddDossierListEntry(2025, "01-VP", "Kế hoạch công tác năm 2025", RetentionPeriod.Permanent, "Nguyễn Thị Lan");
        state = state.Apply(FondsDecider.Decide(entry, state, As(Clerk)), FondsDecider.Evolve);
        state.DossierList(2025).Single().Retention.ShouldBe(RetentionPeriod.Permanent);
        FondsDecider.Decide(entry, state, As(Clerk)).Rejection!.Code.ShouldBe(RejectionCodes.Duplicate);
        FondsDecider.Decide(entry with { Year = 2026 }, state, As(Clerk)).IsAccepted.ShouldBeTrue();
    }

    [Fact]
    public void a_closed_fonds_accepts_no_new_dossier_list_entries()
    {
        var state = Opened();
        state = state.Apply(FondsDecider.Decide(new CloseFonds("Sáp nhập"), state, As(Clerk)), FondsDecider.Evolve);
        FondsDecider.Decide(new AddDossierListEntry(2025, "01-VP", "Kế hoạch", RetentionPeriod.OfYears(10), "Lan"), state, As(Clerk))
            .Rejection!.Code.ShouldBe(RejectionCodes.WrongStatus);
    }
}

public class FondsValidationTests
{
    [Fact]
    public void a_dossier_list_entry_reports_all_its_errors_at_once()
    {
        var errors = FondsValidation.Validate(new AddDossierListEntry(2025, "01 VP", "", RetentionPeriod.OfYears(1), ""));
        errors.Select(e => e.Field).ShouldBe(["title", "creator", "fileNotation", "retention"], ignoreOrder: true);
    }
}
