using Archive.Domain.Common;
using Archive.Domain.Documents;
using Archive.Domain.Holds;
using static Archive.Domain.Tests.Samples;

namespace Archive.Domain.Tests;

public class DocumentSigningTests
{
    private static readonly DateTimeOffset Until = Now.AddYears(5);

    private static Decision Decide(DocumentCommand command, DocumentState state, Actor? actor = null) =>
        DocumentDecider.Decide(command, state, As(actor ?? Clerk));

    private static ContentFacts Pdf(char hash) => new(Sha(hash), 1000, "application/pdf", $"{hash}.pdf", PdfPageCount: 1);

    private static DocumentState WithScan()
    {
        var state = RegisteredDocument();
        return state.Apply(Decide(new AddContentVersion(Pdf('a')), state), DocumentDecider.Evolve);
    }

    private static SignDocumentContent Sign(int version, char source, char signed, string level = "B-LTA") =>
        new(version, Sha(source), Pdf(signed), level, Sha('c'), "CN=Org", Sha('d'), Now, Now, Until);

    [Fact]
    public void signing_the_current_version_adds_the_signed_file_as_the_next_version_and_records_the_signature()
    {
        var decision = Decide(Sign(1, 'a', 'b'), WithScan());

        decision.IsAccepted.ShouldBeTrue(decision.Rejection?.ReasonEn);
        decision.Events.OfType<ContentVersionAdded>().Single().Version.ShouldBe(2);
        var signed = decision.Events.OfType<DocumentSigned>().Single();
        (signed.Version, signed.SourceVersion, signed.Level, signed.SignedBy).ShouldBe((2, 1, "B-LTA", Clerk.UserId));
    }

    [Fact]
    public void a_person_signing_a_scan_still_being_digitized_is_told_the_archive_signs_the_pdfa_itself_and_may_sign_once_the_job_ended()
    {
        var state = WithScan();
        state = state.Apply(Decide(new QueueDigitization("job-1", 1, Sha('a'), null), state), DocumentDecider.Evolve);

        var refused = Decide(Sign(1, 'a', 'b'), state).Rejection!;
        refused.Code.ShouldBe(DigitizationRules.InProgress);
        refused.ReasonVi.ShouldContain("tự ký số bản PDF/A");
        refused.ReasonEn.ShouldContain("signs the PDF/A with the organization's signature by itself");

        // A job that went to the dead-letter list leaves the decision to the person again.
        var failed = state.Apply(Decide(new RecordDigitizationFailure("job-1", DigitizationRules.Step, 3, "ocr failed"), state), DocumentDecider.Evolve);
        Decide(Sign(1, 'a', 'b'), failed).IsAccepted.ShouldBeTrue();
    }

    [Fact]
    public void a_signed_version_and_a_version_with_a_signed_derivative_are_not_signed_again()
    {
        var state = WithScan();
        state = state.Apply(Decide(Sign(1, 'a', 'b'), state), DocumentDecider.Evolve);

        Decide(Sign(2, 'b', 'e'), state).Rejection!.Code.ShouldBe(DocumentSigningRules.AlreadySigned);
        Decide(Sign(1, 'a', 'e'), state).Rejection!.Code.ShouldBe(DocumentSigningRules.StaleSource);
    }

    [Fact]
    public void a_held_document_is_not_signed_but_its_copies_may_be_issued()
    {
        var state = WithScan();
        state = state.Apply(Decide(new PlaceDocumentHold(new PlaceHold("H1", HoldKind.Legal, "Tòa án", "Vụ án")), state, Archivist), DocumentDecider.Evolve);

        Decide(Sign(1, 'a', 'b'), state).Rejection!.Code.ShouldBe(RejectionCodes.UnderHold);
        Decide(new IssueCopy("sao-y", "Tòa án yêu cầu", 1, Sha('a'), Sha('f'), 10, Sha('c')), state).IsAccepted.ShouldBeTrue();
    }

    [Fact]
    public void only_a_b_lta_version_is_renewed_and_only_by_a_timestamp_that_lasts_longer()
    {
        var state = WithScan();
        state = state.Apply(Decide(Sign(1, 'a', 'b', level: "B-LT"), state), DocumentDecider.Evolve);
        Decide(new RenewDocumentTimestamp(2, Sha('b'), Pdf('e'), Now, "CN=TSA", Until.AddYears(1)), state).Rejection!.Code
            .ShouldBe(DocumentSigningRules.NotSignable);

        var lta = WithScan();
        lta = lta.Apply(Decide(Sign(1, 'a', 'b'), lta), DocumentDecider.Evolve);
        Decide(new RenewDocumentTimestamp(2, Sha('b'), Pdf('e'), Now, "CN=TSA", Until), lta).Rejection!.Code.ShouldBe(DocumentSigningRules.NotSignable);
        var renewed = Decide(new RenewDocumentTimestamp(2, Sha('b'), Pdf('e'), Now, "CN=TSA", Until.AddYears(1)), lta);
        renewed.Events.OfType<DocumentTimestampRenewed>().Single().PreviousValidUntil.ShouldBe(Until);
        lta = lta.Apply(renewed, DocumentDecider.Evolve);
        lta.Signatures.Last().ShouldBe(new ContentSignature(3, 2, "B-LTA", Until.AddYears(1), true));
    }

    [Fact]
    public void a_copy_needs_a_purpose_and_a_known_kind_and_a_destroyed_document_has_none()
    {
        var bad = Decide(new IssueCopy("ban-chinh", " ", 1, Sha('a'), Sha('f'), 10, Sha('c')), WithScan());
        bad.Rejection!.Errors.Select(e => e.Field).ShouldBe(["purpose", "kind"], ignoreOrder: true);
        Decide(new IssueCopy("sao-y", "x", 1, Sha('a'), Sha('f'), 10, Sha('c')), WithScan() with { Status = DocumentStatus.Destroyed })
            .Rejection!.Code.ShouldBe(RejectionCodes.WrongStatus);
    }
}

public class CopySourceTests
{
    [Fact]
    public void a_copy_of_a_signed_and_renewed_version_is_made_from_the_unsigned_content_it_derives_from()
    {
        var state = DocumentState.Initial with
        {
            Signatures = [new ContentSignature(2, 1, "B-LTA", null, false), new ContentSignature(3, 2, "B-LTA", null, true)],
        };

        DocumentSigningRules.UnsignedSourceOf(state, 3).ShouldBe(1);
        DocumentSigningRules.UnsignedSourceOf(state, 1).ShouldBe(1);
        DocumentSigningRules.UnsignedSourceOf(state, 4).ShouldBe(4);
    }
}
