using System.Text.Json;
using Archive.Api.Features.Records;
using Archive.Api.Infrastructure.Access;
using Archive.Api.Infrastructure.Auth;
using Archive.Api.Infrastructure.Idempotency;
using Archive.Api.Infrastructure.Problems;
using Archive.Domain.Common;
using Archive.Domain.Disposition;
using Archive.EventStore;
using Npgsql;

using FieldError = Archive.Domain.Common.FieldError;
using Archive.Api.Hosting.OpenApi;

namespace Archive.Api.Features.Disposition;

/// <summary><c>kind</c>: <c>dossier</c> (code), <c>document</c> (id) or <c>paperOriginal</c> (the paper file code of a digitised dossier).</summary>
public sealed record ProposalItemRequest(string? Kind, string? Code, string? Reason);

public sealed record ProposeRequest(string? ProposalId, string? OrganId, IReadOnlyList<ProposalItemRequest>? Items, string? Reason);

public sealed record OpinionRequest(bool? Agrees, string? Comment);

public sealed record DecisionRequest(string? DecisionNumber, DateOnly? DecisionDate, string? Reason);

/// <summary><c>fileRetentionCode</c>/<c>fileRetentionYears</c>: retention of the destruction file itself, at least 20 years (default 20).</summary>
public sealed record ExecuteRequest(DateOnly? ExecutedOn, string? FileRetentionCode, int? FileRetentionYears, string? Reason);

public sealed record ProposedRecordResponse(string RecordCode, string Kind, string Reason, string RetentionCode, int? RetentionYears, string Retention);

public sealed record OpinionResponse(string MemberId, string MemberName, bool Agrees, string? Comment, DateTimeOffset RecordedAt);

public sealed record DecisionResponse(string Number, DateOnly Date, string SignedBy);

public sealed record DestroyedRecordResponse(string RecordCode, IReadOnlyList<string> ContentSha256s);

/// <summary>Hồ sơ hủy tài liệu: decision, list, council minutes and the execution record, kept as a record itself.</summary>
public sealed record DestructionFileResponse(DecisionResponse Decision, IReadOnlyList<ProposedRecordResponse> List, IReadOnlyList<OpinionResponse> CouncilMinutes,
    DateOnly ExecutedOn, string ExecutedBy, IReadOnlyList<DestroyedRecordResponse> Destroyed, string RetentionCode, int? RetentionYears, string Retention);

public sealed record ProposalResponse(string ProposalId, string OrganId, string Status, IReadOnlyList<ProposedRecordResponse> Records,
    IReadOnlyList<OpinionResponse> Opinions, DecisionResponse? Decision, DestructionFileResponse? File, long Version);

public sealed record ReviewItem(string Kind, string Id, string? OrganId, string? Title, string RetentionCode, int? RetentionYears, string Retention,
    int EndYear, DateOnly KeepUntil, string Status);

public sealed record BlockedAttempt(long Position, string ProposalId, string RecordCode, string BlockCode, string ReasonVi, string ReasonEn, string Stage,
    string AttemptedBy, string? AttemptedByName, string? AttemptedByRole, DateTimeOffset AttemptedAt, string? Source);

public sealed record BlockedPage(IReadOnlyList<BlockedAttempt> Items, long? Next);

/// <summary>
/// Hủy tài liệu hết giá trị (disposition) over HTTP: the review list "Xem xét hủy", destruction lists with reasons,
/// valuation-council opinions, the head of agency's signed decision, execution, and the auditors' list of blocked
/// attempts. Every step goes through <see cref="DispositionDecider"/> with facts read fresh from the records.
/// </summary>
public static class DispositionApi
{
    private static readonly Dictionary<string, OperationDoc> Docs = new()
    {
        ["GET /api/v1/disposition/review"] = new("Xem xét hủy", "Review for destruction",
            "Hồ sơ, tài liệu đã hết thời hạn bảo quản, không bị tạm giữ (lọc theo loại, phông).", "Records whose retention has expired and that are not held (filter by kind, fonds).")
            { Returns = typeof(List<ReviewItem>) },
        ["GET /api/v1/disposition/proposals"] = new("Danh mục tài liệu hủy", "Destruction proposals", "Mọi danh mục đề nghị hủy.", "Every destruction proposal.")
            { Returns = typeof(List<ProposalResponse>) },
        ["POST /api/v1/disposition/proposals"] = new("Lập danh mục hủy", "Propose destruction",
            "Lập danh mục tài liệu hết giá trị kèm lý do; tài liệu vĩnh viễn hoặc đang tạm giữ làm cả danh mục bị từ chối (409) và được ghi lại.",
            "Lists records for destruction with reasons; a permanent or held record refuses the whole list (409), and the attempt is recorded.")
            { Status = 201, Returns = typeof(ProposalResponse), Problems = [409] },
        ["GET /api/v1/disposition/proposals/{id}"] = new("Xem danh mục hủy", "Get a proposal", "Danh mục, ý kiến hội đồng, quyết định.", "The list, council opinions and decision.")
            { Returns = typeof(ProposalResponse) },
        ["GET /api/v1/disposition/proposals/{id}/file"] = new("Hồ sơ hủy tài liệu", "The destruction file",
            "Quyết định, danh mục, biên bản hội đồng và biên bản hủy, lưu như một hồ sơ.", "Decision, list, council minutes and execution record, kept as a record.")
            { Returns = typeof(DestructionFileResponse) },
        ["POST /api/v1/disposition/proposals/{id}/opinions"] = new("Ý kiến hội đồng xác định giá trị", "Council opinion",
            "Một thành viên hội đồng đồng ý hoặc không, kèm nhận xét.", "A council member agrees or not, with a comment.")
            { Returns = typeof(ProposalResponse), Problems = [409] },
        ["POST /api/v1/disposition/proposals/{id}/decision"] = new("Quyết định hủy", "Destruction decision",
            "Người đứng đầu cơ quan ký quyết định hủy (số, ngày).", "The head of the agency signs the destruction decision (number, date).")
            { Returns = typeof(ProposalResponse), Problems = [409] },
        ["POST /api/v1/disposition/proposals/{id}/execution"] = new("Thi hành hủy", "Execute destruction",
            "Hủy các bản ghi theo quyết định: siêu dữ liệu bị hủy bằng cách xóa khóa, tệp không còn dùng bị xóa; lập hồ sơ hủy.",
            "Destroys the listed records: metadata is crypto-shredded, unreferenced files are deleted; the destruction file is kept.")
            { Returns = typeof(ExecutionResponse), Problems = [409] },
        ["GET /api/v1/disposition/blocked"] = new("Lần hủy bị chặn", "Blocked destruction attempts",
            "Các lần đề nghị hủy bị chặn (vĩnh viễn, tạm giữ...), theo vị trí sự kiện.", "Destruction attempts that were blocked (permanent, held…), by event position.")
            { Returns = typeof(BlockedPage) },
    };

    public const string ReviewStatus = "Xem xét hủy";

    public static IEndpointRouteBuilder MapDispositionWorkflow(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/disposition").WithTags("Disposition").Describe(Docs);

        group.MapGet("/review", async Task<IResult> (string? kind, string? organId, HttpContext http, NpgsqlDataSource db, TimeProvider clock, CancellationToken ct) =>
        {
            var today = new DecisionContext(new Actor("", ""), clock.GetUtcNow()).Today;
            // The row's regime may be behind (an asynchronous projection): a record that became 03 is hidden at once.
            var hidden = http.User.IsClearedForSecret() ? "" : " and " + RecordAccess.NotSecret("(kind || '-' || id)");
            await using var cmd = db.CreateCommand($"""
                select kind, id, organ_id, title, retention_code, retention_years, end_year, keep_until from archive_api.disposition_review
                where keep_until < $1 and not held and access_regime = any($2) and ($3::text is null or kind = $3) and ($4::text is null or organ_id = $4){hidden}
                order by keep_until, id limit 5000
                """);
            cmd.Parameters.AddWithValue(today);
            cmd.Parameters.AddWithValue(AccessRegimes.VisibleTo(http.User));
            cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)kind ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)organId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            var items = new List<ReviewItem>();
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                int? years = r.IsDBNull(5) ? null : r.GetInt32(5);
                var period = Domain.Retention.RetentionCodec.From(r.GetString(4), years);
                items.Add(new(r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3),
                    r.GetString(4), years, period.DisplayVi, r.GetInt32(6), r.GetFieldValue<DateOnly>(7), ReviewStatus));
            }
            return TypedResults.Ok(items);
        }).RequireRoles(DispositionAccess.Readers);

        group.MapGet("/proposals", async Task<IResult> (DispositionStore store, RecordsRepository repo, CancellationToken ct) =>
        {
            var list = new List<ProposalResponse>();
            foreach (var stream in await repo.StreamsWithEventAsync("destruction.proposed.v1", ct))
            {
                var (s, v) = await store.LoadProposalAsync(stream["disposition-".Length..], ct);
                list.Add(Response(s, v));
            }
            return TypedResults.Ok(list);
        }).RequireRoles(DispositionAccess.Readers);

        group.MapGet("/proposals/{id}", async Task<IResult> (string id, DispositionStore store, CancellationToken ct) =>
        {
            var (s, v) = await store.LoadProposalAsync(id, ct);
            return s.Status == DispositionStatus.None ? NoProposal() : TypedResults.Ok(Response(s, v));
        }).RequireRoles(DispositionAccess.Readers);

        group.MapGet("/proposals/{id}/file", async Task<IResult> (string id, DispositionStore store, CancellationToken ct) =>
        {
            var (s, _) = await store.LoadProposalAsync(id, ct);
            return s.File is { } file ? TypedResults.Ok(File(file))
                : ApiProblems.NotFound(new Text("Chưa có hồ sơ hủy: quyết định chưa được thi hành.", "No destruction file yet: the decision has not been executed."));
        }).RequireRoles(DispositionAccess.Readers);

        group.MapPost("/proposals", async Task<IResult> (ProposeRequest body, HttpContext http, DispositionStore store, RecordsRepository repo,
            TimeProvider clock, CancellationToken ct) =>
        {
            var proposalId = string.IsNullOrWhiteSpace(body.ProposalId) ? Guid.NewGuid().ToString("N") : body.ProposalId.Trim();
            var extra = new List<FieldError>();
            var listed = new List<(RecordKind Kind, string Code, string Reason)>();
            foreach (var (item, i) in (body.Items ?? []).Select((x, i) => (x, i)))
            {
                var kind = ParseKind(item.Kind);
                var code = item.Code?.Trim() ?? "";
                if (kind is null) extra.Add(new($"items[{i}].kind", "invalid", "Loại phải là dossier, document hoặc paperOriginal.",
                    "kind must be dossier, document or paperOriginal."));
                if (code.Length == 0) extra.Add(RecordsHttp.Required($"items[{i}].code"));
                if (kind is not null && code.Length > 0) listed.Add((kind.Value, code, item.Reason ?? ""));
            }
            var (facts, factErrors) = await store.FactsAsync(listed.Select(l => (l.Kind, l.Code)), ct);
            extra.AddRange(factErrors);
            foreach (var f in facts.Where(f => f.EndYear is null && DestructionBlock.Check(f) is null))
                extra.Add(new($"items[{f.RecordCode}]", "not_ended", $"{f.RecordCode} chưa kết thúc (hồ sơ chưa đóng); chưa tính được thời hạn bảo quản.",
                    $"{f.RecordCode} has not ended (its dossier is not closed), so its retention has not started."));
            var items = listed.Select(l => facts.FirstOrDefault(f => f.RecordCode == l.Code) is { } f ? new ProposalItem(f, l.Reason) : null)
                .OfType<ProposalItem>().ToList();

            var (state, version) = await store.LoadProposalAsync(proposalId, ct);
            var decision = DispositionDecider.Decide(new ProposeDestruction(proposalId, body.OrganId?.Trim() ?? "", items), state,
                DispositionAccess.Context(http, clock));
            if (await RefusedAsync(decision, extra, proposalId, http, repo, body.Reason, ct) is { } refused) return refused;
            try
            {
                var result = await repo.AppendAsync(DispositionStore.ProposalStream(proposalId), ExpectedVersion.Exactly(version), decision.Events, http, body.Reason, ct);
                return TypedResults.Created(Location(proposalId), Response(decision.Events.Aggregate(state, DispositionDecider.Evolve), result.NextExpectedVersion));
            }
            catch (ConcurrencyException) { return RecordsHttp.Conflict409Exists(new Text($"Danh mục {proposalId} đã tồn tại.", $"Proposal {proposalId} already exists.")); }
        }).Idempotent().RequireAuthorization(Policies.RecordsWriters);

        group.MapPost("/proposals/{id}/opinions", async Task<IResult> (string id, OpinionRequest body, HttpContext http, DispositionStore store,
            RecordsRepository repo, TimeProvider clock, CancellationToken ct) =>
        {
            var (state, version) = await store.LoadProposalAsync(id, ct);
            if (state.Status == DispositionStatus.None) return NoProposal();
            var extra = body.Agrees is null ? new List<FieldError> { RecordsHttp.Required("agrees") } : [];
            var decision = DispositionDecider.Decide(new RecordCouncilOpinion(body.Agrees ?? false, body.Comment), state, DispositionAccess.Context(http, clock));
            return await RefusedAsync(decision, extra, id, http, repo, body.Comment, ct)
                ?? await AppendAsync(repo, id, state, version, decision, http, body.Comment, ct);
        }).Idempotent().RequireRoles(DispositionAccess.CouncilMembers);

        group.MapPost("/proposals/{id}/decision", async Task<IResult> (string id, DecisionRequest body, HttpContext http, DispositionStore store,
            RecordsRepository repo, TimeProvider clock, CancellationToken ct) =>
        {
            var (state, version) = await store.LoadProposalAsync(id, ct);
            if (state.Status == DispositionStatus.None) return NoProposal();
            var context = DispositionAccess.Context(http, clock);
            var (facts, errors) = await store.FactsAsync(state.Records.Select(r => (r.Kind, r.RecordCode)), ct);
            var decision = DispositionDecider.Decide(new SignDestructionDecision(body.DecisionNumber?.Trim() ?? "", body.DecisionDate ?? context.Today, facts),
                state, context);
            return await RefusedAsync(decision, errors, id, http, repo, body.Reason, ct)
                ?? await AppendAsync(repo, id, state, version, decision, http, body.Reason, ct);
        }).Idempotent().RequireRoles(DispositionAccess.HeadOfAgency);

        group.MapPost("/proposals/{id}/execution", (string id, ExecuteRequest body, HttpContext http, DestructionExecutor executor, CancellationToken ct) =>
            executor.ExecuteAsync(id, body, http, ct))
            .Idempotent().RequireAuthorization(Policies.RecordsWriters);

        group.MapGet("/blocked", async Task<IResult> (long? after, int? limit, NpgsqlDataSource db, CancellationToken ct) =>
        {
            var take = Math.Clamp(limit ?? 500, 1, 5000);
            await using var cmd = db.CreateCommand($"""
                select position, data, metadata, recorded_at from {Hosting.EventStoreSetup.Schema}.events
                where type = 'destruction.blocked.v1' and position > $1 order by position limit $2
                """);
            cmd.Parameters.AddWithValue(after ?? 0L);
            cmd.Parameters.AddWithValue(take);
            var items = new List<BlockedAttempt>();
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                var e = JsonDocument.Parse(r.GetString(1)).RootElement;
                var m = JsonDocument.Parse(r.GetString(2)).RootElement;
                var headers = m.TryGetProperty("headers", out var h) && h.ValueKind == JsonValueKind.Object ? h : default;
                string? Header(string name) => headers.ValueKind == JsonValueKind.Object && headers.TryGetProperty(name, out var v) ? v.GetString() : null;
                items.Add(new(r.GetInt64(0), S(e, "proposalId"), S(e, "recordCode"), S(e, "blockCode"), S(e, "reasonVi"), S(e, "reasonEn"), S(e, "stage"),
                    S(e, "attemptedBy"), Header("actorName"), Header("actorRole"), e.GetProperty("attemptedAt").GetDateTimeOffset(), Header("source")));
            }
            return TypedResults.Ok(new BlockedPage(items, items.Count == take ? items[^1].Position : null));
        }).RequireAuthorization(Policies.Auditors);
        return routes;
    }

    /// <summary>
    /// The destruction block first: its audit events are stored even though the command is refused. Then every field
    /// error at once (the domain's and the API's), then any other rejection. Null when the decision may be appended.
    /// </summary>
    private static async Task<IResult?> RefusedAsync(Decision decision, IReadOnlyList<FieldError> extra, string proposalId, HttpContext http,
        RecordsRepository repo, string? reason, CancellationToken ct)
    {
        if (decision.Rejection?.Code == RejectionCodes.DestructionBlocked)
        {
            await repo.AppendAsync(DispositionStore.ProposalStream(proposalId), ExpectedVersion.Any, decision.Events, http, reason, ct);
            return DispositionHttp.Problem(decision.Rejection);
        }
        var errors = (decision.Rejection?.Code == RejectionCodes.ValidationFailed ? decision.Rejection.Errors : []).Concat(extra).ToList();
        if (errors.Count > 0 && decision.Rejection?.Code is null or RejectionCodes.ValidationFailed) return RecordsHttp.Validation(errors);
        return decision.IsRejected ? DispositionHttp.Problem(decision.Rejection!) : null;
    }

    private static async Task<IResult> AppendAsync(RecordsRepository repo, string id, DispositionState state, long version, Decision decision,
        HttpContext http, string? reason, CancellationToken ct)
    {
        try
        {
            var result = await repo.AppendAsync(DispositionStore.ProposalStream(id), ExpectedVersion.Exactly(version), decision.Events, http, reason, ct);
            return TypedResults.Ok(Response(decision.Events.Aggregate(state, DispositionDecider.Evolve), result.NextExpectedVersion));
        }
        catch (ConcurrencyException)
        {
            return ApiProblems.Conflict(new Text("Danh mục đã thay đổi trong lúc xử lý; hãy đọc lại và thử lại.",
                "The proposal changed meanwhile; re-read and retry."), "stale-version");
        }
    }

    public static RecordKind? ParseKind(string? kind) => kind?.Trim().ToLowerInvariant() switch
    {
        "dossier" => RecordKind.Dossier,
        "document" => RecordKind.Document,
        "paperoriginal" or "paper-original" or "paper_original" => RecordKind.PaperOriginal,
        _ => null,
    };

    public static string KindName(RecordKind kind) => kind switch
    {
        RecordKind.Dossier => "dossier",
        RecordKind.Document => "document",
        _ => "paperOriginal",
    };

    public static string Location(string proposalId) => $"/api/v1/disposition/proposals/{Uri.EscapeDataString(proposalId)}";

    private static string S(JsonElement e, string name) => e.TryGetProperty(name, out var v) ? v.GetString() ?? "" : "";

    public static ProposalResponse Response(DispositionState s, long version) =>
        new(s.ProposalId, s.OrganId, s.Status.ToString().ToLowerInvariant(), s.Records.Select(Record).ToList(), s.Opinions.Select(Opinion).ToList(),
            s.Decision is { } d ? new(d.Number, d.Date, d.SignedBy) : null, s.File is { } f ? File(f) : null, version);

    private static DestructionFileResponse File(DestructionFile f) =>
        new(new(f.Decision.Number, f.Decision.Date, f.Decision.SignedBy), f.List.Select(Record).ToList(), f.CouncilMinutes.Select(Opinion).ToList(),
            f.ExecutedOn, f.ExecutedBy, f.Destroyed.Select(d => new DestroyedRecordResponse(d.RecordCode, d.ContentSha256s)).ToList(),
            f.Retention.Code, f.Retention.Years, f.Retention.DisplayVi);

    private static ProposedRecordResponse Record(ProposedRecord r) =>
        new(r.RecordCode, KindName(r.Kind), r.Reason, r.RetentionCode, r.RetentionYears,
            Domain.Retention.RetentionCodec.From(r.RetentionCode, r.RetentionYears).DisplayVi);

    private static OpinionResponse Opinion(CouncilOpinion o) => new(o.MemberId, o.MemberName, o.Agrees, o.Comment, o.RecordedAt);

    private static IResult NoProposal() => ApiProblems.NotFound(new Text("Không có danh mục đề nghị hủy này.", "No such destruction proposal."));
}
