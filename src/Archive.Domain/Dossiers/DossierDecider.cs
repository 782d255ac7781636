using System.Collections.Immutable;
using Archive.Domain.Access;
using Archive.Domain.Common;
using Archive.Domain.Holds;
using Archive.Domain.Identifiers;
using Archive.Domain.Retention;

namespace Archive.Domain.Dossiers;

public static class DossierDecider
{
    public static Decision Decide(DossierCommand command, DossierState state, DecisionContext context) => command switch
    {
        OpenDossier c => Open(c, state),
        _ when state.Status == DossierStatus.None => Rejections.NotFound("hồ sơ", "dossier"),
        _ when state.Status == DossierStatus.Destroyed => Rejections.WrongStatus(
            $"Hồ sơ {state.Code} đã bị hủy; chỉ còn thông tin tồn dư.", $"Dossier {state.Code} was destroyed; only its residual remains."),
        ChangeDossierMetadata c => ChangeMetadata(c, state, context),
        FileDocument c => File(c, state),
        UpdateFiledDocumentRetention c => UpdateDocumentRetention(c, state),
        CloseDossier c => Close(c, state),
        TransferDossier c => Transfer(c, state),
        PlaceDossierHold c => HoldRules.Place(state.Holds, state.Code, c.Hold, context),
        LiftDossierHold c => HoldRules.Lift(state.Holds, state.Code, c.Hold, context),
        ConfirmDossierAccessChange c => AccessAlerts.Confirm(state.AccessAlerts, c.AlertNumber, context),
        RecordDossierDestruction c => Destroy(c, state, context),
        _ => throw new ArgumentOutOfRangeException(nameof(command)),
    };

    private static Decision Open(OpenDossier c, DossierState state)
    {
        if (state.Status != DossierStatus.None)
            return new Rejection(RejectionCodes.AlreadyExists, "Hồ sơ đã được mở.", "The dossier is already open.");
        var errors = DossierValidation.Validate(c.OrganId, c.Year, c.FileNotation, c.Metadata);
        if (errors.Count > 0) return Decision.Invalid(errors);
        return Decision.Accept(new DossierOpened(DossierCode.Compose(c.OrganId, c.Year, c.FileNotation),
            c.OrganId, c.Year, c.FileNotation, c.Metadata));
    }

    private static Decision ChangeMetadata(ChangeDossierMetadata c, DossierState state, DecisionContext context)
    {
        if (state.IsHeld) return Rejections.UnderHold(state.Code);
        var errors = DossierValidation.Validate(c.Metadata).ToList();
        var newRetention = errors.Count == 0 ? c.Metadata.GetRetention() : null;
        if (newRetention is not null)
        {
            var longestDocument = RetentionPeriod.Longest(state.Documents.Select(d => d.Retention));
            if (longestDocument is not null && newRetention < longestDocument)
                errors.Add(new("retention", "shorter_than_documents",
                    $"Thời hạn hồ sơ không được ngắn hơn tài liệu lâu nhất trong hồ sơ ({longestDocument.DisplayVi}).",
                    $"The dossier cannot be kept shorter than its longest-kept document ({longestDocument.DisplayEn})."));
        }
        if (errors.Count > 0) return Decision.Invalid(errors);
        if (c.ScheduleMinimum is { } minimum && newRetention! < minimum)
            return RetentionSchedule.BelowScheduleRejection(minimum);

        var changes = FieldDiff.Between(state.Metadata!.Fields(), c.Metadata.Fields());
        if (changes.Count == 0) return Rejections.NoChange;

        var events = new List<IDomainEvent> { new DossierMetadataChanged(state.Code, c.Metadata, changes) };
        if (state.Metadata.AccessMode != c.Metadata.AccessMode)
            events.Add(AccessAlerts.Raise(state.AccessAlerts, state.Code, state.Metadata.AccessMode, c.Metadata.AccessMode, context));
        return Decision.Accept(events);
    }

    private static Decision File(FileDocument c, DossierState state)
    {
        if (state.Status != DossierStatus.Open)
            return Rejections.WrongStatus("Chỉ đưa tài liệu vào hồ sơ đang mở.", "Documents can only be filed into an open dossier.");
        if (state.IsHeld) return Rejections.UnderHold(state.Code);
        var errors = new FieldRules().Required("documentId", c.DocumentId).Range("pageCount", c.PageCount, 0, 9999).Errors
            .Concat(c.DocumentRetention.Validate("documentRetention")).ToList();
        if (errors.Count > 0) return Decision.Invalid(errors);
        if (state.Documents.Any(d => d.DocumentId == c.DocumentId))
            return new Rejection(RejectionCodes.Duplicate, "Tài liệu đã có trong hồ sơ.", "The document is already filed in this dossier.");

        var order = state.NextOrder;
        var events = new List<IDomainEvent>
        {
            new DocumentFiled(state.Code, c.DocumentId, order, DocumentCode.Compose(state.Code, order), c.ContentSha256,
                c.DocumentRetention.Code, c.DocumentRetention.Years, c.PageCount),
        };
        var current = state.Retention!;
        if (c.DocumentRetention > current)
            events.Add(new DossierRetentionRaised(state.Code, c.DocumentRetention.Code, c.DocumentRetention.Years, c.DocumentId,
                [new("retention", current.DisplayVi, c.DocumentRetention.DisplayVi)]));
        return Decision.Accept(events);
    }

    // A document may be re-valued after filing; the dossier follows it up, never down below its other documents.
    private static Decision UpdateDocumentRetention(UpdateFiledDocumentRetention c, DossierState state)
    {
        var filed = state.Documents.FirstOrDefault(d => d.DocumentId == c.DocumentId);
        if (filed is null) return Rejections.NotFound($"tài liệu {c.DocumentId} trong hồ sơ", $"document {c.DocumentId} in this dossier");
        var errors = c.Retention.Validate("retention");
        if (errors.Count > 0) return Decision.Invalid(errors);
        if (filed.Retention == c.Retention) return Rejections.NoChange;
        var events = new List<IDomainEvent>
        {
            new FiledDocumentRetentionUpdated(state.Code, c.DocumentId, c.Retention.Code, c.Retention.Years,
                [new("documents[" + c.DocumentId + "].retention", filed.Retention.DisplayVi, c.Retention.DisplayVi)]),
        };
        var current = state.Retention!;
        if (c.Retention > current)
            events.Add(new DossierRetentionRaised(state.Code, c.Retention.Code, c.Retention.Years, c.DocumentId,
                [new("retention", current.DisplayVi, c.Retention.DisplayVi)]));
        return Decision.Accept(events);
    }

    private static Decision Close(CloseDossier c, DossierState state)
    {
        if (state.Status != DossierStatus.Open)
            return Rejections.WrongStatus("Hồ sơ không ở trạng thái mở; không thể đóng lại.", "The dossier is not open, so it cannot be closed again.");
        var endDate = c.EndDate ?? state.Metadata!.EndDate;
        if (endDate is null)
            return Decision.Invalid([new("endDate", "required", "Khi đóng hồ sơ phải có thời gian kết thúc.", "Closing a dossier needs its end date.")]);
        if (state.Metadata!.StartDate is { } start && endDate < start)
            return Decision.Invalid([new("endDate", "before_start", "Thời gian kết thúc trước thời gian bắt đầu.", "The end date is before the start date.")]);
        var changes = FieldDiff.Between(
            [("endDate", state.Metadata.EndDate?.ToString("yyyy-MM-dd")), ("pageCount", state.Metadata.PageCount?.ToString())],
            [("endDate", endDate.Value.ToString("yyyy-MM-dd")), ("pageCount", (state.Metadata.PageCount ?? state.PageTotal).ToString())]);
        return Decision.Accept(new DossierClosed(state.Code, endDate.Value, state.Documents.Count,
            state.Metadata.PageCount ?? state.PageTotal,
            TransferSchedule.DueDate(endDate.Value, state.Metadata.ConstructionFinalAccountsDate), changes));
    }

    // Dossiers under 5 years are not required to be transferred (Điều 31.3.c) but may be; we do not forbid it.
    private static Decision Transfer(TransferDossier c, DossierState state)
    {
        if (state.Status != DossierStatus.Closed)
            return Rejections.WrongStatus("Chỉ nộp lưu hồ sơ đã đóng và chưa nộp lưu.", "Only a closed, not yet transferred dossier can be transferred.");
        if (state.IsHeld) return Rejections.UnderHold(state.Code);
        var errors = new FieldRules().RequiredMax("receivedBy", c.ReceivedBy, 100).Errors;
        if (errors.Count > 0) return Decision.Invalid(errors);
        return Decision.Accept(new DossierTransferred(state.Code, c.TransferredOn, c.ReceivedBy, c.HandoverRecordRef));
    }

    private static Decision Destroy(RecordDossierDestruction c, DossierState state, DecisionContext context)
    {
        var block = Disposition.DestructionBlock.Check(new(state.Code, Disposition.RecordKind.Dossier, state.Retention!, state.IsHeld));
        if (block is not null)
            return new Rejection(RejectionCodes.DestructionBlocked, block.ReasonVi, block.ReasonEn);
        return Decision.Accept(new DossierDestroyed(state.Code, c.DecisionNumber, c.DecisionDate, c.DestroyedOn, context.Actor.UserId,
            c.ContentSha256s ?? state.Documents.Select(d => d.ContentSha256).OfType<string>().ToList()));
    }

    public static DossierState Evolve(DossierState state, IDomainEvent @event) => @event switch
    {
        DossierOpened e => state with
        {
            Status = DossierStatus.Open, Code = e.DossierCode, OrganId = e.OrganId, Year = e.Year,
            FileNotation = e.FileNotation, Metadata = e.Metadata,
        },
        DossierMetadataChanged e => state with { Metadata = e.Metadata },
        DocumentFiled e => state with
        {
            Documents = state.Documents.Add(new(e.DocumentId, e.Order, e.DocumentCode, e.ContentSha256,
                RetentionCodec.From(e.RetentionCode, e.RetentionYears), e.PageCount)),
        },
        FiledDocumentRetentionUpdated e => state with
        {
            Documents = state.Documents.Select(d => d.DocumentId == e.DocumentId
                ? d with { Retention = RetentionCodec.From(e.RetentionCode, e.RetentionYears) } : d).ToImmutableList(),
        },
        // Metadata is null when the opening event was shredded (a destroyed dossier): there is nothing left to update.
        DossierRetentionRaised e => state with { Metadata = state.Metadata is null ? null : state.Metadata with { RetentionCode = e.RetentionCode, RetentionYears = e.RetentionYears } },
        DossierClosed e => state with
        {
            Status = DossierStatus.Closed, ClosedEndDate = e.EndDate, TransferDueDate = e.TransferDueDate,
            Metadata = state.Metadata is null ? null : state.Metadata with { EndDate = e.EndDate, PageCount = e.PageCount },
        },
        DossierTransferred e => state with { Status = DossierStatus.Transferred, TransferredOn = e.TransferredOn },
        DossierDestroyed e => state with
        {
            Status = DossierStatus.Destroyed,
            Code = e.DossierCode,
            Metadata = null,
            Documents = [],
            Residual = new(e.DossierCode, e.DecisionNumber, e.DecisionDate, e.DestroyedOn, e.ExecutedBy, e.ContentSha256s),
        },
        HoldPlaced or HoldLifted => state with { Holds = HoldRules.Evolve(state.Holds, @event) },
        AccessChangeAlertRaised or AccessChangeAlertConfirmed => state with { AccessAlerts = AccessAlerts.Evolve(state.AccessAlerts, @event) },
        _ => state,
    };

    public static DossierState Fold(IEnumerable<IDomainEvent> events) => events.Aggregate(DossierState.Initial, Evolve);
}
