using Archive.Domain.Disposition;
using Archive.Domain.Dossiers;
using Archive.Domain.Holds;
using static Archive.Domain.Tests.Samples;

namespace Archive.Domain.Tests;

public class ExpiryReviewTests
{
    private static DossierState Closed(string notation, DossierMetadata metadata, DateOnly end)
    {
        var s = DossierDecider.Fold(DossierDecider.Decide(new OpenDossier(OrganId, 2015, notation, metadata), DossierState.Initial, As(Clerk)).Events);
        return s.Apply(DossierDecider.Decide(new CloseDossier(end), s, As(Clerk)), DossierDecider.Evolve);
    }

    [Fact]
    public void only_expired_unheld_fixed_term_dossiers_are_put_up_for_review()
    {
        var metadata = Dossier() with { StartDate = new DateOnly(2015, 1, 1) };
        var expired = Closed("01-VP", metadata, new DateOnly(2015, 6, 1));
        var notYet = Closed("02-VP", metadata, new DateOnly(2016, 6, 1));
        var permanent = Closed("03-VP", metadata with { RetentionCode = "01" }, new DateOnly(2015, 6, 1));
        var held = Closed("04-VP", metadata, new DateOnly(2015, 6, 1));
        held = held.Apply(DossierDecider.Decide(new PlaceDossierHold(new PlaceHold("H", HoldKind.Legal, "Tòa án", "Vụ án")), held, As(Archivist)), DossierDecider.Evolve);

        var due = ExpiryReview.Due([expired, notYet, permanent, held], new DateOnly(2026, 1, 1));
        due.Single().RecordCode.ShouldBe("000.00.00.H29.2015.01-VP");
        due.Single().EndYear.ShouldBe(2015);
    }
}
