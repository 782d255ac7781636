using Archive.Domain.CodeLists;
using Archive.Domain.Common;

namespace Archive.Domain.Documents;

/// <summary>
/// Số hóa (digitization) of a scan: the upload stays content version 1, OCR makes a two-layer PDF/A-2b (image plus hidden
/// text) as the next version, the organization signs that PDF/A (TT 05/2025 Điều 8: convert first, sign after).
/// Each step is one event carrying the step's job id, so a retried step is recognised and never recorded twice.
/// </summary>
public enum DigitizationStatus { None, Queued, Converted, Signed, Failed }

/// <summary>OCR result of one page: mean word confidence (0-100, tesseract's), word and character counts.</summary>
public sealed record PageRecognition(int Page, double MeanConfidence, int Words, int Characters);

/// <summary>The digitization of one uploaded scan, as the events tell it.</summary>
public sealed record DigitizationState(string JobId, DigitizationStatus Status, int SourceVersion, string SourceSha256, int? ConvertedVersion = null,
    int? SignedVersion = null, int Pages = 0, IReadOnlyList<PageRecognition>? PageResults = null, string? Error = null,
    IReadOnlyList<ProposedField>? Proposal = null, bool ProposalReviewed = false);

/// <summary>A scan of a digitized (02) or mixed (03) record was queued for OCR, PDF/A conversion and signature.</summary>
[EventType("document.digitization.queued.v1")]
/// <param name="Pages">Pages received (the scan's PDF page count, 1 for a JPEG or PNG; null when unknown): progress reports count them.</param>
public sealed record DigitizationQueued(string DocumentId, string JobId, int SourceVersion, string SourceSha256, string? Batch, int? Pages = null) : IDomainEvent;

/// <summary>
/// The scan became a PDF/A with a text layer (content version <paramref name="Version"/>, added by the event before it).
/// Engine and language versions, per-page confidence and the SHA-256 of the recognised text (UTF-8, pages joined by form
/// feeds) let anyone redo and compare the conversion.
/// </summary>
[EventType("document.digitization.converted.v1")]
public sealed record DocumentDigitized(string DocumentId, string JobId, int SourceVersion, int Version, string Sha256, string Engine,
    string OcrEngine, string Language, string LanguageData, string OutputType, int Pages, IReadOnlyList<PageRecognition> PageResults,
    string TextSha256, int TextCharacters, long DurationMs, IReadOnlyList<DigitizationWarning> Warnings) : IDomainEvent;

/// <summary>The PDF/A of the job was signed by the organization (the <see cref="DocumentSigned"/> before it says how).</summary>
[EventType("document.digitization.signed.v1")]
public sealed record DigitizationSigned(string DocumentId, string JobId, int Version, string Level, long DurationMs) : IDomainEvent;

/// <summary>A step kept failing and the job went to the dead-letter list (nothing else is blocked; a person may retry it).</summary>
[EventType("document.digitization.failed.v1")]
public sealed record DigitizationFailed(string DocumentId, string JobId, string Step, int Attempts, string Error) : IDomainEvent;

public sealed record QueueDigitization(string JobId, int SourceVersion, string SourceSha256, string? Batch) : DocumentCommand;

/// <param name="PdfA">Facts of the PDF/A bytes, already in the content store.</param>
public sealed record RecordDigitization(string JobId, ContentFacts PdfA, string Engine, string OcrEngine, string Language, string LanguageData,
    IReadOnlyList<PageRecognition> PageResults, string TextSha256, int TextCharacters, long DurationMs, string FirstPageText = "") : DocumentCommand;

/// <summary>The officer settles the proposal of <paramref name="JobId"/>: <paramref name="Kept"/> holds the value kept for each
/// field (as proposed = confirmed, another = corrected, absent = rejected); <paramref name="Metadata"/> is the record's metadata with them.</summary>
public sealed record ReviewMetadataProposal(string JobId, IReadOnlyDictionary<string, string> Kept, DocumentMetadata Metadata) : DocumentCommand;

public sealed record SignDigitizedContent(string JobId, SignDocumentContent Signature, long DurationMs) : DocumentCommand;

public sealed record RecordDigitizationFailure(string JobId, string Step, int Attempts, string Error) : DocumentCommand;

public static class DigitizationRules
{
    public const string AlreadyDone = "already_done";
    public const string NoSuchJob = "no_such_job";
    public const string Step = "convert";
    public const string SignStep = "sign";
    public const string InProgress = "digitization_in_progress";

    /// <summary>Below this mean word confidence a page is flagged for an officer to look at.</summary>
    public const double LowConfidence = 60;

    /// <summary>Only scans of digitized or mixed records, in the formats a scanner gives, are converted.</summary>
    public static bool Applies(DocumentMetadata metadata, string mediaType, bool isScan) =>
        isScan && metadata.ConfidenceLevel is Codes.ConfidenceDigitized or Codes.ConfidenceMixed
        && mediaType is "application/pdf" or "image/jpeg" or "image/png" or "image/tiff";

    /// <summary>Warnings for pages that came out empty or were read with low confidence.</summary>
    public static IReadOnlyList<DigitizationWarning> PageWarnings(IReadOnlyList<PageRecognition> pages)
    {
        var warnings = new List<DigitizationWarning>();
        foreach (var p in pages)
        {
            if (p.Words == 0)
                warnings.Add(new("ocr_empty_page", $"Trang {p.Page}: không nhận dạng được chữ nào (trang trắng?).",
                    $"Page {p.Page}: no text was recognised (blank page?)."));
            else if (p.MeanConfidence < LowConfidence)
                warnings.Add(new("ocr_low_confidence", $"Trang {p.Page}: độ tin cậy nhận dạng thấp ({p.MeanConfidence:0.#}).",
                    $"Page {p.Page}: low OCR confidence ({p.MeanConfidence:0.#})."));
        }
        return warnings;
    }

    public static Decision Queue(QueueDigitization c, DocumentState state)
    {
        if (state.Digitizations.Any(d => d.JobId == c.JobId)) return new Rejection(AlreadyDone, "Đã xếp hàng số hóa.", "Already queued.");
        var content = state.Contents.FirstOrDefault(x => x.Version == c.SourceVersion);
        if (content is null || content.Sha256 != c.SourceSha256)
            return Rejections.NotFound($"phiên bản nội dung {c.SourceVersion}", $"content version {c.SourceVersion}");
        return Decision.Accept(new DigitizationQueued(state.DocumentId, c.JobId, c.SourceVersion, c.SourceSha256, c.Batch,
            content.PdfPageCount ?? (content.MediaType is "image/jpeg" or "image/png" ? 1 : null)));
    }

    /// <summary>
    /// The PDF/A becomes the next content version. A held record is not changed; a job already converted is refused with
    /// <see cref="AlreadyDone"/> (the worker takes that as success), and so is a job whose scan is no longer current.
    /// </summary>
    public static Decision Convert(RecordDigitization c, DocumentState state)
    {
        var job = state.Digitizations.LastOrDefault(d => d.JobId == c.JobId);
        if (job is null) return new Rejection(NoSuchJob, "Không có lượt số hóa này.", "No such digitization job.");
        if (job.ConvertedVersion is not null || job.Status == DigitizationStatus.Failed)
            return new Rejection(AlreadyDone, "Bước chuyển đổi đã được ghi nhận.", "The conversion is already recorded.");
        if (state.IsHeld) return Rejections.UnderHold(state.DocumentId);
        if (state.CurrentContent?.Version != job.SourceVersion)
            return new Rejection(DocumentSigningRules.StaleSource, "Tệp quét đã có phiên bản mới hơn.", "The scan has a newer content version.");
        var pageWarnings = PageWarnings(c.PageResults);
        var facts = c.PdfA;
        var warnings = DigitizationStandard.Check(facts, state.Metadata!.TypeCode)
            .Concat(DigitizationStandard.CheckPageCount(facts.PdfPageCount, state.Metadata.PageCount)).Concat(pageWarnings).ToList();
        var version = state.Contents.Count + 1;
        var added = new ContentVersionAdded(state.DocumentId, version, facts.Sha256, facts.SizeBytes, facts.MediaType, facts.FileName,
            facts.PdfPageCount, facts.PdfVersion, facts.PdfAConformance, facts.ImageDpi, facts.IsColour, true, warnings);
        var digitized = new DocumentDigitized(state.DocumentId, c.JobId, job.SourceVersion, version, facts.Sha256, c.Engine, c.OcrEngine,
            c.Language, c.LanguageData, "pdfa-2", c.PageResults.Count, c.PageResults, c.TextSha256, c.TextCharacters, c.DurationMs, pageWarnings);
        var proposal = MetadataProposals.Propose(c.FirstPageText, c.PageResults.FirstOrDefault()?.MeanConfidence ?? 0);
        return proposal.Count == 0 ? Decision.Accept(added, digitized)
            : Decision.Accept(added, digitized, new DocumentMetadataProposed(state.DocumentId, c.JobId, proposal));
    }

    /// <summary>Records what the officer kept of a proposal, with the metadata change it makes (if any).</summary>
    public static Decision Review(ReviewMetadataProposal c, DocumentState state, DecisionContext context)
    {
        var job = state.Digitizations.LastOrDefault(d => d.JobId == c.JobId);
        if (job?.Proposal is null) return new Rejection(NoSuchJob, "Lượt số hóa này không có đề xuất siêu dữ liệu.", "This digitization job has no metadata proposal.");
        if (job.ProposalReviewed) return new Rejection(AlreadyDone, "Đề xuất đã được xem xét.", "The proposal was already reviewed.");
        var unknown = c.Kept.Keys.Where(k => job.Proposal.All(f => f.Field != k)).ToList();
        if (unknown.Count > 0)
            return Decision.Invalid([.. unknown.Select(k => new FieldError("fields." + k, "not_proposed", $"Trường {k} không có trong đề xuất.", $"{k} was not proposed."))]);
        var reviewed = new DocumentMetadataProposalReviewed(state.DocumentId, c.JobId, job.Proposal, c.Kept, context.Actor.UserId);
        var change = DocumentDecider.Decide(new ChangeDocumentMetadata(c.Metadata), state, context);
        if (change.Rejection?.Code == RejectionCodes.NoChange) return Decision.Accept(reviewed);
        if (change.IsRejected) return change;
        return Decision.Accept([reviewed, .. change.Events]);
    }

    /// <summary>The newest job while it has not ended: queued, converting, or converted and awaiting the organization's signature.</summary>
    public static DigitizationState? Pending(DocumentState state) =>
        state.Digitizations.LastOrDefault() is { Status: DigitizationStatus.Queued or DigitizationStatus.Converted } job ? job : null;

    /// <summary>
    /// A person's signature while the scan is being digitized is refused with the reason, not queued: the pipeline signs the
    /// PDF/A itself when the conversion ends (TT 05/2025 Điều 8: convert first, then sign), so a records officer needs to do
    /// nothing. Signing the scan instead would add a signed version that is not the archival PDF/A and leave the job's scan
    /// behind the current version, so the conversion could never be recorded. Once the job has ended (signed or failed),
    /// a person may sign as usual.
    /// </summary>
    public static Decision SignByPerson(SignDocumentContent c, DocumentState state, DecisionContext context) => Pending(state) is { } job
        ? new Rejection(InProgress,
            $"Bản quét (phiên bản {job.SourceVersion}) đang được số hóa (OCR, chuyển sang PDF/A); khi chuyển đổi xong, hệ thống tự ký số bản PDF/A bằng chữ ký số của cơ quan. Không cần ký bản quét.",
            $"The scan (version {job.SourceVersion}) is being digitized (OCR, conversion to PDF/A); when the conversion ends, the archive signs the PDF/A with the organization's signature by itself. The scan need not be signed.")
        : DocumentSigningRules.Sign(c, state, context);

    public static Decision Sign(SignDigitizedContent c, DocumentState state, DecisionContext context)
    {
        var job = state.Digitizations.LastOrDefault(d => d.JobId == c.JobId);
        if (job is null) return new Rejection(NoSuchJob, "Không có lượt số hóa này.", "No such digitization job.");
        if (job.SignedVersion is not null) return new Rejection(AlreadyDone, "Bản PDF/A đã được ký.", "The PDF/A is already signed.");
        if (job.ConvertedVersion != c.Signature.SourceVersion)
            return new Rejection(DocumentSigningRules.StaleSource, "Chỉ ký bản PDF/A của lượt số hóa.", "Only the job's PDF/A is signed.");
        var signed = DocumentSigningRules.Sign(c.Signature, state, context);
        if (signed.IsRejected) return signed;
        var version = signed.Events.OfType<DocumentSigned>().Single().Version;
        return Decision.Accept([.. signed.Events, new DigitizationSigned(state.DocumentId, c.JobId, version, c.Signature.Level, c.DurationMs)]);
    }

    public static Decision Fail(RecordDigitizationFailure c, DocumentState state)
    {
        var job = state.Digitizations.LastOrDefault(d => d.JobId == c.JobId);
        if (job is null) return new Rejection(NoSuchJob, "Không có lượt số hóa này.", "No such digitization job.");
        if (job.Status is DigitizationStatus.Signed or DigitizationStatus.Failed)
            return new Rejection(AlreadyDone, "Lượt số hóa đã kết thúc.", "The digitization job has ended.");
        var error = c.Error.Length > 2000 ? c.Error[..2000] : c.Error;
        return Decision.Accept(new DigitizationFailed(state.DocumentId, c.JobId, c.Step, c.Attempts, error));
    }

    public static DocumentState Evolve(DocumentState state, IDomainEvent @event) => @event switch
    {
        DigitizationQueued e => state with
        {
            Digitizations = state.Digitizations.Add(new(e.JobId, DigitizationStatus.Queued, e.SourceVersion, e.SourceSha256)),
        },
        DocumentDigitized e => Update(state, e.JobId, d => d with
        {
            Status = DigitizationStatus.Converted, ConvertedVersion = e.Version, Pages = e.Pages, PageResults = e.PageResults,
        }),
        DigitizationSigned e => Update(state, e.JobId, d => d with { Status = DigitizationStatus.Signed, SignedVersion = e.Version }),
        DocumentMetadataProposed e => Update(state, e.JobId, d => d with { Proposal = e.Fields }),
        DocumentMetadataProposalReviewed e => Update(state, e.JobId, d => d with { ProposalReviewed = true }),
        // A person's retry re-queues the same job: the failure is then history, the job queued again.
        DigitizationFailed e => Update(state, e.JobId, d => d with { Status = DigitizationStatus.Failed, Error = e.Error }),
        DigitizationRetried e => Update(state, e.JobId, d => d with { Status = d.ConvertedVersion is null ? DigitizationStatus.Queued : DigitizationStatus.Converted, Error = null }),
        _ => state,
    };

    private static DocumentState Update(DocumentState state, string jobId, Func<DigitizationState, DigitizationState> change)
    {
        var i = state.Digitizations.FindLastIndex(d => d.JobId == jobId);
        return i < 0 ? state : state with { Digitizations = state.Digitizations.SetItem(i, change(state.Digitizations[i])) };
    }
}

/// <summary>A person sent a dead-lettered job back to the queue.</summary>
[EventType("document.digitization.retried.v1")]
public sealed record DigitizationRetried(string DocumentId, string JobId, string RetriedBy) : IDomainEvent;

public sealed record RetryDigitization(string JobId) : DocumentCommand;

public static class DigitizationRetry
{
    public static Decision Decide(RetryDigitization c, DocumentState state, DecisionContext context)
    {
        var job = state.Digitizations.LastOrDefault(d => d.JobId == c.JobId);
        if (job is null) return new Rejection(DigitizationRules.NoSuchJob, "Không có lượt số hóa này.", "No such digitization job.");
        if (job.Status != DigitizationStatus.Failed)
            return new Rejection(DocumentSigningRules.NotSignable, "Chỉ gửi lại được lượt số hóa đã thất bại.", "Only a failed digitization job can be retried.");
        return Decision.Accept(new DigitizationRetried(state.DocumentId, c.JobId, context.Actor.UserId));
    }
}
