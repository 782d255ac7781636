using Archive.Api.Features.Disposition;
using Archive.Api.Features.Documents;
using Archive.Api.Features.Holds;
using Archive.Api.Features.Records;
using Archive.Api.Infrastructure.Auth;
using Archive.Api.Infrastructure.Idempotency;
using Archive.Api.Infrastructure.Concurrency;
using Archive.Api.Infrastructure.Problems;
using Archive.Domain.Common;
using Archive.Domain.Documents;
using Archive.Domain.Dossiers;
using Archive.Domain.Identifiers;
using Archive.Domain.Retention;
using Archive.EventStore;

using FieldError = Archive.Domain.Common.FieldError;
using Archive.Api.Hosting.OpenApi;

namespace Archive.Api.Features.Retention;

public sealed record ScheduleGroupRequest(string? Code, string? Name, string? RetentionCode, int? RetentionYears, string? Reason);

public sealed record ScheduleGroupResponse(string Code, string Name, string RetentionCode, int? RetentionYears, string Retention, string RetentionEn);

public sealed record ScheduleResponse(string OrganId, IReadOnlyList<ScheduleGroupResponse> Groups, IReadOnlyList<FieldChange>? Changes, long Version);

/// <summary>A new retention for one record; <c>scheduleGroup</c> names the schedule group it falls under (required once the agency has a schedule).</summary>
public sealed record RetentionChangeRequest(string? RetentionCode, int? RetentionYears, string? ScheduleGroup, string? Reason);

public sealed record RetentionResponse(string Kind, string Id, string RetentionCode, int? RetentionYears, string Retention, string RetentionEn,
    int? WorkEndYear, DateOnly? KeepUntil, bool Expired, IReadOnlyList<FieldChange>? Changes, long Version);

/// <summary>
/// Thời hạn bảo quản (retention): the agency's schedule (bảng thời hạn bảo quản, TT 10/2022 groups, editable) and a
/// record's own period. A period below the schedule group's is refused (Luật Lưu trữ 2024 Điều 15); a dossier follows
/// the longest of its documents.
/// </summary>
public static class RetentionApi
{
    private static readonly Dictionary<string, OperationDoc> Docs = new()
    {
        ["GET /api/v1/fonds/{organId}/retention-schedule"] = new("Bảng thời hạn bảo quản", "Retention schedule",
            "Bảng thời hạn bảo quản của cơ quan (các nhóm hồ sơ).", "The agency's retention schedule (its groups).") { Returns = typeof(ScheduleResponse) },
        ["GET /api/v1/fonds/{organId}/retention-schedule/groups/{code}"] = new("Một nhóm trong bảng thời hạn", "One schedule group",
            "Một nhóm hồ sơ của bảng thời hạn bảo quản.", "One group of the retention schedule.") { Returns = typeof(ScheduleGroupResponse) },
        ["POST /api/v1/fonds/{organId}/retention-schedule/groups"] = new("Thêm nhóm vào bảng thời hạn", "Add a schedule group",
            "Thêm nhóm hồ sơ với thời hạn bảo quản (TT 10/2022).", "Adds a group with its retention period (TT 10/2022).")
            { Status = 201, Returns = typeof(ScheduleResponse), Problems = [409] },
        ["PUT /api/v1/fonds/{organId}/retention-schedule/groups/{code}"] = new("Sửa nhóm trong bảng thời hạn", "Edit a schedule group",
            "Đổi tên hoặc thời hạn của nhóm; cần If-Match.", "Changes the group's name or period; needs If-Match.")
            { Returns = typeof(ScheduleResponse), Problems = [409] },
        ["GET /api/v1/dossiers/{code}/retention"] = new("Thời hạn bảo quản của hồ sơ", "A dossier's retention",
            "Thời hạn, năm kết thúc, hạn giữ đến và đã hết hạn chưa.", "Period, end year, keep-until date and whether it has expired.")
            { Returns = typeof(RetentionResponse) },
        ["PUT /api/v1/dossiers/{code}/retention"] = new("Đổi thời hạn bảo quản của hồ sơ", "Change a dossier's retention",
            "Thời hạn mới, không thấp hơn nhóm trong bảng (Luật Lưu trữ 2024 Điều 15); cần If-Match.",
            "A new period, never below the schedule group's (Luật Lưu trữ 2024 Art. 15); needs If-Match.") { Returns = typeof(RetentionResponse), Problems = [409] },
        ["GET /api/v1/documents/{id}/retention"] = new("Thời hạn bảo quản của tài liệu", "A document's retention",
            "Thời hạn, năm kết thúc, hạn giữ đến và đã hết hạn chưa.", "Period, end year, keep-until date and whether it has expired.")
            { Returns = typeof(RetentionResponse) },
        ["PUT /api/v1/documents/{id}/retention"] = new("Đổi thời hạn bảo quản của tài liệu", "Change a document's retention",
            "Thời hạn mới; hồ sơ chứa tài liệu theo thời hạn dài nhất; cần If-Match.", "A new period; its dossiers follow their longest document; needs If-Match.")
            { Returns = typeof(RetentionResponse), Problems = [409] },
    };

    public static IEndpointRouteBuilder MapRetention(this IEndpointRouteBuilder routes)
    {
        var schedule = routes.MapGroup("/api/v1/fonds/{organId}/retention-schedule").WithTags("Retention").Describe(Docs);

        schedule.MapGet("/", async Task<IResult> (string organId, HttpContext http, DispositionStore store, CancellationToken ct) =>
        {
            var (state, version) = await store.LoadScheduleAsync(organId, ct);
            http.Response.SetETag(version);
            return TypedResults.Ok(ToResponse(organId, state, version));
        }).RequireAuthorization(Policies.AnyRole);

        // The schedule proposes a period for a new record of this group.
        schedule.MapGet("/groups/{code}", async Task<IResult> (string organId, string code, DispositionStore store, CancellationToken ct) =>
        {
            var (state, _) = await store.LoadScheduleAsync(organId, ct);
            return state.Groups.TryGetValue(code, out var g) ? TypedResults.Ok(Group(g))
                : ApiProblems.NotFound(new Text($"Bảng thời hạn không có nhóm {code}.", $"The schedule has no group {code}."));
        }).RequireAuthorization(Policies.AnyRole);

        schedule.MapPost("/groups", async Task<IResult> (string organId, ScheduleGroupRequest body, HttpContext http, DispositionStore store,
            RecordsRepository repo, TimeProvider clock, CancellationToken ct) =>
        {
            var (period, errors) = RetentionPeriod.FromCode("retentionCode", body.RetentionCode, body.RetentionYears);
            var (state, version) = await store.LoadScheduleAsync(organId, ct);
            var decision = RetentionSchedule.Decide(new AddScheduleGroup(body.Code?.Trim() ?? "", body.Name?.Trim() ?? "", period ?? RetentionPeriod.Permanent), state);
            var all = (decision.Rejection?.Code == RejectionCodes.ValidationFailed ? decision.Rejection.Errors : []).Concat(errors).ToList();
            if (all.Count > 0) return RecordsHttp.Validation(all);
            return await AppendScheduleAsync(organId, state, version, decision, http, repo, body.Reason, created: true, ct);
        }).Idempotent().RequireAuthorization(Policies.RecordsWriters);

        schedule.MapPut("/groups/{code}", async Task<IResult> (string organId, string code, ScheduleGroupRequest body, HttpContext http, DispositionStore store,
            RecordsRepository repo, CancellationToken ct) =>
        {
            var (state, version) = await store.LoadScheduleAsync(organId, ct);
            if (http.ExpectedVersion() != version) return ETags.Stale(http, version);
            var (period, errors) = RetentionPeriod.FromCode("retentionCode", body.RetentionCode, body.RetentionYears);
            var decision = RetentionSchedule.Decide(new ChangeScheduleGroup(code, body.Name?.Trim() ?? "", period ?? RetentionPeriod.Permanent), state);
            var all = (decision.Rejection?.Code == RejectionCodes.ValidationFailed ? decision.Rejection.Errors : []).Concat(errors).ToList();
            if (all.Count > 0) return RecordsHttp.Validation(all);
            return await AppendScheduleAsync(organId, state, version, decision, http, repo, body.Reason, created: false, ct);
        }).RequireIfMatch().RequireAuthorization(Policies.RecordsWriters);

        var dossiers = routes.MapGroup("/api/v1/dossiers/{code}/retention").WithTags("Retention").Describe(Docs);
        dossiers.MapGet("/", async Task<IResult> (string code, HttpContext http, RecordsRepository repo, TimeProvider clock, CancellationToken ct) =>
        {
            var (state, version) = await repo.LoadDossierAsync(code, ct);
            if (state.Status is DossierStatus.None or DossierStatus.Destroyed || !RecordsHttp.MayRead(http.User, state.Metadata?.AccessMode))
                return NoDossier();
            http.Response.SetETag(version);
            return TypedResults.Ok(Dossier(state, version, null, clock));
        }).RequireAuthorization(Policies.AnyRole);

        dossiers.MapPut("/", async Task<IResult> (string code, RetentionChangeRequest body, HttpContext http, RecordsRepository repo, DispositionStore store,
            TimeProvider clock, CancellationToken ct) =>
        {
            var (state, version) = await repo.LoadDossierAsync(code, ct);
            if (state.Status is DossierStatus.None or DossierStatus.Destroyed || !RecordsHttp.MayRead(http.User, state.Metadata?.AccessMode))
                return NoDossier();
            if (http.ExpectedVersion() != version) return ETags.Stale(http, version);
            var (minimum, errors) = await ScheduleMinimumAsync(store, state.OrganId, body, ct);
            if (errors.Count > 0) return RecordsHttp.Validation(errors);
            var metadata = state.Metadata! with { RetentionCode = body.RetentionCode!, RetentionYears = body.RetentionYears };
            var decision = DossierDecider.Decide(new ChangeDossierMetadata(metadata, minimum), state, DispositionAccess.Context(http, clock));
            if (decision.IsRejected) return RecordsHttp.Problem(decision.Rejection!);
            try
            {
                var result = await repo.AppendAsync(RecordsRepository.DossierStream(code), ExpectedVersion.Exactly(version), decision.Events, http, body.Reason, ct);
                state = decision.Events.Aggregate(state, DossierDecider.Evolve);
                http.Response.SetETag(result.NextExpectedVersion);
                return TypedResults.Ok(Dossier(state, result.NextExpectedVersion, decision.Events.OfType<DossierMetadataChanged>().First().Changes, clock));
            }
            catch (ConcurrencyException e) { return ETags.Stale(http, e.ActualVersion < 0 ? version : e.ActualVersion); }
        }).RequireIfMatch().RequireAuthorization(Policies.RecordsWriters);

        var documents = routes.MapGroup("/api/v1/documents/{id}/retention").WithTags("Retention").Describe(Docs);
        documents.MapGet("/", async Task<IResult> (string id, HttpContext http, RecordsRepository repo, DispositionStore store, TimeProvider clock, CancellationToken ct) =>
        {
            var (doc, version) = await repo.LoadDocumentAsync(id, ct);
            if (doc.Status != DocumentStatus.Registered || !RecordsHttp.MayRead(http.User, doc.Metadata?.AccessMode)) return NoDocument();
            http.Response.SetETag(version);
            return TypedResults.Ok(Document(doc, await store.DossiersOfAsync(id, ct), version, null, clock));
        }).RequireAuthorization(Policies.AnyRole);

        documents.MapPut("/", async Task<IResult> (string id, RetentionChangeRequest body, HttpContext http, RecordsRepository repo, DispositionStore store,
            TimeProvider clock, CancellationToken ct) =>
        {
            var (doc, version) = await repo.LoadDocumentAsync(id, ct);
            if (doc.Status != DocumentStatus.Registered || !RecordsHttp.MayRead(http.User, doc.Metadata?.AccessMode)) return NoDocument();
            if (http.ExpectedVersion() != version) return ETags.Stale(http, version);
            var dossiers = await store.DossiersOfAsync(id, ct);
            var organId = dossiers.Count > 0 && DossierCode.TryParse(dossiers[0].Code, out var organ, out _, out _) ? organ : null;
            var (minimum, errors) = await ScheduleMinimumAsync(store, organId, body, ct);
            if (errors.Count > 0) return RecordsHttp.Validation(errors);
            var metadata = doc.Metadata! with { RetentionCode = body.RetentionCode!, RetentionYears = body.RetentionYears };
            var decision = DocumentDecider.Decide(new ChangeDocumentMetadata(metadata, minimum), doc, DispositionAccess.Context(http, clock));
            if (decision.IsRejected) return RecordsHttp.Problem(decision.Rejection!);
            AppendResult result;
            try { result = await repo.AppendAsync(RecordsRepository.DocumentStream(id), ExpectedVersion.Exactly(version), decision.Events, http, body.Reason, ct); }
            catch (ConcurrencyException e) { return ETags.Stale(http, e.ActualVersion < 0 ? version : e.ActualVersion); }
            doc = decision.Events.Aggregate(doc, DocumentDecider.Evolve);
            // Each dossier holding the document rises to it if it is now the longest (Điều 15).
            await DocumentsApi.ForwardRetentionAsync(repo, id, doc.Metadata!.GetRetention(), http, clock, body.Reason, ct);
            http.Response.SetETag(result.NextExpectedVersion);
            return TypedResults.Ok(Document(doc, await store.DossiersOfAsync(id, ct), result.NextExpectedVersion,
                decision.Events.OfType<DocumentMetadataChanged>().First().Changes, clock));
        }).RequireIfMatch().GuardDossierHolds().RequireAuthorization(Policies.RecordsWriters);
        return routes;
    }

    /// <summary>
    /// Validates the requested period and looks up the floor. Once the agency has a schedule, a change must name the group
    /// the record falls under: without it nobody could tell whether the new period is below what the schedule requires.
    /// </summary>
    private static async Task<(RetentionPeriod? Minimum, List<FieldError> Errors)> ScheduleMinimumAsync(DispositionStore store, string? organId,
        RetentionChangeRequest body, CancellationToken ct)
    {
        var (_, errors) = RetentionPeriod.FromCode("retentionCode", body.RetentionCode, body.RetentionYears);
        var list = errors.ToList();
        if (organId is null) return (null, list);
        var (schedule, _) = await store.LoadScheduleAsync(organId, ct);
        var group = body.ScheduleGroup?.Trim();
        if (string.IsNullOrEmpty(group))
        {
            if (!schedule.Groups.IsEmpty)
                list.Add(new("scheduleGroup", "required", "Phải chọn nhóm trong bảng thời hạn bảo quản của cơ quan.",
                    "Name the agency's retention-schedule group this record falls under."));
            return (null, list);
        }
        var minimum = schedule.Propose(group);
        if (minimum is null)
            list.Add(new("scheduleGroup", "unknown_group", $"Bảng thời hạn bảo quản không có nhóm {group}.", $"The retention schedule has no group {group}."));
        return (minimum, list);
    }

    private static async Task<IResult> AppendScheduleAsync(string organId, RetentionSchedule state, long version, Decision decision, HttpContext http,
        RecordsRepository repo, string? reason, bool created, CancellationToken ct)
    {
        if (decision.IsRejected) return RecordsHttp.Problem(decision.Rejection!);
        try
        {
            var result = await repo.AppendAsync(DispositionStore.ScheduleStream(organId), ExpectedVersion.Exactly(version), decision.Events, http, reason, ct);
            state = decision.Events.Aggregate(state, RetentionSchedule.Evolve);
            http.Response.SetETag(result.NextExpectedVersion);
            var changes = decision.Events.OfType<ScheduleGroupChanged>().FirstOrDefault()?.Changes;
            var body = ToResponse(organId, state, result.NextExpectedVersion, changes);
            return created ? TypedResults.Created($"/api/v1/fonds/{organId}/retention-schedule", body) : TypedResults.Ok(body);
        }
        catch (ConcurrencyException e) { return ETags.Stale(http, e.ActualVersion < 0 ? version : e.ActualVersion); }
    }

    private static ScheduleResponse ToResponse(string organId, RetentionSchedule s, long version, IReadOnlyList<FieldChange>? changes = null) =>
        new(organId, s.Groups.Values.OrderBy(g => g.Code, StringComparer.Ordinal).Select(Group).ToList(), changes, version);

    private static ScheduleGroupResponse Group(ScheduleGroup g) =>
        new(g.Code, g.Name, g.Period.Code, g.Period.Years, g.Period.DisplayVi, g.Period.DisplayEn);

    private static RetentionResponse Dossier(DossierState s, long version, IReadOnlyList<FieldChange>? changes, TimeProvider clock) =>
        Response("dossier", s.Code, s.Retention!, s.ClosedEndDate?.Year, version, changes, clock);

    private static RetentionResponse Document(DocumentState d, IReadOnlyList<DossierState> dossiers, long version, IReadOnlyList<FieldChange>? changes,
        TimeProvider clock) =>
        Response("document", d.DocumentId, d.Metadata!.GetRetention(), Domain.Disposition.CandidateFacts.WorkEndYear(dossiers), version, changes, clock);

    private static RetentionResponse Response(string kind, string id, RetentionPeriod p, int? endYear, long version, IReadOnlyList<FieldChange>? changes,
        TimeProvider clock)
    {
        var keepUntil = endYear is { } y ? p.KeepUntil(y) : null;
        var today = new DecisionContext(new Actor("", ""), clock.GetUtcNow()).Today;
        return new(kind, id, p.Code, p.Years, p.DisplayVi, p.DisplayEn, endYear, keepUntil, keepUntil is { } k && today > k, changes, version);
    }

    private static IResult NoDossier() => ApiProblems.NotFound(new Text("Không có hồ sơ này.", "No such dossier."));
    private static IResult NoDocument() => ApiProblems.NotFound(new Text("Không có tài liệu này.", "No such document."));
}
