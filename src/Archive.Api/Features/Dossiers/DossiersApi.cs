using Archive.Api.Features.Records;
using Archive.Api.Features.Retention;
using Archive.Api.Infrastructure.Auth;
using Archive.Api.Infrastructure.Concurrency;
using Archive.Api.Infrastructure.Idempotency;
using Archive.Api.Infrastructure.Problems;
using Archive.Domain.Common;
using Archive.Domain.Dossiers;
using Archive.Domain.Fonds;
using Archive.EventStore;
using Archive.Api.Hosting.OpenApi;

namespace Archive.Api.Features.Dossiers;

/// <summary>Dossier metadata as clients send it; every field optional so all missing ones are reported together.</summary>
public record DossierMetadataInput
{
    public string? Title { get; init; }
    public string? RetentionCode { get; init; }
    public int? RetentionYears { get; init; }
    public string? AccessMode { get; init; }
    public IReadOnlyList<string>? Languages { get; init; }
    public string? Creator { get; init; }
    public DateOnly? StartDate { get; init; }
    public DateOnly? EndDate { get; init; }
    public string? Keywords { get; init; }
    public int? SheetCount { get; init; }
    public int? PageCount { get; init; }
    public string? PhysicalCondition { get; init; }
    public string? InformationCode { get; init; }
    public string? ConfidenceLevel { get; init; }
    public string? PaperFileCode { get; init; }
    public bool? BackupRegime { get; init; }
    public string? BackupStatus { get; init; }
    public string? Note { get; init; }
    public DateOnly? ConstructionFinalAccountsDate { get; init; }
    /// <summary>Why (lý do); also accepted as the X-Reason header.</summary>
    public string? Reason { get; init; }

    public DossierMetadata ToMetadata() => new()
    {
        Title = Title?.Trim() ?? "", RetentionCode = RetentionCode ?? "", RetentionYears = RetentionYears, AccessMode = AccessMode ?? "",
        Languages = Languages ?? [], Creator = Creator?.Trim() ?? "", StartDate = StartDate, EndDate = EndDate, Keywords = Keywords,
        SheetCount = SheetCount, PageCount = PageCount, PhysicalCondition = PhysicalCondition, InformationCode = InformationCode,
        ConfidenceLevel = ConfidenceLevel ?? "", PaperFileCode = PaperFileCode, BackupRegime = BackupRegime ?? false,
        BackupStatus = BackupStatus, Note = Note, ConstructionFinalAccountsDate = ConstructionFinalAccountsDate,
    };
}

public sealed record OpenDossierRequest : DossierMetadataInput
{
    public string? OrganId { get; init; }
    public int? Year { get; init; }
    public string? FileNotation { get; init; }
}

public sealed record TransferDueItem(string DossierCode, DateOnly DueDate, int DaysLeft, bool IsOverdue);

public sealed record CloseDossierRequest(DateOnly? EndDate, string? Reason);
public sealed record TransferDossierRequest(DateOnly? TransferredOn, string? ReceivedBy, string? HandoverRecordRef, string? Reason);

public sealed record FiledDocumentResponse(string DocumentId, int Order, string DocumentCode, string? ContentSha256, string RetentionCode, int? RetentionYears, int PageCount);
public sealed record AlertResponse(int AlertNumber, string RecordCode, string? OldMode, string? NewMode, string ChangedBy, DateTimeOffset RaisedAt,
    string? ConfirmedBy, DateTimeOffset? ConfirmedAt);

public sealed record DossierResponse(string Code, string OrganId, int Year, string FileNotation, string Status, DossierMetadata? Metadata,
    IReadOnlyList<FiledDocumentResponse> Documents, DateOnly? ClosedEndDate, DateOnly? TransferDueDate, DateOnly? TransferredOn,
    IReadOnlyList<AlertResponse> AccessAlerts, IReadOnlyList<FieldChange>? Changes, long Version);

public static class DossiersApi
{
    private static readonly Dictionary<string, OperationDoc> Docs = new()
    {
        ["POST /api/v1/dossiers"] = new("Mở hồ sơ", "Open a dossier",
            "Mở hồ sơ trong phông; mã hồ sơ organId.năm.ký hiệu được tạo. Idempotency-Key cho phép gửi lại an toàn.",
            "Opens a dossier in a fonds; the code organId.year.notation is generated. Idempotency-Key makes a retry safe.")
            { Status = 201, Returns = typeof(DossierResponse), Problems = [409], Example = """
                {"organId":"000.00.00.H29","year":2025,"fileNotation":"02-VP","title":"Hồ sơ ban hành quy chế làm việc","retentionCode":"01",
                 "accessMode":"01","languages":["01"],"creator":"Văn phòng","confidenceLevel":"01","startDate":"2025-01-05","endDate":"2025-12-20"}
                """ },
        ["GET /api/v1/dossiers"] = new("Danh sách hồ sơ", "List dossiers",
            "Hồ sơ người gọi được xem, lọc theo phông, năm, trạng thái, chế độ sử dụng; phân trang bằng con trỏ, thứ tự ổn định (năm giảm dần, mã).",
            "Dossiers the caller may see, filtered by fonds, year, status and access regime; keyset paging by cursor in a stable order (year descending, code).")
            { Returns = typeof(DossierPage) },
        ["GET /api/v1/dossiers/transfer-due"] = new("Hồ sơ đến hạn nộp lưu", "Dossiers due for transfer",
            "Hồ sơ đã đóng sắp đến hoặc quá hạn nộp vào lưu trữ cơ quan (days: số ngày báo trước, mặc định 30).",
            "Closed dossiers due (or overdue) for transfer to the agency archive within `days` (default 30).") { Returns = typeof(List<TransferDueItem>) },
        ["GET /api/v1/dossiers/{code}"] = new("Xem hồ sơ", "Get a dossier",
            "Hồ sơ và tài liệu trong hồ sơ; ETag là phiên bản. Hồ sơ đã hủy trả 410 kèm phần còn lại.",
            "The dossier and its documents; the ETag is its version. A destroyed dossier answers 410 with its residual.")
            { LogsPurpose = true, Returns = typeof(DossierResponse), Problems = [410] },
        ["PUT /api/v1/dossiers/{code}"] = new("Sửa hồ sơ", "Edit a dossier",
            "Thay toàn bộ thông tin mô tả; cần If-Match. Trả lại các trường đã đổi.", "Replaces the descriptive metadata; needs If-Match. Returns the changed fields.")
            { Returns = typeof(DossierResponse), Problems = [409] },
        ["POST /api/v1/dossiers/{code}/close"] = new("Đóng hồ sơ", "Close a dossier",
            "Kết thúc hồ sơ (endDate tùy chọn, mặc định ngày kết thúc đã ghi hoặc hôm nay); cần If-Match.",
            "Closes the dossier (endDate optional: the recorded end date or today); needs If-Match.")
            { Returns = typeof(DossierResponse), Problems = [409], Example = """{"endDate":"2025-12-20","reason":"Kết thúc công việc"}""" },
        ["POST /api/v1/dossiers/{code}/transfer"] = new("Nộp lưu hồ sơ", "Transfer a dossier",
            "Ghi nhận hồ sơ đã nộp vào lưu trữ cơ quan; cần If-Match.", "Records the dossier's transfer to the agency archive; needs If-Match.")
            { Returns = typeof(DossierResponse), Problems = [409] },
        ["POST /api/v1/dossiers/{code}/access-alerts/{number}/confirm"] = new("Xác nhận đổi chế độ sử dụng", "Confirm an access change",
            "Người thứ hai xác nhận cảnh báo đổi chế độ sử dụng của hồ sơ.", "A second person confirms the dossier's access-regime change alert.")
            { Returns = typeof(DossierResponse), Problems = [409, 412] },
    };

    public static IEndpointRouteBuilder MapDossiers(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/dossiers").WithTags("Dossiers").Describe(Docs);

        group.MapPost("/", async Task<IResult> (OpenDossierRequest body, HttpContext http, RecordsRepository repo, TimeProvider clock, CancellationToken ct) =>
        {
            var organId = body.OrganId?.Trim() ?? "";
            var notation = body.FileNotation?.Trim() ?? "";
            var extra = new List<Domain.Common.FieldError>();
            if (body.Year is null) extra.Add(RecordsHttp.Required("year"));
            var fondsOpen = false;
            if (organId.Length > 0)
            {
                var (fonds, _) = await repo.LoadFondsAsync(organId, ct);
                fondsOpen = fonds.Status == FondsStatus.Open;
                if (fonds.Status == FondsStatus.None)
                    extra.Add(new("organId", "fonds_not_found", $"Chưa có phông của cơ quan {organId}.", $"There is no fonds for organisation {organId}."));
                else if (!fondsOpen)
                    extra.Add(new("organId", "fonds_closed", "Phông đã đóng, không mở được hồ sơ mới.", "The fonds is closed; no new dossiers."));
            }
            var year = body.Year ?? 0;
            var command = new OpenDossier(organId, year, notation, body.ToMetadata());
            var decision = DossierDecider.Decide(command, DossierState.Initial, RecordsRepository.Context(http, clock));
            var errors = (decision.Rejection?.Code == RejectionCodes.ValidationFailed ? decision.Rejection.Errors : [])
                .Where(e => !(e.Field == "year" && body.Year is null)).Concat(extra).ToList();
            if (errors.Count > 0) return RecordsHttp.Validation(errors);
            if (decision.IsRejected) return RecordsHttp.Problem(decision.Rejection!);
            var opened = (DossierOpened)decision.Events[0];
            try
            {
                var result = await repo.AppendAsync(RecordsRepository.DossierStream(opened.DossierCode), ExpectedVersion.NoStream, decision.Events, http, body.Reason, ct);
                var state = DossierDecider.Fold(decision.Events);
                http.Response.SetETag(result.NextExpectedVersion);
                return TypedResults.Created(Location(opened.DossierCode), ToResponse(state, result.NextExpectedVersion));
            }
            catch (ConcurrencyException)
            {
                return RecordsHttp.Conflict409Exists(new Text($"Mã hồ sơ {opened.DossierCode} đã tồn tại.", $"Dossier code {opened.DossierCode} already exists."));
            }
        }).Idempotent().RequireAuthorization(Policies.RecordsWriters);

        group.MapGet("/", async Task<IResult> (string? organId, int? year, string? status, string? access, string? cursor, int? limit,
            HttpContext http, Npgsql.NpgsqlDataSource db, CancellationToken ct) =>
        {
            var v = RecordListHttp.Validate(year, access, cursor, limit).OneOf("status", status, RecordList.DossierStatuses);
            if (v.HasErrors) return v.ToResult();
            return TypedResults.Ok(await RecordList.DossiersAsync(db, http.User, new DossierListFilter(organId, year, status, access), cursor,
                limit ?? RecordListHttp.DefaultPageSize, ct));
        }).RequireAuthorization(Policies.AnyRole);

        group.MapGet("/transfer-due", async Task<IResult> (int? days, RecordsRepository repo, TimeProvider clock, HttpContext http, CancellationToken ct) =>
        {
            if (days is < 0 or > 3650)
                return new ValidationProblemBuilder().Add("days", "out-of-range", "days phải từ 0 đến 3650.", "days must be 0 to 3650.").ToResult();
            var loaded = await repo.LoadManyAsync(await repo.StreamsWithEventAsync("dossier.closed.v1", ct), DossierState.Initial, DossierDecider.Evolve, ct);
            var states = loaded.Select(x => x.State).Where(state => RecordsHttp.MayRead(http.User, state.Metadata?.AccessMode)).ToList();
            var today = RecordsRepository.Context(http, clock).Today;
            return TypedResults.Ok(TransferSchedule.DueSoon(states, today, days ?? TransferSchedule.DefaultWarningDays)
                .Select(t => new TransferDueItem(t.DossierCode, t.DueDate, t.DaysLeft, t.IsOverdue)).ToList());
        }).RequireAuthorization(Policies.AnyRole);

        group.MapGet("/{code}", async Task<IResult> (string code, HttpContext http, RecordsRepository repo, CancellationToken ct) =>
        {
            var (state, version) = await repo.LoadDossierAsync(code, ct);
            if (state.Residual is { } residual)
                return await Infrastructure.Access.RecordAccess.MaySeeResidualAsync(repo.Db, http.User, "dossier", code, ct)
                    ? Disposition.DispositionHttp.Gone("dossier", residual) : NotFound();
            if (state.Status == DossierStatus.None || !RecordsHttp.MayRead(http.User, state.Metadata?.AccessMode)) return NotFound();
            await http.RequestServices.GetRequiredService<Infrastructure.Access.AccessLog>()
                .RecordAsync(http, Infrastructure.Access.AccessActions.View, "dossier", code, 200, ct);
            http.Response.SetETag(version);
            return TypedResults.Ok(ToResponse(state, version));
        }).RequireAuthorization(Policies.AnyRole);

        group.MapPut("/{code}", (string code, DossierMetadataInput body, HttpContext http, RecordsRepository repo, TimeProvider clock, CancellationToken ct) =>
            UpdateAsync(code, http, repo, clock, _ => new ChangeDossierMetadata(body.ToMetadata()), body.Reason, ct))
            .RequireIfMatch().GuardRetention().RequireAuthorization(Policies.RecordsWriters);

        group.MapPost("/{code}/close", (string code, CloseDossierRequest? body, HttpContext http, RecordsRepository repo, TimeProvider clock, CancellationToken ct) =>
            UpdateAsync(code, http, repo, clock, _ => new CloseDossier(body?.EndDate), body?.Reason, ct))
            .RequireIfMatch().RequireAuthorization(Policies.RecordsWriters);

        group.MapPost("/{code}/transfer", (string code, TransferDossierRequest? body, HttpContext http, RecordsRepository repo, TimeProvider clock, CancellationToken ct) =>
            UpdateAsync(code, http, repo, clock,
                _ => new TransferDossier(body?.TransferredOn ?? RecordsRepository.Context(http, clock).Today, body?.ReceivedBy ?? "", body?.HandoverRecordRef),
                body?.Reason, ct))
            .RequireIfMatch().RequireAuthorization(Policies.RecordsWriters);

        group.MapPost("/{code}/access-alerts/{number:int}/confirm", async Task<IResult> (string code, int number, HttpContext http, RecordsRepository repo,
            TimeProvider clock, CancellationToken ct) =>
        {
            var (state, version) = await repo.LoadDossierAsync(code, ct);
            if (state.Status == DossierStatus.None || !RecordsHttp.MayRead(http.User, state.Metadata?.AccessMode)) return NotFound();
            return await DecideAndAppendAsync(code, state, version, new ConfirmDossierAccessChange(number), http, repo, clock, null, ct);
        }).RequireAuthorization(Policies.RecordsWriters);
        return routes;
    }

    public static string Location(string code) => $"/api/v1/dossiers/{Uri.EscapeDataString(code)}";

    private static IResult NotFound() => ApiProblems.NotFound(new Text("Không có hồ sơ này.", "No such dossier."));

    private static async Task<IResult> UpdateAsync(string code, HttpContext http, RecordsRepository repo, TimeProvider clock,
        Func<DossierState, DossierCommand> command, string? reason, CancellationToken ct)
    {
        var (state, version) = await repo.LoadDossierAsync(code, ct);
        if (state.Status == DossierStatus.None || !RecordsHttp.MayRead(http.User, state.Metadata?.AccessMode)) return NotFound();
        if (http.ExpectedVersion() != version) return ETags.Stale(http, version);
        return await DecideAndAppendAsync(code, state, version, command(state), http, repo, clock, reason, ct);
    }

    private static async Task<IResult> DecideAndAppendAsync(string code, DossierState state, long version, DossierCommand command,
        HttpContext http, RecordsRepository repo, TimeProvider clock, string? reason, CancellationToken ct)
    {
        var decision = DossierDecider.Decide(command, state, RecordsRepository.Context(http, clock));
        if (decision.IsRejected) return RecordsHttp.Problem(decision.Rejection!);
        try
        {
            var result = await repo.AppendAsync(RecordsRepository.DossierStream(code), ExpectedVersion.Exactly(version), decision.Events, http, reason, ct);
            state = decision.Events.Aggregate(state, DossierDecider.Evolve);
            http.Response.SetETag(result.NextExpectedVersion);
            var changes = decision.Events.OfType<DossierMetadataChanged>().FirstOrDefault()?.Changes
                ?? decision.Events.OfType<DossierClosed>().FirstOrDefault()?.Changes;
            return TypedResults.Ok(ToResponse(state, result.NextExpectedVersion, changes));
        }
        catch (ConcurrencyException e)
        {
            return ETags.Stale(http, e.ActualVersion < 0 ? version : e.ActualVersion);
        }
    }

    public static DossierResponse ToResponse(DossierState s, long version, IReadOnlyList<FieldChange>? changes = null) =>
        new(s.Code, s.OrganId, s.Year, s.FileNotation, s.Status.ToString().ToLowerInvariant(), s.Metadata,
            s.Documents.Select(d => new FiledDocumentResponse(d.DocumentId, d.Order, d.DocumentCode, d.ContentSha256, d.Retention.Code, d.Retention.Years, d.PageCount)).ToList(),
            s.ClosedEndDate, s.TransferDueDate, s.TransferredOn,
            s.AccessAlerts.Select(Alert).ToList(), changes, version);

    public static AlertResponse Alert(Archive.Domain.Access.AccessChangeAlert a) =>
        new(a.AlertNumber, a.RecordCode, a.OldMode, a.NewMode, a.ChangedBy, a.RaisedAt, a.ConfirmedBy, a.ConfirmedAt);
}
