using Archive.Api.Features.Records;
using Archive.Api.Hosting;
using Archive.Api.Infrastructure.Access;
using Archive.Api.Infrastructure.Auth;
using Archive.Api.Infrastructure.Concurrency;
using Archive.Api.Infrastructure.Jobs;
using Archive.Api.Infrastructure.Problems;
using Archive.Api.Infrastructure.Search;
using Archive.EventStore.Integrity.Seals;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Archive.Api.Hosting.OpenApi;

namespace Archive.Api.Features.Audit;

/// <summary>
/// The auditor's endpoints (kiểm tra, thanh tra) under <c>/api/v1/audit</c>: timeline, replay, fixity and its
/// alerts, audit seals, job status. Auditors and admins only. Everything here reads, except the on-demand
/// fixity check, which records its own evidence (fixity events) and changes no record.
/// </summary>
public static class AuditApi
{
    private static readonly Dictionary<string, OperationDoc> Docs = new()
    {
        ["GET /api/v1/audit/timeline"] = new("Dòng thời gian của bản ghi", "Record timeline",
            "Mọi sự kiện của tài liệu, hồ sơ (kèm tài liệu) hoặc phông: người, thời điểm, địa chỉ, lý do, thay đổi; lọc from/to/type, phân trang theo vị trí. Xuất CSV (Accept: text/csv) hoặc JSON Lines (format=jsonl).",
            "Every event of a document, a dossier (with its documents) or a fonds: actor, time, source address, reason, changes; from/to/type filters, paged by position. Export as CSV (Accept: text/csv) or JSON Lines (format=jsonl).")
            { LogsPurpose = true, Returns = typeof(TimelinePage), AlsoAs = [TimelineExport.Csv, TimelineExport.JsonLines] },
        ["GET /api/v1/audit/dossiers/{code}"] = new("Hồ sơ tại một thời điểm", "A dossier as of",
            "Hồ sơ như API đã trả tại một vị trí sự kiện (từ dòng thời gian) hoặc thời điểm ISO 8601 (asOf).",
            "The dossier as the API showed it at an event position (from the timeline) or an ISO 8601 time (asOf).") { LogsPurpose = true, Returns = typeof(Features.Dossiers.DossierResponse) },
        ["GET /api/v1/audit/documents/{id}"] = new("Tài liệu tại một thời điểm", "A document as of",
            "Tài liệu như API đã trả tại một vị trí sự kiện (từ dòng thời gian) hoặc thời điểm ISO 8601 (asOf).",
            "The document as the API showed it at an event position (from the timeline) or an ISO 8601 time (asOf).") { LogsPurpose = true, Returns = typeof(Features.Documents.DocumentResponse) },
        ["POST /api/v1/audit/fixity-checks"] = new("Kiểm tra tính toàn vẹn ngay", "Run a fixity check",
            "Băm lại các tệp và kiểm tra lại chuỗi băm; kết quả ghi thành sự kiện.", "Re-hashes blobs and re-verifies hash chains now; the outcome is recorded as events.")
            { Returns = typeof(FixityRunReport) },
        ["GET /api/v1/audit/alerts"] = new("Cảnh báo toàn vẹn", "Fixity alerts", "Các sự kiện fixity.failed, mới nhất trước.", "fixity.failed events, newest first.")
            { Returns = typeof(List<FixityAlert>) },
        ["GET /api/v1/audit/seals"] = new("Các niêm phong", "Audit seals", "Các gốc Merkle đã niêm phong và ký.", "The sealed and signed Merkle roots.")
            { Returns = typeof(List<SealSummary>) },
        ["GET /api/v1/audit/seals/verification"] = new("Kiểm tra niêm phong", "Verify the seals",
            "Tính lại mọi gốc Merkle đã niêm phong; nêu sự kiện bị sửa, xóa, thêm, đổi thứ tự.", "Recomputes every sealed Merkle root; names altered, removed, added or reordered events.")
            { Returns = typeof(SealVerificationResponse), Problems = [409] },
        ["GET /api/v1/audit/jobs"] = new("Công việc định kỳ", "Scheduled jobs", "Lần chạy tới, trạng thái và lỗi lần chạy trước.", "Next run, last status and error of each job.")
            { Returns = typeof(List<Infrastructure.Jobs.JobStatus>) },
    };

    public static IEndpointRouteBuilder MapAudit(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/audit").WithTags("Audit").RequireAuthorization(Policies.Auditors).Describe(Docs);

        group.MapGet("/timeline", async Task<IResult> (string? record, string? from, string? to, string? type, long? cursor, int? limit,
            string? format, HttpContext http, Timeline timeline, AccessLog log, CancellationToken ct) =>
        {
            var v = new ValidationProblemBuilder().Required("record", record);
            var fromTime = Time(v, "from", from);
            var toTime = Time(v, "to", to);
            if (limit is < 1 or > 1000) v.Add("limit", "out-of-range", "limit phải từ 1 đến 1000.", "limit must be 1 to 1000.");
            if (cursor is < 0) v.Add("cursor", "out-of-range", "cursor không hợp lệ.", "cursor must not be negative.");
            if (format is not null && format.ToLowerInvariant() is not ("json" or "jsonl" or "ndjson" or "csv"))
                v.Add("format", "one-of", "format phải là json, jsonl hoặc csv.", "format must be json, jsonl or csv.");
            if (v.HasErrors) return v.ToResult();

            var scope = await timeline.ResolveAsync(record!, ct);
            if (scope is null || !await MayReadAsync(http, scope, ct)) return ApiProblems.NotFound();
            await log.RecordAsync(http, "audit-timeline", scope.Kind, scope.Record, 200, ct);
            var types = (type ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var filter = new TimelineFilter(fromTime, toTime, types, cursor);
            var cleared = http.User.IsClearedForSecret();
            switch (TimelineExport.FormatOf(format, http.Request))
            {
                case TimelineExport.JsonLines:
                    return TypedResults.Stream(body => TimelineExport.WriteJsonLinesAsync(timeline.ReadAsync(scope, filter, cleared, null, ct), body, ct),
                        TimelineExport.JsonLines + "; charset=utf-8", $"timeline-{scope.Kind}.jsonl");
                case TimelineExport.Csv:
                    return TypedResults.Stream(body => TimelineExport.WriteCsvAsync(timeline.ReadAsync(scope, filter, cleared, null, ct), body, ct),
                        TimelineExport.Csv + "; charset=utf-8", $"timeline-{scope.Kind}.csv");
                default:
                    return TypedResults.Ok(await timeline.PageAsync(scope, filter, cleared, limit ?? 100, ct));
            }
        });

        group.MapGet("/dossiers/{code}", async Task<IResult> (string code, string? asOf, HttpContext http, Replay replay, AccessLog log, CancellationToken ct) =>
        {
            if (AsOf.Parse(asOf) is not { } at) return AsOfProblem(asOf);
            var (dossier, version) = await replay.DossierAsync(code, at, ct);
            // Secret (03) then or now: a record that has since become secret does not show its past to uncleared callers.
            if (dossier is null || !RecordsHttp.MayRead(http.User, dossier.Metadata?.AccessMode) ||
                !await MayReadAsync(http, new TimelineScope(code, RecordKinds.Dossier), ct)) return ApiProblems.NotFound();
            await log.RecordAsync(http, "audit-replay", "dossier", code, 200, ct);
            http.Response.SetETag(version);
            return TypedResults.Ok(dossier);
        });

        group.MapGet("/documents/{id}", async Task<IResult> (string id, string? asOf, HttpContext http, Replay replay, AccessLog log, CancellationToken ct) =>
        {
            if (AsOf.Parse(asOf) is not { } at) return AsOfProblem(asOf);
            var (document, version) = await replay.DocumentAsync(id, at, ct);
            if (document is null || !RecordsHttp.MayRead(http.User, document.Metadata?.AccessMode) ||
                !await MayReadAsync(http, new TimelineScope(id, RecordKinds.Document), ct)) return ApiProblems.NotFound();
            await log.RecordAsync(http, "audit-replay", "document", id, 200, ct);
            http.Response.SetETag(version);
            return TypedResults.Ok(document);
        });

        group.MapPost("/fixity-checks", async Task<Ok<FixityRunReport>> (HttpContext http, FixityChecker checker, CancellationToken ct) =>
        {
            var metadata = RecordsRepository.MetadataFor(http, http.Request.Headers[RecordsRepository.ReasonHeader].ToString() is { Length: > 0 } r
                ? r : "on-demand fixity check / kiểm tra theo yêu cầu");
            return TypedResults.Ok(await checker.RunAsync("on-demand", null, metadata, ct));
        });

        group.MapGet("/alerts", async Task<Results<Ok<IReadOnlyList<FixityAlert>>, ProblemHttpResult>> (long? before, int? limit, FixityAlerts alerts,
            CancellationToken ct) =>
        {
            if (limit is < 1 or > 1000)
                return new ValidationProblemBuilder().Add("limit", "out-of-range", "limit phải từ 1 đến 1000.", "limit must be 1 to 1000.").ToResult();
            return TypedResults.Ok(await alerts.ListAsync(before, limit ?? 100, ct));
        });

        group.MapGet("/seals", async Task<Results<Ok<IReadOnlyList<SealSummary>>, ProblemHttpResult>> (long? after, int? limit, NpgsqlDataSource db,
            CancellationToken ct) =>
        {
            if (limit is < 1 or > 1000)
                return new ValidationProblemBuilder().Add("limit", "out-of-range", "limit phải từ 1 đến 1000.", "limit must be 1 to 1000.").ToResult();
            return TypedResults.Ok(await SealSummary.ListAsync(db, after ?? 0, limit ?? 100, ct));
        });

        group.MapGet("/seals/verification", async Task<Results<Ok<SealVerificationResponse>, ProblemHttpResult>> (NpgsqlDataSource db,
            IServiceProvider services, CancellationToken ct) =>
        {
            if (services.GetService<ISealSigner>() is not { } signer)
                return ApiProblems.Conflict(new Text("Chưa cấu hình khóa niêm phong của cơ quan nên không kiểm tra được chữ ký niêm phong.",
                    "No seal signer is configured, so seal signatures cannot be checked."), "seal-signer-missing");
            var report = await new SealVerifier(db, EventStoreSetup.Schema, signer).VerifyAsync(ct);
            return TypedResults.Ok(SealVerificationResponse.From(report));
        });

        group.MapGet("/jobs", async Task<Ok<IReadOnlyList<JobStatus>>> (JobRunner runner, CancellationToken ct) =>
            TypedResults.Ok(await runner.ListAsync(ct)));

        return routes;
    }

    private static DateTimeOffset? Time(ValidationProblemBuilder v, string field, string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (AsOf.Parse(text) is { Time: { } t }) return t;
        v.Add(field, "invalid-time", $"{field} phải là thời điểm ISO 8601.", $"{field} must be an ISO 8601 time.");
        return null;
    }

    private static ProblemHttpResult AsOfProblem(string? asOf) => string.IsNullOrWhiteSpace(asOf)
        ? new ValidationProblemBuilder().Required("asOf", asOf).ToResult()
        : new ValidationProblemBuilder().Add("asOf", "invalid", "asOf phải là thời điểm ISO 8601 hoặc vị trí sự kiện (số nguyên).",
            "asOf must be an ISO 8601 time or a global event position (an integer).").ToResult();

    /// <summary>Regime 03 (Mật) records answer 404 to uncleared callers here as everywhere.</summary>
    private static async Task<bool> MayReadAsync(HttpContext http, TimelineScope scope, CancellationToken ct)
    {
        if (http.User.IsClearedForSecret()) return true;
        var repo = http.RequestServices.GetRequiredService<RecordsRepository>();
        // A destroyed record's regime was shredded with its metadata: its tombstone in the record list keeps it.
        switch (scope.Kind)
        {
            case RecordKinds.Dossier:
                var dossier = (await repo.LoadDossierAsync(scope.Record, ct)).State;
                return dossier.Residual is null ? RecordsHttp.MayRead(http.User, dossier.Metadata?.AccessMode)
                    : await Infrastructure.Access.RecordAccess.MaySeeResidualAsync(repo.Db, http.User, "dossier", scope.Record, ct);
            case RecordKinds.Document:
                var document = (await repo.LoadDocumentAsync(scope.Record, ct)).State;
                return document.Residual is null ? RecordsHttp.MayRead(http.User, document.Metadata?.AccessMode)
                    : await Infrastructure.Access.RecordAccess.MaySeeResidualAsync(repo.Db, http.User, "document", scope.Record, ct);
            default:
                return true;
        }
    }
}
