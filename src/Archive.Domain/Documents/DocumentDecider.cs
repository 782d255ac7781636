using System.Text.RegularExpressions;
using Archive.Domain.Access;
using Archive.Domain.CodeLists;
using Archive.Domain.Common;
using Archive.Domain.Dossiers;
using Archive.Domain.Holds;
using Archive.Domain.Retention;

namespace Archive.Domain.Documents;

public static partial class DocumentDecider
{
    public const int FileNameMax = 255;

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex Sha256Hex();

    public static Decision Decide(DocumentCommand command, DocumentState state, DecisionContext context) => command switch
    {
        RegisterDocument c => Register(c, state),
        _ when state.Status == DocumentStatus.None => Rejections.NotFound("tài liệu", "document"),
        _ when state.Status == DocumentStatus.Destroyed => Rejections.WrongStatus(
            "Tài liệu đã bị hủy; chỉ còn thông tin tồn dư.", "The document was destroyed; only its residual remains."),
        ChangeDocumentMetadata c => ChangeMetadata(c, state, context),
        AddContentVersion c => AddContent(c, state),
        PlaceDocumentHold c => HoldRules.Place(state.Holds, state.DocumentId, c.Hold, context),
        LiftDocumentHold c => HoldRules.Lift(state.Holds, state.DocumentId, c.Hold, context),
        ConfirmDocumentAccessChange c => AccessAlerts.Confirm(state.AccessAlerts, c.AlertNumber, context),
        RecordDocumentDestruction c => Destroy(c, state, context),
        RecordSignatureVerification c => RecordVerification(c, state, context),
        SignDocumentContent c => DigitizationRules.SignByPerson(c, state, context),
        RenewDocumentTimestamp c => DocumentSigningRules.Renew(c, state),
        IssueCopy c => DocumentSigningRules.Copy(c, state, context),
        QueueDigitization c => DigitizationRules.Queue(c, state),
        RecordDigitization c => DigitizationRules.Convert(c, state),
        SignDigitizedContent c => DigitizationRules.Sign(c, state, context),
        RecordDigitizationFailure c => DigitizationRules.Fail(c, state),
        RetryDigitization c => DigitizationRetry.Decide(c, state, context),
        ReviewMetadataProposal c => DigitizationRules.Review(c, state, context),
        SplitScan c => DocumentSplitting.Split(c, state, context),
        _ => throw new ArgumentOutOfRangeException(nameof(command)),
    };

    private static Decision Register(RegisterDocument c, DocumentState state)
    {
        if (state.Status != DocumentStatus.None)
            return new Rejection(RejectionCodes.AlreadyExists, "Tài liệu đã được đăng ký.", "The document is already registered.");
        var errors = new FieldRules().RequiredMax("documentId", c.DocumentId, 100).Errors
            .Concat(DocumentValidation.Validate(c.Metadata)).ToList();
        return errors.Count > 0 ? Decision.Invalid(errors) : Decision.Accept(new DocumentRegistered(c.DocumentId, c.Metadata));
    }

    private static Decision ChangeMetadata(ChangeDocumentMetadata c, DocumentState state, DecisionContext context)
    {
        if (state.IsHeld) return Rejections.UnderHold(state.DocumentId);
        var errors = DocumentValidation.Validate(c.Metadata);
        if (errors.Count > 0) return Decision.Invalid(errors);
        if (c.ScheduleMinimum is { } minimum && c.Metadata.GetRetention() < minimum)
            return RetentionSchedule.BelowScheduleRejection(minimum);
        var changes = FieldDiff.Between(state.Metadata!.Fields(), c.Metadata.Fields());
        if (changes.Count == 0) return Rejections.NoChange;
        var events = new List<IDomainEvent> { new DocumentMetadataChanged(state.DocumentId, c.Metadata, changes) };
        if (state.Metadata.AccessMode != c.Metadata.AccessMode)
            events.Add(AccessAlerts.Raise(state.AccessAlerts, state.DocumentId, state.Metadata.AccessMode, c.Metadata.AccessMode, context));
        return Decision.Accept(events);
    }

    private static Decision AddContent(AddContentVersion c, DocumentState state)
    {
        if (state.IsHeld) return Rejections.UnderHold(state.DocumentId);
        var f = c.Facts;
        var rules = new FieldRules()
            .Required("sha256", f.Sha256)
            .Required("mediaType", f.MediaType)
            .RequiredMax("fileName", f.FileName, FileNameMax)
            .When(!string.IsNullOrEmpty(f.Sha256) && !Sha256Hex().IsMatch(f.Sha256), "sha256", "invalid_sha256",
                "Mã băm SHA-256 phải gồm 64 ký tự hex thường.", "The SHA-256 must be 64 lower-case hex characters.")
            .When(f.SizeBytes <= 0, "sizeBytes", "out_of_range", "Kích thước tệp phải lớn hơn 0.", "The file size must be positive.")
            .Range("pdfPageCount", f.PdfPageCount, 1, int.MaxValue)
            .Range("imageDpi", f.ImageDpi, 1, 100_000);
        if (rules.Errors.Count > 0) return Decision.Invalid(rules.Errors);
        if (state.CurrentContent?.Sha256 == f.Sha256)
            return Rejections.NoChange;

        var isScan = c.IsScan ?? state.Metadata!.ConfidenceLevel == Codes.ConfidenceDigitized;
        // The page count described (số trang) and the file's own differ: a page lost or added in scanning (any upload).
        IReadOnlyList<DigitizationWarning> warnings =
            [.. isScan ? DigitizationStandard.Check(f, state.Metadata!.TypeCode) : [], .. DigitizationStandard.CheckPageCount(f.PdfPageCount, state.Metadata!.PageCount)];
        return Decision.Accept(new ContentVersionAdded(state.DocumentId, state.Contents.Count + 1, f.Sha256, f.SizeBytes,
            f.MediaType, f.FileName, f.PdfPageCount, f.PdfVersion, f.PdfAConformance, f.ImageDpi, f.IsColour, isScan, warnings));
    }

    private static Decision Destroy(RecordDocumentDestruction c, DocumentState state, DecisionContext context)
    {
        var block = Disposition.DestructionBlock.Check(new(state.DocumentId, Disposition.RecordKind.Document,
            state.Metadata!.GetRetention(), state.IsHeld));
        if (block is not null) return new Rejection(RejectionCodes.DestructionBlocked, block.ReasonVi, block.ReasonEn);
        return Decision.Accept(new DocumentDestroyed(state.DocumentId, c.DecisionNumber, c.DecisionDate, c.DestroyedOn,
            context.Actor.UserId, state.Contents.Select(x => x.Sha256).ToList()));
    }

    // Verification is a read of the record, so holds do not block it; but it must concern a content version the
    // document actually has, or the event would vouch for a file that is not in the record.
    private static Decision RecordVerification(RecordSignatureVerification c, DocumentState state, DecisionContext context)
    {
        var content = state.Contents.FirstOrDefault(x => x.Version == c.ContentVersion);
        if (content is null || content.Sha256 != c.ContentSha256)
            return new Rejection(RejectionCodes.ValidationFailed, "Tài liệu không có phiên bản nội dung này.", "The document has no such content version.");
        return Decision.Accept(new SignatureVerified(state.DocumentId, c.ContentVersion, c.ContentSha256, c.ReportSha256,
            c.DocumentIndication, c.DocumentSubIndication, c.SignatureCount, context.Now));
    }

    public static DocumentState Evolve(DocumentState state, IDomainEvent @event) => @event switch
    {
        DocumentRegistered e => state with { Status = DocumentStatus.Registered, DocumentId = e.DocumentId, Metadata = e.Metadata },
        DocumentMetadataChanged e => state with { Metadata = e.Metadata },
        ContentVersionAdded e => state with
        {
            Contents = state.Contents.Add(new(e.Version, e.Sha256, e.SizeBytes, e.MediaType, e.FileName, e.Warnings, e.PdfPageCount)),
        },
        DocumentDestroyed e => state with
        {
            Status = DocumentStatus.Destroyed,
            DocumentId = e.DocumentId,
            Metadata = null,
            Residual = new(e.DocumentId, e.DecisionNumber, e.DecisionDate, e.DestroyedOn, e.ExecutedBy, e.ContentSha256s),
        },
        HoldPlaced or HoldLifted => state with { Holds = HoldRules.Evolve(state.Holds, @event) },
        AccessChangeAlertRaised or AccessChangeAlertConfirmed => state with { AccessAlerts = AccessAlerts.Evolve(state.AccessAlerts, @event) },
        DocumentSigned or DocumentTimestampRenewed => DocumentSigningRules.Evolve(state, @event),
        DigitizationQueued or DocumentDigitized or DigitizationSigned or DigitizationFailed or DigitizationRetried or DocumentMetadataProposed
            or DocumentMetadataProposalReviewed => DigitizationRules.Evolve(state, @event),
        DocumentSplit or DocumentSplitFrom => DocumentSplitting.Evolve(state, @event),
        _ => state,
    };

    public static DocumentState Fold(IEnumerable<IDomainEvent> events) => events.Aggregate(DocumentState.Initial, Evolve);
}
