using Archive.Api.Features.Documents;
using Archive.Api.Features.Records;
using Archive.Api.Features.Holds;
using Archive.Api.Hosting.OpenApi;
using Archive.Api.Infrastructure.Auth;
using Archive.Api.Infrastructure.Content;
using Archive.Api.Infrastructure.Idempotency;
using Archive.Api.Infrastructure.Problems;
using Archive.Domain.Common;
using FieldError = Archive.Domain.Common.FieldError;
using Archive.Domain.Documents;
using Archive.Domain.Dossiers;
using Archive.EventStore;
using Microsoft.Extensions.Options;
using Npgsql;
using Wolverine;
using Wolverine.Runtime;

namespace Archive.Api.Features.Digitization;

/// <summary>One part of a split: its pages of the scan ("3-5") and, optionally, its own description (the original's otherwise).</summary>
public sealed record SplitPartRequest : DocumentMetadataInput
{
    public string? Pages { get; init; }
}

/// <summary>
/// Tách bộ: <c>parts</c> with their pages and descriptions, or <c>ranges</c> ("1-3, 4-6") when each part keeps the
/// original's description (subject suffixed with its pages).
/// </summary>
public sealed record SplitRequest(int? SourceVersion, IReadOnlyList<SplitPartRequest>? Parts, string? Ranges, string? Reason);

public sealed record SplitDocumentResult(string Id, string DocumentCode, int FirstPage, int LastPage, string Sha256, string? DigitizationJobId);

public sealed record SplitResponse(string DocumentId, int SourceVersion, string SourceSha256, IReadOnlyList<SplitDocumentResult> Documents);

/// <summary>
/// Tách bộ (splitting): a scan holding several documents becomes documents of the original's dossier. Each new document gets
/// its pages of the scan (cut by qpdf, which copies the pages' objects unchanged: no re-encoding of the images) as its own
/// content version 1, which is then digitized like any scan of a 02/03 record. The original and its scan stay whole. The
/// split, the new documents, their filings and their queue rows commit in one transaction: all or nothing.
/// </summary>
public static class SplittingApi
{
    private static readonly Dictionary<string, OperationDoc> Docs = new()
    {
        ["POST /api/v1/documents/{id}/split"] = new("Tách bộ bản quét", "Split a scan into documents",
            "Tách bản quét PDF chứa nhiều văn bản thành các tài liệu mới của hồ sơ theo khoảng trang; mỗi tài liệu mới giữ tham chiếu tới các trang của bản quét gốc (bản gốc được giữ nguyên) và được số hóa như mọi bản quét.",
            "Splits a PDF scan holding several documents into new documents of the dossier by page ranges; each keeps a reference to its pages of the original scan (kept whole) and is digitized like any scan.")
            { Status = 201, Returns = typeof(SplitResponse), Problems = [404, 409, 412, 422], Example = """
                {"parts":[{"pages":"1-2","typeCode":"05","codeNumber":"391","codeNotation":"KH-UBND","subject":"Kế hoạch triển khai"},{"pages":"3-4"}],"reason":"Tách bộ"}
                """ },
    };

    public static IEndpointRouteBuilder MapSplitting(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/api/v1/documents/{id}/split", async Task<IResult> (string id, SplitRequest body, HttpContext http, RecordsRepository repo,
            IContentStore store, ContentReferences references, IOptions<ContentStoreOptions> options, NpgsqlDataSource db, OcrEngine tools, TimeProvider clock,
            IWolverineRuntime messaging, CancellationToken ct) =>
        {
            var (doc, version) = await repo.LoadDocumentAsync(id, ct);
            if (doc.Status != DocumentStatus.Registered || !RecordsHttp.MayRead(http.User, doc.Metadata?.AccessMode))
                return ApiProblems.NotFound(new Text("Không có tài liệu này.", "No such document."));
            var (parts, errors) = Parts(body, doc.Metadata!);
            if (errors.Count > 0) return RecordsHttp.Validation(errors);
            var context = RecordsRepository.Context(http, clock);
            var split = DocumentDecider.Decide(new SplitScan(body.SourceVersion, parts), doc, context);
            if (split.IsRejected) return RecordsHttp.Problem(split.Rejection!);
            var decided = split.Events.OfType<DocumentSplit>().Single();

            var filing = (await repo.FilingsOfAsync(id, ct)).FirstOrDefault();
            if (filing is null) return ApiProblems.Conflict(new Text("Tài liệu chưa thuộc hồ sơ nào.", "The document is in no dossier."), "no_dossier");

            // The pages of each part, cut from the scan and stored before any event (content-addressed: a retry stores nothing new).
            var cut = new List<(SplitPart Part, StoredBlob Blob, PdfFacts Pdf)>();
            var work = Directory.CreateTempSubdirectory("archive-split-").FullName;
            try
            {
                var source = Path.Combine(work, "scan.pdf");
                await using (var s = await store.OpenReadAsync(decided.SourceSha256, ct))
                {
                    if (s is null) return ApiProblems.NotFound(new Text("Bản quét bị thiếu trong kho.", "The scan is missing from the content store."));
                    await using var f = File.Create(source);
                    await s.CopyToAsync(f, ct);
                }
                foreach (var p in parts)
                {
                    var output = Path.Combine(work, $"{p.FirstPage}-{p.LastPage}.pdf");
                    int code;
                    string error;
                    try { (code, error) = await tools.RunAsync("qpdf", ["--warning-exit-0", source, "--pages", source, $"{p.FirstPage}-{p.LastPage}", "--", output],
                        new Dictionary<string, string>(), TimeSpan.FromMinutes(2), ct); }
                    catch (OcrFailedException e) { (code, error) = (-1, e.Message); } // qpdf overran its time and was stopped
                    error = error.Trim() is { Length: > 300 } tooLong ? tooLong[..300] : error.Trim();
                    if (code != 0)
                        return ApiProblems.Result(422, ApiProblems.TitleFor(422), new Text($"Không cắt được các trang {p.FirstPage}-{p.LastPage} ({error}).",
                            $"The pages {p.FirstPage}-{p.LastPage} could not be cut ({error})."), "split-failed");
                    await using var bytes = File.OpenRead(output);
                    var blob = await store.PutAsync(bytes, ct);
                    await using var read = await store.OpenReadAsync(blob.Sha256, ct);
                    cut.Add((p, blob, PdfFactsReader.Read(read!, options.Value.MaxFactsBytes)));
                }
            }
            finally { try { Directory.Delete(work, true); } catch (IOException) { } }

            var (dossier, dossierVersion) = await repo.LoadDossierAsync(filing.DossierCode, ct);
            var appends = new List<(string Stream, ExpectedVersion Expected, IReadOnlyList<IDomainEvent> Events)>
            {
                (RecordsRepository.DocumentStream(id), ExpectedVersion.Exactly(version), split.Events),
            };
            var dossierEvents = new List<IDomainEvent>();
            var jobs = new List<(string JobId, string DocumentId, int Version, string Sha256)>();
            var results = new List<SplitDocumentResult>();
            foreach (var (part, blob, pdf) in cut)
            {
                var events = DocumentSplitting.NewDocument(decided, part).ToList();
                var state = DocumentDecider.Fold(events);
                var facts = new ContentFacts(blob.Sha256, blob.Size, blob.MediaType, $"{Path.GetFileNameWithoutExtension(doc.Contents.First(c => c.Version == decided.SourceVersion).FileName)}" +
                    $"-p{part.FirstPage}-{part.LastPage}.pdf", pdf.PageCount, pdf.Version, pdf.PdfA, pdf.MinImageDpi, pdf.IsColor);
                var added = DocumentDecider.Decide(new AddContentVersion(facts, true), state, context);
                if (added.IsRejected) return RecordsHttp.Problem(added.Rejection!);
                events.AddRange(added.Events);
                state = added.Events.Aggregate(state, DocumentDecider.Evolve);
                string? jobId = null;
                var content = added.Events.OfType<ContentVersionAdded>().Single();
                if (DigitizationRules.Applies(state.Metadata!, content.MediaType, true))
                {
                    jobId = Guid.NewGuid().ToString("N");
                    var queued = DocumentDecider.Decide(new QueueDigitization(jobId, content.Version, content.Sha256, DigitizationIntake.BatchOf(http)), state, context);
                    if (queued.IsRejected) return RecordsHttp.Problem(queued.Rejection!);
                    events.AddRange(queued.Events);
                    jobs.Add((jobId, part.NewDocumentId, content.Version, content.Sha256));
                }
                var filed = DossierDecider.Decide(new FileDocument(part.NewDocumentId, null, part.Metadata.GetRetention(), part.LastPage - part.FirstPage + 1),
                    dossier, context);
                if (filed.IsRejected) return RecordsHttp.Problem(filed.Rejection!);
                dossier = filed.Events.Aggregate(dossier, DossierDecider.Evolve);
                dossierEvents.AddRange(filed.Events);
                appends.Add((RecordsRepository.DocumentStream(part.NewDocumentId), ExpectedVersion.NoStream, events));
                results.Add(new(part.NewDocumentId, filed.Events.OfType<DocumentFiled>().Single().DocumentCode, part.FirstPage, part.LastPage, blob.Sha256, jobId));
            }
            appends.Add((RecordsRepository.DossierStream(filing.DossierCode), ExpectedVersion.Exactly(dossierVersion), dossierEvents));

            // Reference first: a crash after the append must never leave a recorded blob for the sweeper.
            foreach (var r in results) await references.AddAsync(r.Sha256, "document", r.Id, ct);
            var metadata = RecordsRepository.MetadataFor(http, body.Reason);
            var messages = new List<MessageContext>();
            try
            {
                // Under an Idempotency-Key this is the request's transaction, which also stores the answer.
                await IdempotencyClaim.WriteAsync(http, db, async (conn, tx) =>
                {
                    foreach (var (stream, expected, events) in appends)
                        await repo.Store.AppendAsync(conn, tx, stream, expected, events.Cast<object>().ToList(), metadata, ct);
                    foreach (var j in jobs)
                        messages.Add(await DigitizationMessaging.QueueInTransactionAsync(messaging, conn, tx, j.JobId, j.DocumentId, j.Version, j.Sha256, DigitizationIntake.BatchOf(http), ct));
                    return messages.Count;
                }, ct);
            }
            catch (ConcurrencyException)
            {
                foreach (var r in results) await references.RemoveAsync(r.Sha256, "document", r.Id, CancellationToken.None);
                return ApiProblems.Conflict(new Text("Tài liệu hoặc hồ sơ vừa thay đổi; hãy thử lại.", "The document or its dossier changed; try again."), "stale");
            }
            await DigitizationMessaging.FlushAfterCommitAsync(http, messages);
            return TypedResults.Created($"/api/v1/documents/{id}", new SplitResponse(id, decided.SourceVersion, decided.SourceSha256, results));
        }).Idempotent().GuardDossierHolds().WithTags("Digitization").RequireAuthorization(Policies.RecordsWriters).Describe(Docs);
        return routes;
    }

    /// <summary>The request's parts as the decider takes them; a part whose pages are not a range is a field error here.</summary>
    private static (IReadOnlyList<SplitPart> Parts, IReadOnlyList<FieldError> Errors) Parts(SplitRequest body, DocumentMetadata original)
    {
        var errors = new List<FieldError>();
        var parts = new List<SplitPart>();
        var requested = body.Parts ?? [];
        if (requested.Count == 0 && !string.IsNullOrWhiteSpace(body.Ranges))
        {
            var ranges = DocumentSplitting.ParseRanges(body.Ranges);
            if (ranges is null) errors.Add(BadRanges("ranges", body.Ranges));
            else requested = ranges.Select(r => new SplitPartRequest { Pages = $"{r.First}-{r.Last}" }).ToList();
        }
        for (var i = 0; i < requested.Count && i < 500; i++)
        {
            var p = requested[i];
            var range = p.Pages is null ? null : DocumentSplitting.ParseRanges(p.Pages);
            if (range is not { Count: 1 }) { errors.Add(BadRanges($"parts[{i}].pages", p.Pages)); continue; }
            var (first, last) = range[0];
            var subject = p.Subject is null ? Suffix(original.Subject, first, last) : p.Subject.Trim();
            parts.Add(new SplitPart(Guid.NewGuid().ToString("N"), first, last, original with
            {
                TypeCode = p.TypeCode ?? original.TypeCode, CodeNumber = p.CodeNumber ?? (p.TypeCode is null ? original.CodeNumber : null),
                CodeNotation = p.CodeNotation ?? (p.TypeCode is null ? original.CodeNotation : null), IssuedDate = p.IssuedDate ?? original.IssuedDate,
                Issuer = p.Issuer?.Trim() ?? original.Issuer, Subject = subject, SignerPosition = p.SignerPosition ?? original.SignerPosition,
                SignerName = p.SignerName ?? original.SignerName, Keywords = p.Keywords ?? original.Keywords, Note = p.Note ?? original.Note,
                RetentionCode = p.RetentionCode ?? original.RetentionCode, RetentionYears = p.RetentionCode is null ? original.RetentionYears : p.RetentionYears,
            }));
        }
        if (requested.Count > 500) errors.Add(new("parts", "too_many", "Tối đa 500 phần.", "At most 500 parts."));
        return (parts, errors);
    }

    private static string Suffix(string subject, int first, int last)
    {
        var suffix = first == last ? $" (trang {first})" : $" (trang {first}-{last})";
        return (subject.Length + suffix.Length > 500 ? subject[..(500 - suffix.Length)] : subject) + suffix;
    }

    private static FieldError BadRanges(string field, string? value) =>
        new(field, "invalid", $"\"{value}\" không phải khoảng trang (ví dụ 1-3, 4, 5-9).", $"\"{value}\" is not a page range (e.g. 1-3, 4, 5-9).");
}
