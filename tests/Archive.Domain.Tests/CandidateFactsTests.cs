using Archive.Domain.Disposition;
using Archive.Domain.Dossiers;
using Archive.Domain.Holds;
using Archive.Domain.Retention;
using static Archive.Domain.Tests.Samples;

namespace Archive.Domain.Tests;

public class CandidateFactsTests
{
    private static DossierState Closed(DossierMetadata? metadata = null) =>
        OpenDossier(metadata).Apply(DossierDecider.Decide(new CloseDossier(new DateOnly(2025, 12, 20)), OpenDossier(metadata), As(Clerk)), DossierDecider.Evolve);

    private static Documents.DocumentState Held(Documents.DocumentState d) =>
        d.Apply(Documents.DocumentDecider.Decide(new Documents.PlaceDocumentHold(new PlaceHold("h1", HoldKind.Legal, "TAND tỉnh", "Vụ án")), d, As(Archivist)),
            Documents.DocumentDecider.Evolve);

    [Fact]
    public void a_dossier_ends_in_the_year_it_was_closed_and_an_open_one_has_no_end_year()
    {
        CandidateFacts.ForDossier(Closed(), []).EndYear.ShouldBe(2025);
        CandidateFacts.ForDossier(OpenDossier(), []).EndYear.ShouldBeNull();
    }

    [Fact]
    public void a_dossier_counts_as_held_when_any_of_its_documents_is_held()
    {
        var document = RegisteredDocument();
        CandidateFacts.ForDossier(Closed(), [document]).IsUnderHold.ShouldBeFalse();
        CandidateFacts.ForDossier(Closed(), [document, Held(document)]).IsUnderHold.ShouldBeTrue();
    }

    [Fact]
    public void a_document_ends_only_when_every_dossier_holding_it_is_closed()
    {
        var document = RegisteredDocument();
        CandidateFacts.ForDocument(document, [Closed()]).EndYear.ShouldBe(2025);
        CandidateFacts.ForDocument(document, [Closed(), OpenDossier()]).EndYear.ShouldBeNull();
        CandidateFacts.ForDocument(document, []).EndYear.ShouldBeNull();
    }

    [Fact]
    public void the_paper_original_of_a_digitised_permanent_dossier_is_blocked_with_its_own_reason()
    {
        var digitised = Dossier() with { RetentionCode = "01", ConfidenceLevel = "02", PaperFileCode = "KHO1-H015", SheetCount = 12, PhysicalCondition = "01" };
        var paper = CandidateFacts.ForPaperOriginal("KHO1-H015", [Closed(digitised)]);
        paper.ShouldNotBeNull();
        paper.IsPaperOriginalOfPermanentDigitized.ShouldBeTrue();
        DestructionBlock.Check(paper)!.Code.ShouldBe(DestructionBlock.PaperOriginalOfPermanent);
        CandidateFacts.ForPaperOriginal("KHO9-X", [Closed(digitised)]).ShouldBeNull();
        // A born-digital dossier has no paper original, whatever its paper code field says.
        CandidateFacts.ForPaperOriginal("KHO1-H015", [Closed(digitised with { ConfidenceLevel = "01" })]).ShouldBeNull();
    }

    [Fact]
    public void the_paper_original_of_a_fixed_term_digitised_dossier_may_be_listed()
    {
        var digitised = Dossier() with { ConfidenceLevel = "02", PaperFileCode = "KHO1-H016", SheetCount = 3, PhysicalCondition = "01" };
        var paper = CandidateFacts.ForPaperOriginal("KHO1-H016", [Closed(digitised)])!;
        paper.Retention.ShouldBe(RetentionPeriod.OfYears(10));
        DestructionBlock.Check(paper).ShouldBeNull();
    }

    [Fact]
    public void a_dossier_residual_keeps_the_content_hashes_the_app_passes()
    {
        var destroyed = DossierDecider.Decide(new RecordDossierDestruction("15/QĐ-UBND", new(2036, 1, 2), new(2036, 1, 3), [Sha('a'), Sha('b')]),
            Closed(), As(Clerk));
        destroyed.Events.OfType<DossierDestroyed>().Single().ContentSha256s.ShouldBe([Sha('a'), Sha('b')]);
    }
}
