using Archive.Api.Features.Disposition;
using Archive.Api.Features.Records;
using Archive.Api.Infrastructure.Auth;
using Archive.Api.Infrastructure.Idempotency;
using Archive.Api.Infrastructure.Problems;
using Archive.Domain.Common;
using Archive.Domain.Documents;
using Archive.Domain.Dossiers;
using Archive.Domain.Holds;
using Archive.EventStore;

using FieldError = Archive.Domain.Common.FieldError;
using Archive.Api.Hosting.OpenApi;

namespace Archive.Api.Features.Holds;

/// <summary><c>kind</c>: <c>legal</c> (legal hold) or <c>freeze</c> (khóa/đóng băng, NĐ 30/2020 Phụ lục VI IV.1.g).</summary>
public sealed record PlaceHoldRequest(string? HoldId, string? Kind, string? Authority, string? Reason);

public sealed record LiftHoldRequest(string? Authority, string? Reason);

public sealed record HoldResponse(string HoldId, string Kind, string Authority, string Reason, string PlacedBy, DateTimeOffset PlacedAt);

public sealed record HoldsResponse(string Kind, string Id, IReadOnlyList<HoldResponse> Holds, long Version);

/// <summary>
/// Phong tỏa / đóng băng (holds) on a dossier or document. Each placing and lifting is an event with the authority that
/// ordered it. While any hold is active the domain refuses edits, new content, filing, transfer and destruction.
/// Holds need no If-Match: an order from a court or inspector applies to whatever version the record is at.
/// </summary>
public static class HoldsApi
{
    private static readonly Dictionary<string, OperationDoc> Docs = new()
    {
        ["GET /api/v1/dossiers/{code}/holds"] = new("Lệnh tạm giữ hồ sơ", "A dossier's holds", "Các lệnh tạm giữ đang có hiệu lực.", "The active holds.")
            { Returns = typeof(HoldsResponse) },
        ["POST /api/v1/dossiers/{code}/holds"] = new("Tạm giữ hồ sơ", "Place a hold on a dossier",
            "Tạm giữ (legal) hoặc đóng băng (freeze) theo lệnh của cơ quan có thẩm quyền; khi còn lệnh, không sửa, không hủy.",
            "A legal hold or freeze ordered by an authority; while it stands the record cannot be edited or destroyed.")
            { Status = 201, Returns = typeof(HoldsResponse), AlsoReturns = [200], Problems = [409] },
        ["POST /api/v1/dossiers/{code}/holds/{holdId}/lift"] = new("Gỡ tạm giữ hồ sơ", "Lift a dossier hold", "Gỡ lệnh tạm giữ, ghi cơ quan ra lệnh.", "Lifts the hold, with the authority that ordered it.")
            { Returns = typeof(HoldsResponse), Problems = [409] },
        ["GET /api/v1/documents/{id}/holds"] = new("Lệnh tạm giữ tài liệu", "A document's holds", "Các lệnh tạm giữ đang có hiệu lực.", "The active holds.")
            { Returns = typeof(HoldsResponse) },
        ["POST /api/v1/documents/{id}/holds"] = new("Tạm giữ tài liệu", "Place a hold on a document",
            "Tạm giữ (legal) hoặc đóng băng (freeze) theo lệnh của cơ quan có thẩm quyền.", "A legal hold or freeze ordered by an authority.")
            { Status = 201, Returns = typeof(HoldsResponse), AlsoReturns = [200], Problems = [409] },
        ["POST /api/v1/documents/{id}/holds/{holdId}/lift"] = new("Gỡ tạm giữ tài liệu", "Lift a document hold", "Gỡ lệnh tạm giữ, ghi cơ quan ra lệnh.", "Lifts the hold, with the authority that ordered it.")
            { Returns = typeof(HoldsResponse), Problems = [409] },
    };

    private const int Retries = 3;

    public static IEndpointRouteBuilder MapHolds(this IEndpointRouteBuilder routes)
    {
        var dossiers = routes.MapGroup("/api/v1/dossiers/{code}/holds").WithTags("Holds").Describe(Docs);
        dossiers.MapGet("/", async Task<IResult> (string code, HttpContext http, RecordsRepository repo, CancellationToken ct) =>
        {
            var (s, v) = await repo.LoadDossierAsync(code, ct);
            return s.Status == DossierStatus.None || !RecordsHttp.MayRead(http.User, s.Metadata?.AccessMode) ? NoRecord()
                : TypedResults.Ok(Response("dossier", code, s.Holds, v));
        }).RequireRoles(DispositionAccess.Readers);
        dossiers.MapPost("/", (string code, PlaceHoldRequest body, HttpContext http, RecordsRepository repo, TimeProvider clock, CancellationToken ct) =>
            DossierAsync(code, http, repo, clock, body.Reason,
                new PlaceDossierHold(Place(body)), KindErrors(body), ct))
            .Idempotent().RequireRoles(DispositionAccess.HoldManagers);
        dossiers.MapPost("/{holdId}/lift", (string code, string holdId, LiftHoldRequest body, HttpContext http, RecordsRepository repo, TimeProvider clock,
            CancellationToken ct) =>
            DossierAsync(code, http, repo, clock, body.Reason,
                new LiftDossierHold(Lift(holdId, body)), [], ct))
            .Idempotent().RequireRoles(DispositionAccess.HoldManagers);

        var documents = routes.MapGroup("/api/v1/documents/{id}/holds").WithTags("Holds").Describe(Docs);
        documents.MapGet("/", async Task<IResult> (string id, HttpContext http, RecordsRepository repo, CancellationToken ct) =>
        {
            var (s, v) = await repo.LoadDocumentAsync(id, ct);
            return s.Status == DocumentStatus.None || !RecordsHttp.MayRead(http.User, s.Metadata?.AccessMode) ? NoRecord()
                : TypedResults.Ok(Response("document", id, s.Holds, v));
        }).RequireRoles(DispositionAccess.Readers);
        documents.MapPost("/", (string id, PlaceHoldRequest body, HttpContext http, RecordsRepository repo, TimeProvider clock, CancellationToken ct) =>
            DocumentAsync(id, http, repo, clock, body.Reason,
                new PlaceDocumentHold(Place(body)), KindErrors(body), ct))
            .Idempotent().RequireRoles(DispositionAccess.HoldManagers);
        documents.MapPost("/{holdId}/lift", (string id, string holdId, LiftHoldRequest body, HttpContext http, RecordsRepository repo, TimeProvider clock,
            CancellationToken ct) =>
            DocumentAsync(id, http, repo, clock, body.Reason,
                new LiftDocumentHold(Lift(holdId, body)), [], ct))
            .Idempotent().RequireRoles(DispositionAccess.HoldManagers);
        return routes;
    }

    private static async Task<IResult> DossierAsync(string code, HttpContext http, RecordsRepository repo, TimeProvider clock, string? reason,
        DossierCommand command, IReadOnlyList<FieldError> extra, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var (s, v) = await repo.LoadDossierAsync(code, ct);
            if (s.Status == DossierStatus.None || !RecordsHttp.MayRead(http.User, s.Metadata?.AccessMode)) return NoRecord();
            var c = command;
            var decision = DossierDecider.Decide(c, s, DispositionAccess.Context(http, clock));
            if (Refused(decision, extra) is { } refused) return refused;
            try
            {
                var result = await repo.AppendAsync(RecordsRepository.DossierStream(code), ExpectedVersion.Exactly(v), decision.Events, http, reason, ct);
                s = decision.Events.Aggregate(s, DossierDecider.Evolve);
                return Answer(c is PlaceDossierHold, Response("dossier", code, s.Holds, result.NextExpectedVersion));
            }
            catch (ConcurrencyException) when (attempt < Retries) { }
        }
    }

    private static async Task<IResult> DocumentAsync(string id, HttpContext http, RecordsRepository repo, TimeProvider clock, string? reason,
        DocumentCommand command, IReadOnlyList<FieldError> extra, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var (s, v) = await repo.LoadDocumentAsync(id, ct);
            if (s.Status == DocumentStatus.None || !RecordsHttp.MayRead(http.User, s.Metadata?.AccessMode)) return NoRecord();
            var c = command;
            var decision = DocumentDecider.Decide(c, s, DispositionAccess.Context(http, clock));
            if (Refused(decision, extra) is { } refused) return refused;
            try
            {
                var result = await repo.AppendAsync(RecordsRepository.DocumentStream(id), ExpectedVersion.Exactly(v), decision.Events, http, reason, ct);
                s = decision.Events.Aggregate(s, DocumentDecider.Evolve);
                return Answer(c is PlaceDocumentHold, Response("document", id, s.Holds, result.NextExpectedVersion));
            }
            catch (ConcurrencyException) when (attempt < Retries) { }
        }
    }

    private static IResult Answer(bool placed, HoldsResponse body) => placed ? TypedResults.Created((string?)null, body) : TypedResults.Ok(body);

    private static PlaceHold Place(PlaceHoldRequest b) =>
        new(HoldId(b.HoldId), ParseKind(b.Kind) ?? HoldKind.Legal, b.Authority?.Trim() ?? "", b.Reason?.Trim() ?? "");

    private static LiftHold Lift(string holdId, LiftHoldRequest b) => new(holdId, b.Authority?.Trim() ?? "", b.Reason?.Trim() ?? "");

    private static IReadOnlyList<FieldError> KindErrors(PlaceHoldRequest b) => ParseKind(b.Kind) is null
        ? [new FieldError("kind", "invalid",
            "Loại phong tỏa phải là 'legal' (phong tỏa pháp lý) hoặc 'freeze' (khóa/đóng băng, NĐ 30 Phụ lục VI IV.1.g).",
            "The hold kind must be 'legal' or 'freeze' (NĐ 30 Annex VI IV.1.g).")]
        : [];

    /// <summary>Every field error at once (the domain's and the kind's), else the domain's rejection, else null.</summary>
    private static IResult? Refused(Decision decision, IReadOnlyList<FieldError> extra)
    {
        var errors = (decision.Rejection?.Code == RejectionCodes.ValidationFailed ? decision.Rejection.Errors : []).Concat(extra).ToList();
        if (errors.Count > 0 && decision.Rejection?.Code is null or RejectionCodes.ValidationFailed) return RecordsHttp.Validation(errors);
        return decision.IsRejected ? RecordsHttp.Problem(decision.Rejection!) : null;
    }

    private static HoldKind? ParseKind(string? kind) => kind?.Trim().ToLowerInvariant() switch
    {
        "legal" => HoldKind.Legal,
        "freeze" => HoldKind.Freeze,
        _ => null,
    };

    private static string HoldId(string? given) => string.IsNullOrWhiteSpace(given) ? Guid.NewGuid().ToString("N") : given.Trim();

    private static HoldsResponse Response(string kind, string id, IEnumerable<Hold> holds, long version) =>
        new(kind, id, holds.Select(h => new HoldResponse(h.HoldId, h.Kind.ToString().ToLowerInvariant(), h.Authority, h.Reason, h.PlacedBy, h.PlacedAt)).ToList(),
            version);

    private static IResult NoRecord() => ApiProblems.NotFound(new Text("Không có hồ sơ/tài liệu này.", "No such record."));
}
