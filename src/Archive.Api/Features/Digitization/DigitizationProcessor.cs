using System.Diagnostics;
using Archive.Api.Features.Records;
using Archive.Api.Features.Signatures;
using Archive.Api.Infrastructure.Content;
using Archive.Api.Infrastructure.Search;
using Archive.Api.Infrastructure.Signing;
using Archive.Domain.Common;
using Archive.Domain.Documents;
using Archive.EventStore;
using Microsoft.Extensions.Options;
using Npgsql;
using Signing.Appearance;

namespace Archive.Api.Features.Digitization;

/// <summary>
/// Runs one digitization job: OCR to PDF/A (one transaction: the PDF/A's content version, the conversion event, the page
/// texts and the job's next step), then the organization's signature on the PDF/A. Every step starts from the document's
/// events: a step the stream already records for this job is skipped, and every append names the version it was decided
/// on, so a job taken over from a dead worker, or run twice by two workers, records each step once.
/// </summary>
public sealed class DigitizationProcessor(RecordsRepository repo, IContentStore store, ContentReferences references, IOptions<ContentStoreOptions> contentOptions,
    OrganizationSigning signing, SignedContentWriter writer, NpgsqlDataSource db, OcrEngine engine, DigitizationQueue queue,
    IOptions<DigitizationOptions> options, TimeProvider clock, ILogger<DigitizationProcessor> log)
{
    public const string SystemActor = "system:digitization";

    public async Task RunAsync(WorkItem item, string owner, CancellationToken ct)
    {
        var (doc, version) = await repo.LoadDocumentAsync(item.DocumentId, ct);
        var job = doc.Digitizations.LastOrDefault(d => d.JobId == item.JobId);
        if (doc.Status != DocumentStatus.Registered || job is null || job.Status == DigitizationStatus.Failed)
        {
            log.LogInformation("Digitization job {Job}: document {Id} no longer needs it; closed.", item.JobId, item.DocumentId);
            await queue.CompleteAsync(item.JobId, owner, ct);
            return;
        }
        if (job.ConvertedVersion is null)
        {
            await ConvertAsync(item, doc, version, job, ct);
            (doc, version) = await repo.LoadDocumentAsync(item.DocumentId, ct);
            job = doc.Digitizations.Last(d => d.JobId == item.JobId);
        }
        if (job.SignedVersion is null && job.ConvertedVersion is not null) await SignAsync(item, doc, version, job, ct);
        await queue.CompleteAsync(item.JobId, owner, ct);
    }

    /// <summary>Appends <c>document.digitization.failed.v1</c> for a job that went to the dead-letter list.</summary>
    public async Task RecordDeadLetterAsync(WorkItem item, string error, CancellationToken ct)
    {
        var (doc, version) = await repo.LoadDocumentAsync(item.DocumentId, ct);
        var decision = DocumentDecider.Decide(new RecordDigitizationFailure(item.JobId, item.Step, item.Attempts, error), doc, Context());
        if (decision.IsRejected) return;
        try { await repo.Store.AppendAsync(RecordsRepository.DocumentStream(item.DocumentId), ExpectedVersion.Exactly(version), [.. decision.Events], Metadata("dead-lettered"), ct); }
        catch (ConcurrencyException) { await RecordDeadLetterAsync(item, error, ct); }
    }

    private async Task ConvertAsync(WorkItem item, DocumentState doc, long version, DigitizationState job, CancellationToken ct)
    {
        var source = doc.Contents.First(c => c.Version == job.SourceVersion);
        var root = options.Value.WorkFolder is { Length: > 0 } w ? Directory.CreateDirectory(w).FullName : Path.GetTempPath();
        var dir = Directory.CreateDirectory(Path.Combine(root, "archive-ocr-" + item.JobId + "-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        try
        {
            var input = Path.Combine(dir, "source" + Extension(source.MediaType));
            await using (var s = await store.OpenReadAsync(source.Sha256, ct) ?? throw new OcrFailedException("The scan is missing from the content store."))
            await using (var f = File.Create(input))
                await s.CopyToAsync(f, ct);
            var result = await engine.ConvertAsync(input, dir, TimeSpan.FromSeconds(options.Value.OcrTimeoutSeconds), ct);
            StoredBlob blob;
            await using (var pdf = File.OpenRead(result.PdfPath)) blob = await store.PutAsync(pdf, ct);
            PdfFacts? facts;
            await using (var s = await store.OpenReadAsync(blob.Sha256, ct)) facts = PdfFactsReader.Read(s!, contentOptions.Value.MaxFactsBytes);
            // TT 05/2025 Điều 8: the digitized file is named at least "mã hồ sơ.số thứ tự" (the document code of its first filing).
            var code = (await repo.FilingsOfAsync(item.DocumentId, ct)).FirstOrDefault()?.DocumentCode;
            var name = (code ?? Path.GetFileNameWithoutExtension(source.FileName) + ".pdfa") + ".pdf";
            var content = new ContentFacts(blob.Sha256, blob.Size, blob.MediaType, name, facts?.PageCount, facts?.Version, facts?.PdfA, facts?.MinImageDpi, facts?.IsColor);
            var decision = DocumentDecider.Decide(new RecordDigitization(item.JobId, content, engine.Engine, engine.OcrEngineVersion, OcrEngine.Language,
                engine.LanguageData, result.Pages, OcrEngine.TextSha256(result.PageTexts), result.PageTexts.Sum(p => p.Length), result.DurationMs,
                result.PageTexts.FirstOrDefault() ?? ""), doc, Context());
            if (decision.Rejection?.Code == DigitizationRules.AlreadyDone) return;
            if (decision.IsRejected) throw new OcrFailedException(decision.Rejection!.ReasonEn);
            var added = decision.Events.OfType<ContentVersionAdded>().Single();
            var wasReferenced = doc.Contents.Any(c => c.Sha256 == blob.Sha256);
            await references.AddAsync(blob.Sha256, "document", item.DocumentId, ct);
            try
            {
                await using var conn = await db.OpenConnectionAsync(ct);
                await using var tx = await conn.BeginTransactionAsync(ct);
                await repo.Store.AppendAsync(conn, tx, RecordsRepository.DocumentStream(item.DocumentId), ExpectedVersion.Exactly(version),
                    [.. decision.Events], Metadata("OCR and PDF/A conversion"), ct);
                await PageTextIndex.WriteAsync(conn, tx, item.DocumentId, added.Version, result.PageTexts, ct);
                await DigitizationQueue.AdvanceAsync(conn, tx, item.JobId, DigitizationRules.SignStep, result.Pages.Count, ct);
                await tx.CommitAsync(ct);
            }
            catch
            {
                if (!wasReferenced) await references.RemoveAsync(blob.Sha256, "document", item.DocumentId, CancellationToken.None);
                throw;
            }
            log.LogInformation("Digitization job {Job}: document {Id} version {Version} is PDF/A with text ({Pages} pages, {Ms} ms).",
                item.JobId, item.DocumentId, added.Version, result.Pages.Count, result.DurationMs);
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private async Task SignAsync(WorkItem item, DocumentState doc, long version, DigitizationState job, CancellationToken ct)
    {
        var source = doc.Contents.First(c => c.Version == job.ConvertedVersion);
        var level = signing.Settings.Level?.Trim().ToUpperInvariant() ?? SignatureLevels.DefaultFor(doc.Metadata!);
        var context = Context();
        var watch = Stopwatch.StartNew();
        var bytes = await writer.ReadAsync(source.Sha256, ct) ?? throw new OcrFailedException("The PDF/A is missing from the content store.");
        var signed = await signing.SignAsync(bytes, SignaturesApi.ToPades(level), CopyKind.None, ct);
        var r = signed.Result;
        var outcome = await writer.StoreAsync(item.DocumentId, doc, version, signed.Pdf, SignedContentWriter.SignedFileName(source.FileName),
            f => new SignDigitizedContent(item.JobId, new SignDocumentContent(source.Version, source.Sha256, f, level, r.SignerCertificateSha256.ToLowerInvariant(),
                r.SignerSubject, r.SignatureSha256.ToLowerInvariant(), r.SigningTime, r.TimestampTime, signed.TimestampValidUntil), watch.ElapsedMilliseconds),
            context, Metadata("organization signature of the PDF/A"), ct);
        if (outcome.Decision.Rejection?.Code == DigitizationRules.AlreadyDone) return;
        if (outcome.Decision.IsRejected) throw new OcrFailedException(outcome.Decision.Rejection!.ReasonEn);
        log.LogInformation("Digitization job {Job}: document {Id} signed ({Level}).", item.JobId, item.DocumentId, level);
    }

    private DecisionContext Context() => new(new Actor(SystemActor, "Số hóa tự động"), clock.GetUtcNow());

    private static EventMetadata Metadata(string reason) => new() { Actor = SystemActor, Headers = new() { ["reason"] = reason } };

    private static string Extension(string mediaType) => mediaType switch
    {
        "application/pdf" => ".pdf", "image/jpeg" => ".jpg", "image/png" => ".png", "image/tiff" => ".tif", _ => ".bin",
    };
}
