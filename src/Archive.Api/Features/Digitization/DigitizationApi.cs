using Archive.Api.Features.Records;
using Archive.Api.Infrastructure.Auth;
using Archive.Api.Infrastructure.Problems;
using Archive.Api.Infrastructure.Search;
using Archive.Domain.Documents;
using Archive.EventStore;
using Archive.Api.Hosting.OpenApi;
using Npgsql;

namespace Archive.Api.Features.Digitization;

/// <summary>One job of a document as an officer sees it: the events' account, with the queue's live state.</summary>
public sealed record DigitizationJobView(string JobId, string Status, int SourceVersion, int? ConvertedVersion, int? SignedVersion, int Pages,
    IReadOnlyList<PageRecognition> PageResults, int Attempts, string? Error, IReadOnlyList<ProposedField> Proposal, bool ProposalReviewed);

public sealed record DocumentDigitizationResponse(string DocumentId, string Status, IReadOnlyList<DigitizationJobView> Jobs);

public sealed record PageSearchResponse(IReadOnlyList<PageTextHit> Items);

/// <summary>The value the officer keeps for each proposed field (unchanged = confirmed, changed = corrected, left out = rejected).</summary>
public sealed record ProposalReviewRequest(Dictionary<string, string>? Fields, string? Reason);

/// <summary>
/// Số hóa (digitization): where a document's conversion stands, the dead-letter list and retry by a person, progress per
/// batch, and search in the recognised text of the pages. Status reads the document's events (the record) and adds the
/// queue's live view (a job a worker holds is "converting" or "signing").
/// </summary>
public static class DigitizationApi
{
    private static readonly Dictionary<string, OperationDoc> Docs = new()
    {
        ["GET /api/v1/documents/{id}/digitization"] = new("Tình trạng số hóa của tài liệu", "Digitization status of a document",
            "Các lượt số hóa của tài liệu (chờ, đang chuyển đổi, đã chuyển PDF/A, đã ký, lỗi) theo sự kiện của tài liệu, kèm kết quả OCR từng trang và đề xuất thông tin bóc tách.",
            "The document's digitization jobs (queued, converting, converted to PDF/A, signed, failed) from its events, with per-page OCR results and the proposed metadata.")
            { Returns = typeof(DocumentDigitizationResponse), Problems = [404] },
        ["POST /api/v1/documents/{id}/digitization/{jobId}/proposal/review"] = new("Xác nhận thông tin bóc tách", "Review extracted metadata",
            "Cán bộ giữ, sửa hoặc bỏ từng trường đề xuất từ trang đầu; cả đề xuất và kết quả đều được ghi lại.",
            "The officer keeps, corrects or drops each field proposed from the first page; both the proposal and the outcome are recorded.")
            { Problems = [400, 404, 409, 412] },
        ["GET /api/v1/digitization/dead-letters"] = new("Danh sách tệp lỗi số hóa", "Digitization dead letters",
            "Các lượt số hóa đã hết số lần thử, kèm lỗi, mã và tên tài liệu; lọc theo đợt (batch).",
            "Digitization jobs that ran out of attempts, with their error and the document's code and title; filter by batch.")
            { Returns = typeof(List<DeadLetterView>) },
        ["POST /api/v1/digitization/jobs/{jobId}/retry"] = new("Thử lại lượt số hóa lỗi", "Retry a dead-lettered job",
            "Đưa lại một lượt số hóa trong danh sách lỗi vào hàng đợi (do người thực hiện, ghi sự kiện).",
            "Queues a dead-lettered digitization job again (by a person, recorded as an event).")
            { Status = 202, Problems = [404, 409] },
        ["GET /api/v1/digitization/progress"] = new("Tiến độ số hóa", "Digitization progress",
            "Số tệp đã nhận, đang chuyển đổi, đã chuyển đổi, đã ký, lỗi; số trang đã chuyển đổi và đã ký; tốc độ (tệp/giờ) và thời điểm dự kiến xong; lọc theo đợt (batch) và/hoặc phông (fonds, mã cơ quan).",
            "Files received, converting, converted, signed and failed; pages converted and signed; files per hour and the estimated end; filter by batch and/or fonds (organ id).")
            { Returns = typeof(DigitizationProgress) },
        ["GET /api/v1/search/pages"] = new("Tìm trong văn bản trang quét", "Search recognised page text",
            "Tìm không dấu trong văn bản OCR của các trang; trả về tài liệu, trang và đoạn trích có đánh dấu. Quyền xem xét trên trạng thái của chính tài liệu.",
            "Diacritic-insensitive search in the pages' OCR text; returns document, page and a marked snippet. Access is decided on the document's own state.")
            { Returns = typeof(PageSearchResponse), Problems = [400] },
    };

    public static IEndpointRouteBuilder MapDigitization(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/v1/documents/{id}/digitization", async Task<IResult> (string id, HttpContext http, RecordsRepository repo, DigitizationQueue queue,
            CancellationToken ct) =>
        {
            var (doc, _) = await repo.LoadDocumentAsync(id, ct);
            if (doc.Status != DocumentStatus.Registered || !RecordsHttp.MayRead(http.User, doc.Metadata?.AccessMode)) return NotFound();
            return TypedResults.Ok(await StatusAsync(doc, queue, ct));
        }).WithTags("Digitization").RequireAuthorization(Policies.AnyRole).Describe(Docs);

        // Bóc tách thông tin: the officer confirms or corrects what was read from the first page; proposal and outcome are both recorded.
        routes.MapPost("/api/v1/documents/{id}/digitization/{jobId}/proposal/review", async Task<IResult> (string id, string jobId, ProposalReviewRequest body,
            HttpContext http, RecordsRepository repo, TimeProvider clock, CancellationToken ct) =>
        {
            var (doc, version) = await repo.LoadDocumentAsync(id, ct);
            if (doc.Status != DocumentStatus.Registered || !RecordsHttp.MayRead(http.User, doc.Metadata?.AccessMode)) return NotFound();
            var kept = body.Fields ?? [];
            var m = doc.Metadata!;
            var v = new ValidationProblemBuilder();
            foreach (var (field, value) in kept)
                switch (field)
                {
                    case "codeNumber": m = m with { CodeNumber = value }; break;
                    case "codeNotation": m = m with { CodeNotation = value }; break;
                    case "issuer": m = m with { Issuer = value }; break;
                    case "subject": m = m with { Subject = value }; break;
                    case "typeCode": m = m with { TypeCode = value }; break;
                    case "signerName": m = m with { SignerName = value }; break;
                    case "signerPosition": m = m with { SignerPosition = value }; break;
                    case "place": break; // no metadata field of its own: recorded with the review only
                    case "issuedDate" when DateOnly.TryParseExact(value, "yyyy-MM-dd", out var date): m = m with { IssuedDate = date }; break;
                    case "issuedDate": v.Add("fields.issuedDate", "invalid", "Ngày phải có dạng yyyy-mm-dd.", "The date must be yyyy-mm-dd."); break;
                }
            if (v.HasErrors) return v.ToResult();
            var decision = DocumentDecider.Decide(new ReviewMetadataProposal(jobId, kept, m), doc, RecordsRepository.Context(http, clock));
            if (decision.IsRejected) return RecordsHttp.Problem(decision.Rejection!);
            AppendResult result;
            try { result = await repo.AppendAsync(RecordsRepository.DocumentStream(id), ExpectedVersion.Exactly(version), decision.Events, http, body.Reason, ct); }
            catch (ConcurrencyException e) { return Infrastructure.Concurrency.ETags.Stale(http, e.ActualVersion < 0 ? version : e.ActualVersion); }
            return TypedResults.Ok(new { documentId = id, jobId, kept, metadata = m, documentVersion = result.NextExpectedVersion });
        }).WithTags("Digitization").RequireAuthorization(Policies.RecordsWriters).Describe(Docs);

        var group = routes.MapGroup("/api/v1/digitization").WithTags("Digitization").Describe(Docs);

        group.MapGet("/dead-letters", async Task<IResult> (string? batch, HttpContext http, RecordsRepository repo, DigitizationQueue queue, CancellationToken ct) =>
        {
            // Named by the document's code and title, and only documents the caller may read.
            return TypedResults.Ok(await DigitizationReports.NameAsync(await queue.DeadLettersAsync(batch, 500, ct), repo, http.User, ct));
        }).RequireRoles(Roles.RecordsOfficer, Roles.Auditor, Roles.Admin);

        group.MapPost("/jobs/{jobId}/retry", async Task<IResult> (string jobId, HttpContext http, RecordsRepository repo, DigitizationQueue queue,
            NpgsqlDataSource db, TimeProvider clock, Wolverine.Runtime.IWolverineRuntime messaging, CancellationToken ct) =>
        {
            var documentId = await DocumentOfJobAsync(db, jobId, ct);
            if (documentId is null) return ApiProblems.NotFound(new Text("Không có lượt số hóa này.", "No such digitization job."));
            var (doc, version) = await repo.LoadDocumentAsync(documentId, ct);
            if (doc.Status == DocumentStatus.None || !RecordsHttp.MayRead(http.User, doc.Metadata?.AccessMode))
                return ApiProblems.NotFound(new Text("Không có lượt số hóa này.", "No such digitization job."));
            var decision = DocumentDecider.Decide(new RetryDigitization(jobId), doc, RecordsRepository.Context(http, clock));
            if (decision.IsRejected) return RecordsHttp.Problem(decision.Rejection!);
            await using var conn = await db.OpenConnectionAsync(ct);
            await using var tx = await conn.BeginTransactionAsync(ct);
            if (!await queue.RequeueAsync(conn, tx, jobId, ct))
                return ApiProblems.Conflict(new Text("Lượt số hóa không nằm trong danh sách lỗi.", "The job is not in the dead-letter list."), "not_dead_lettered");
            try { await repo.Store.AppendAsync(conn, tx, RecordsRepository.DocumentStream(documentId), ExpectedVersion.Exactly(version), [.. decision.Events],
                RecordsRepository.MetadataFor(http, null), ct); }
            catch (ConcurrencyException) { return ApiProblems.Conflict(new Text("Tài liệu vừa thay đổi; hãy thử lại.", "The document changed; try again."), "stale"); }
            var message = await DigitizationMessaging.SendInTransactionAsync(messaging, tx, jobId);
            await tx.CommitAsync(ct);
            await message.FlushOutgoingMessagesAsync();
            return TypedResults.Accepted($"/api/v1/documents/{documentId}/digitization", new { jobId, documentId, status = "queued" });
        }).RequireRoles(Roles.RecordsOfficer, Roles.Admin);

        group.MapGet("/progress", async Task<IResult> (string? batch, string? fonds, DigitizationQueue queue, CancellationToken ct) =>
            TypedResults.Ok(await queue.ProgressAsync(batch, ct, fonds))).RequireRoles(Roles.RecordsOfficer, Roles.Auditor, Roles.Admin);

        // Full-text search in the pages' recognised text: candidates from the page index, then the caller's access checked
        // on each document's own events (never on a read model), so a secret or destroyed record is never shown.
        routes.MapGet("/api/v1/search/pages", async Task<IResult> (string? q, string? document, int? limit, HttpContext http, PageTextIndex index,
            RecordsRepository repo, CancellationToken ct) =>
        {
            var v = new ValidationProblemBuilder().MaxLength("q", q, 500);
            if (string.IsNullOrWhiteSpace(q)) v.Add("q", "required", "Hãy nhập từ cần tìm.", "Enter the words to search for.");
            if (limit is < 1 or > PageTextIndex.MaxResults)
                v.Add("limit", "out-of-range", $"limit phải từ 1 đến {PageTextIndex.MaxResults}.", $"limit must be 1 to {PageTextIndex.MaxResults}.");
            if (v.HasErrors) return v.ToResult();
            var hits = await index.QueryAsync(q!, document, limit ?? 20, ct);
            var ids = hits.Select(h => h.DocumentId).Distinct().ToList();
            var docs = await repo.LoadManyAsync(ids.Select(RecordsRepository.DocumentStream).ToList(), DocumentState.Initial, DocumentDecider.Evolve, ct);
            var visible = ids.Where((id, i) => docs[i].State.Status == DocumentStatus.Registered && RecordsHttp.MayRead(http.User, docs[i].State.Metadata?.AccessMode))
                .ToHashSet();
            return TypedResults.Ok(new PageSearchResponse(hits.Where(h => visible.Contains(h.DocumentId)).ToList()));
        }).WithTags("Search").RequireAuthorization(Policies.AnyRole).Describe(Docs);
        return routes;
    }

    /// <summary>A document's jobs from its events, with the queue's live view (a job a worker holds is "converting" or "signing"); the API and the document page both show this.</summary>
    public static async Task<DocumentDigitizationResponse> StatusAsync(DocumentState doc, DigitizationQueue queue, CancellationToken ct)
    {
        var jobs = new List<DigitizationJobView>();
        foreach (var j in doc.Digitizations)
        {
            var live = await queue.JobAsync(j.JobId, ct);
            var status = j.Status switch
            {
                DigitizationStatus.Queued when live is { Leased: true } => "converting",
                DigitizationStatus.Converted when live is { Leased: true } => "signing",
                _ => j.Status.ToString().ToLowerInvariant(),
            };
            jobs.Add(new(j.JobId, status, j.SourceVersion, j.ConvertedVersion, j.SignedVersion, j.Pages, j.PageResults ?? [], live?.Attempts ?? 0,
                j.Error ?? live?.Error, j.Proposal ?? [], j.ProposalReviewed));
        }
        return new DocumentDigitizationResponse(doc.DocumentId, jobs.LastOrDefault()?.Status ?? "none", jobs);
    }

    private static async Task<string?> DocumentOfJobAsync(NpgsqlDataSource db, string jobId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("select document_id from archive_api.digitization_queue where job_id = $1");
        cmd.Parameters.AddWithValue(jobId);
        return await cmd.ExecuteScalarAsync(ct) as string;
    }

    private static IResult NotFound() => ApiProblems.NotFound(new Text("Không có tài liệu này.", "No such document."));
}
