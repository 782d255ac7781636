using Archive.Domain.Dossiers;
using Archive.Domain.Retention;
using static Archive.Domain.Tests.Samples;

namespace Archive.Domain.Tests;

public class TransferScheduleTests
{
    private static DossierState Closed(string notation, DossierMetadata metadata, DateOnly endDate)
    {
        var opened = DossierDecider.Fold(DossierDecider.Decide(new OpenDossier(OrganId, 2025, notation, metadata), DossierState.Initial, As(Clerk)).Events);
        return opened.Apply(DossierDecider.Decide(new CloseDossier(endDate), opened, As(Clerk)), DossierDecider.Evolve);
    }

    [Fact]
    public void the_due_date_is_one_year_after_the_work_ended()
    {
        TransferSchedule.DueDate(new DateOnly(2025, 4, 15)).ShouldBe(new DateOnly(2026, 4, 15));
        TransferSchedule.DueDate(new DateOnly(2025, 4, 15), new DateOnly(2025, 10, 1)).ShouldBe(new DateOnly(2026, 1, 1));
    }

    [Fact]
    public void dossiers_due_within_30_days_are_listed_soonest_first_with_overdue_ones()
    {
        var today = new DateOnly(2026, 4, 1);
        var dueIn10 = Closed("01-VP", Dossier(), new DateOnly(2025, 4, 11));
        var dueIn30 = Closed("02-VP", Dossier(), new DateOnly(2025, 5, 1));
        var dueIn31 = Closed("03-VP", Dossier(), new DateOnly(2025, 5, 2));
        var overdue = Closed("04-VP", Dossier(), new DateOnly(2025, 3, 1));
        var due = TransferSchedule.DueSoon([dueIn31, dueIn30, dueIn10, overdue], today);
        due.Select(d => d.DossierCode.Split('.').Last()).ShouldBe(["04-VP", "01-VP", "02-VP"]);
        due[0].IsOverdue.ShouldBeTrue();
        due[1].DaysLeft.ShouldBe(10);
        due[2].DaysLeft.ShouldBe(30);
    }

    [Fact]
    public void dossiers_kept_under_five_years_are_not_required_to_be_transferred()
    {
        var twoYears = Closed("01-VP", Dossier() with { RetentionCode = "07", RetentionYears = 2 }, new DateOnly(2025, 4, 11));
        var fiveYears = Closed("02-VP", Dossier() with { RetentionCode = "07", RetentionYears = 5 }, new DateOnly(2025, 4, 11));
        TransferSchedule.DueSoon([twoYears, fiveYears], new DateOnly(2026, 4, 1)).Single().DossierCode.ShouldEndWith("02-VP");
        TransferSchedule.MustTransfer(RetentionPeriod.Permanent).ShouldBeTrue();
    }

    [Fact]
    public void open_and_transferred_dossiers_are_not_listed()
    {
        var open = OpenDossier();
        var closed = Closed("02-VP", Dossier(), new DateOnly(2025, 4, 11));
        var transferred = closed.Apply(DossierDecider.Decide(new TransferDossier(new DateOnly(2026, 3, 1), "Lưu trữ cơ quan"), closed, As(Clerk)), DossierDecider.Evolve);
        TransferSchedule.DueSoon([open, transferred], new DateOnly(2026, 4, 1)).ShouldBeEmpty();
    }
}
