using Archive.Domain.Access;
using Archive.Domain.Common;
using Archive.Domain.Documents;
using Archive.Domain.Holds;
using Archive.Domain.Retention;
using static Archive.Domain.Tests.Samples;

namespace Archive.Domain.Tests;

public class DocumentTests
{
    private static Decision Decide(DocumentCommand command, DocumentState state, Actor? actor = null) =>
        DocumentDecider.Decide(command, state, As(actor ?? Clerk));

    private static ContentFacts GoodScan(char hash = 'a') =>
        new(Sha(hash), 1_234_567, "application/pdf", "000.00.00.H29.2025.01-VP.0000001.pdf",
            PdfPageCount: 12, PdfVersion: "1.7", PdfAConformance: "2B", ImageDpi: 300, IsColour: true);

    [Fact]
    public void a_document_from_the_seed_registers_with_its_number_and_notation()
    {
        var state = RegisteredDocument();
        state.Metadata!.NumberAndNotation.ShouldBe("391/KH-UBND");
    }

    [Fact]
    public void document_validation_reports_every_length_and_code_error_at_once()
    {
        var bad = Document() with
        {
            TypeCode = "33",
            CodeNumber = new string('1', 12),
            CodeNotation = new string('K', 31),
            Issuer = new string('U', 201),
            Subject = new string('S', 501),
            SignerPosition = new string('P', 101),
            SignerName = new string('N', 51),
            AccessMode = "04",
            ConfidenceLevel = "04",
            PhysicalCondition = "04",
            Autograph = new string('A', 2001),
            Note = new string('G', 501),
            Languages = ["99"],
            RetentionCode = "00",
        };
        DocumentValidation.Validate(bad).Select(e => e.Field).ShouldBe(
        [
            "typeCode", "codeNumber", "codeNotation", "issuer", "subject", "signerPosition", "signerName",
            "accessMode", "confidenceLevel", "physicalCondition", "autograph", "note", "retention", "languages",
        ], ignoreOrder: true);
    }

    [Fact]
    public void an_edit_records_the_changed_fields_and_an_identical_edit_is_no_change()
    {
        var state = RegisteredDocument();
        var e = Decide(new ChangeDocumentMetadata(Document() with { PageCount = 14 }), state).Events.Single().ShouldBeOfType<DocumentMetadataChanged>();
        e.Changes.Single().ShouldBe(new FieldChange("pageCount", "12", "14"));
        Decide(new ChangeDocumentMetadata(Document()), state).Rejection!.Code.ShouldBe(RejectionCodes.NoChange);
    }

    [Fact]
    public void changing_a_documents_access_regime_raises_an_alert_that_the_same_person_cannot_confirm()
    {
        var state = RegisteredDocument();
        state = state.Apply(Decide(new ChangeDocumentMetadata(Document() with { AccessMode = "02" }), state, Archivist), DocumentDecider.Evolve);
        state.AccessAlerts.Single().IsOpen.ShouldBeTrue();
        Decide(new ConfirmDocumentAccessChange(1), state, Archivist).Rejection!.Code.ShouldBe(RejectionCodes.SamePersonCannotConfirm);
        Decide(new ConfirmDocumentAccessChange(1), state, SecondArchivist).Events.Single().ShouldBeOfType<AccessChangeAlertConfirmed>();
    }

    [Fact]
    public void a_good_scan_of_a_digitised_document_has_no_warnings()
    {
        var state = RegisteredDocument(Document() with { ConfidenceLevel = "02" });
        var added = Decide(new AddContentVersion(GoodScan()), state).Events.Single().ShouldBeOfType<ContentVersionAdded>();
        (added.Version, added.IsScan).ShouldBe((1, true));
        added.Warnings.ShouldBeEmpty();
    }

    [Fact]
    public void a_poor_scan_is_stored_with_a_warning_per_shortfall()
    {
        var state = RegisteredDocument(Document() with { ConfidenceLevel = "02" });
        var poor = GoodScan() with { PdfVersion = "1.3", PdfAConformance = null, ImageDpi = 150, IsColour = false };
        var added = Decide(new AddContentVersion(poor), state).Events.Single().ShouldBeOfType<ContentVersionAdded>();
        added.Warnings.Select(w => w.Code).ShouldBe(["pdf_version_too_low", "not_pdfa", "not_colour", "dpi_too_low"]);
        added.Warnings.ShouldAllBe(w => w.MessageVi.Length > 0 && w.MessageEn.Length > 0);
    }

    [Theory]
    [InlineData(12, 12, false)]
    [InlineData(12, 14, true)]
    [InlineData(12, null, false)]
    public void a_scan_whose_pages_differ_from_the_declared_page_count_is_stored_with_a_warning(int filePages, int? declared, bool warned)
    {
        var state = RegisteredDocument(Document() with { ConfidenceLevel = "02", PageCount = declared });
        var added = Decide(new AddContentVersion(GoodScan() with { PdfPageCount = filePages }), state).Events.Single().ShouldBeOfType<ContentVersionAdded>();
        var warning = added.Warnings.SingleOrDefault(w => w.Code == "page_count_mismatch");
        (warning is not null).ShouldBe(warned);
        if (warned) warning!.MessageEn.ShouldBe("The file has 12 page(s) but the document declares 14.");
    }

    [Theory]
    [InlineData("30", 250, true)]
    [InlineData("31", 250, true)]
    [InlineData("31", 300, false)]
    [InlineData("10", 200, false)]
    [InlineData("10", 199, true)]
    public void maps_and_technical_drawings_need_300_dpi_other_documents_200(string typeCode, int dpi, bool warned)
    {
        DigitizationStandard.Check(GoodScan() with { ImageDpi = dpi }, typeCode).Any(w => w.Code == "dpi_too_low").ShouldBe(warned);
    }

    [Fact]
    public void unknown_dpi_and_a_non_pdf_scan_are_warned()
    {
        var warnings = DigitizationStandard.Check(GoodScan() with { MediaType = "image/jpeg", ImageDpi = null }, "10");
        warnings.Select(w => w.Code).ShouldBe(["not_pdf", "dpi_unknown"]);
    }

    [Fact]
    public void a_born_digital_file_is_not_checked_against_the_scanning_standard()
    {
        var state = RegisteredDocument();
        var added = Decide(new AddContentVersion(GoodScan() with { ImageDpi = null, PdfAConformance = null }), state)
            .Events.Single().ShouldBeOfType<ContentVersionAdded>();
        added.IsScan.ShouldBeFalse();
        added.Warnings.ShouldBeEmpty();
    }

    [Fact]
    public void content_versions_are_numbered_and_the_same_file_twice_is_no_change()
    {
        var state = RegisteredDocument();
        state = state.Apply(Decide(new AddContentVersion(GoodScan('a')), state), DocumentDecider.Evolve);
        Decide(new AddContentVersion(GoodScan('a')), state).Rejection!.Code.ShouldBe(RejectionCodes.NoChange);
        state = state.Apply(Decide(new AddContentVersion(GoodScan('b')), state), DocumentDecider.Evolve);
        state.Contents.Select(c => c.Version).ShouldBe([1, 2]);
        state.CurrentContent!.Sha256.ShouldBe(Sha('b'));
    }

    [Fact]
    public void a_malformed_hash_and_empty_file_are_rejected_together()
    {
        var decision = Decide(new AddContentVersion(GoodScan() with { Sha256 = "ABC", SizeBytes = 0 }), RegisteredDocument());
        decision.Rejection!.Errors.Select(e => e.Code).ShouldBe(["invalid_sha256", "out_of_range"], ignoreOrder: true);
    }

    [Fact]
    public void a_held_document_cannot_be_edited_or_given_new_content()
    {
        var state = RegisteredDocument();
        state = state.Apply(Decide(new PlaceDocumentHold(new PlaceHold("H1", HoldKind.Legal, "Tòa án nhân dân tỉnh", "Vụ án")), state, Archivist), DocumentDecider.Evolve);
        Decide(new ChangeDocumentMetadata(Document() with { PageCount = 13 }), state).Rejection!.Code.ShouldBe(RejectionCodes.UnderHold);
        Decide(new AddContentVersion(GoodScan()), state).Rejection!.Code.ShouldBe(RejectionCodes.UnderHold);
        Decide(new RecordDocumentDestruction("15/QĐ-UBND", new DateOnly(2036, 1, 2), new DateOnly(2036, 1, 5)), state, Head)
            .Rejection!.Code.ShouldBe(RejectionCodes.DestructionBlocked);
    }

    [Fact]
    public void document_retention_below_the_schedule_is_refused()
    {
        Decide(new ChangeDocumentMetadata(Document() with { RetentionCode = "07", RetentionYears = 5 }, RetentionPeriod.OfYears(10)), RegisteredDocument())
            .Rejection!.Code.ShouldBe(RejectionCodes.RetentionBelowSchedule);
    }

    [Fact]
    public void a_destroyed_document_keeps_only_its_residual_with_hashes()
    {
        var state = RegisteredDocument();
        state = state.Apply(Decide(new AddContentVersion(GoodScan('a')), state), DocumentDecider.Evolve);
        state = state.Apply(Decide(new RecordDocumentDestruction("15/QĐ-UBND", new DateOnly(2036, 1, 2), new DateOnly(2036, 1, 5)), state, Head), DocumentDecider.Evolve);
        state.Status.ShouldBe(DocumentStatus.Destroyed);
        state.Metadata.ShouldBeNull();
        state.Residual!.ContentSha256s.ShouldBe([Sha('a')]);
        state.Residual.ExecutedBy.ShouldBe(Head.UserId);
    }

    private static RecordSignatureVerification Verified(char hash = 'a', int version = 1) =>
        new(version, Sha(hash), Sha('f'), "TOTAL_PASSED", "NONE", 1);

    [Fact]
    public void a_signature_verification_of_the_current_content_is_recorded_with_the_report_hash()
    {
        var state = RegisteredDocument();
        state = state.Apply(Decide(new AddContentVersion(GoodScan('a')), state), DocumentDecider.Evolve);
        var e = Decide(Verified(), state).Events.ShouldHaveSingleItem().ShouldBeOfType<SignatureVerified>();
        e.ReportSha256.ShouldBe(Sha('f'));
        e.ContentSha256.ShouldBe(Sha('a'));
        e.VerifiedAt.ShouldBe(Now);
        EventTypes.ByName["signature.verified.v1"].ShouldBe(typeof(SignatureVerified));
    }

    [Fact]
    public void verifying_content_the_document_does_not_have_or_an_unknown_or_destroyed_document_is_rejected()
    {
        var state = RegisteredDocument();
        state = state.Apply(Decide(new AddContentVersion(GoodScan('a')), state), DocumentDecider.Evolve);
        Decide(Verified('b'), state).IsRejected.ShouldBeTrue();
        Decide(Verified(), DocumentState.Initial).Rejection!.Code.ShouldBe(RejectionCodes.NotFound);
        var destroyed = state.Apply(Decide(new RecordDocumentDestruction("15/QĐ-UBND", new DateOnly(2036, 1, 2), new DateOnly(2036, 1, 5)), state, Head), DocumentDecider.Evolve);
        Decide(Verified(), destroyed).IsRejected.ShouldBeTrue();
    }
}
