using Archive.Api.Features.Records;
using Archive.Api.Infrastructure.Auth;
using Archive.Api.Infrastructure.Concurrency;
using Archive.Api.Infrastructure.Idempotency;
using Archive.Api.Infrastructure.Problems;
using Archive.Domain.Fonds;
using Archive.Domain.Retention;
using Archive.EventStore;
using Archive.Api.Hosting.OpenApi;

namespace Archive.Api.Features.Fonds;

/// <summary>Phông lưu trữ (fonds): one per organisation, identified by its organisation id.</summary>
public static class FondsApi
{
    private static readonly Dictionary<string, OperationDoc> Docs = new()
    {
        ["POST /api/v1/fonds"] = new("Lập phông", "Create a fonds",
            "Lập phông lưu trữ cho một cơ quan (mã định danh cơ quan). Lý do ghi vào sự kiện.",
            "Creates the fonds of an organisation, identified by its organisation id. The reason goes into the event.")
            { Status = 201, Returns = typeof(FondsResponse), Problems = [409], Example = """{"organId":"000.00.00.H29","name":"Phông Ủy ban nhân dân tỉnh","reason":"Lập phông"}""" },
        ["GET /api/v1/fonds"] = new("Danh sách phông", "List fonds", "Mọi phông đã lập.", "Every fonds.") { Returns = typeof(List<FondsResponse>) },
        ["GET /api/v1/fonds/{organId}"] = new("Xem phông", "Get a fonds", "Một phông; ETag là phiên bản.", "One fonds; the ETag is its version.")
            { Returns = typeof(FondsResponse) },
        ["POST /api/v1/fonds/{organId}/dossier-lists/{year}/entries"] = new("Thêm vào danh mục hồ sơ", "Add to the dossier list",
            "Thêm một hồ sơ dự kiến vào danh mục hồ sơ của năm (NĐ 30/2020).", "Adds a planned dossier to the year's dossier list (NĐ 30/2020).")
            { Status = 201, Returns = typeof(DossierListResponse), Problems = [409] },
        ["GET /api/v1/fonds/{organId}/dossier-lists/{year}"] = new("Xem danh mục hồ sơ", "Get the dossier list",
            "Danh mục hồ sơ của một năm, theo thứ tự.", "The dossier list of one year, in order.") { Returns = typeof(DossierListResponse) },
    };

    public sealed record CreateFondsRequest(string? OrganId, string? Name, string? Reason);

    public sealed record FondsResponse(string OrganId, string Name, string Status, long Version);

    /// <summary>One entry of the yearly dossier list (danh mục hồ sơ); retention by TT 05/2025 code (07 needs years).</summary>
    public sealed record AddDossierListEntryRequest(string? FileNotation, string? Title, string? RetentionCode, int? RetentionYears,
        string? Creator, string? Reason);

    public sealed record DossierListEntryResponse(int Position, string FileNotation, string Title, string RetentionCode, int? RetentionYears,
        string Retention, string Creator);

    public sealed record DossierListResponse(string OrganId, int Year, long Version, IReadOnlyList<DossierListEntryResponse> Entries);

    public static IEndpointRouteBuilder MapFonds(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/fonds").WithTags("Fonds").Describe(Docs);

        group.MapPost("/", async Task<IResult> (CreateFondsRequest body, HttpContext http, RecordsRepository repo, TimeProvider clock, CancellationToken ct) =>
        {
            var organId = body.OrganId?.Trim() ?? "";
            var (state, version) = organId.Length == 0 ? (FondsState.Initial, 0L) : await repo.LoadFondsAsync(organId, ct);
            var decision = FondsDecider.Decide(new OpenFonds(organId, body.Name ?? ""), state, RecordsRepository.Context(http, clock));
            if (decision.IsRejected) return RecordsHttp.Problem(decision.Rejection!);
            try
            {
                var result = await repo.AppendAsync(RecordsRepository.FondsStream(organId), ExpectedVersion.NoStream, decision.Events, http, body.Reason, ct);
                state = decision.Events.Aggregate(state, FondsDecider.Evolve);
                http.Response.SetETag(result.NextExpectedVersion);
                return TypedResults.Created($"/api/v1/fonds/{organId}", ToResponse(state, result.NextExpectedVersion));
            }
            catch (ConcurrencyException)
            {
                return RecordsHttp.Conflict409Exists(new Text("Phông đã được mở.", "The fonds already exists."));
            }
        }).Idempotent().RequireAuthorization(Policies.RecordsWriters);

        group.MapGet("/{organId}", async Task<IResult> (string organId, HttpContext http, RecordsRepository repo, CancellationToken ct) =>
        {
            var (state, version) = await repo.LoadFondsAsync(organId, ct);
            if (state.Status == FondsStatus.None) return ApiProblems.NotFound(new Text("Không có phông này.", "No such fonds."));
            http.Response.SetETag(version);
            return TypedResults.Ok(ToResponse(state, version));
        }).RequireAuthorization(Policies.AnyRole);

        group.MapGet("/", async Task<IResult> (RecordsRepository repo, CancellationToken ct) =>
        {
            var loaded = await repo.LoadManyAsync(await repo.StreamsOfTypeAsync("fonds", ct), FondsState.Initial, FondsDecider.Evolve, ct);
            return TypedResults.Ok(loaded.Where(x => x.State.Status != FondsStatus.None).Select(x => ToResponse(x.State, x.Version)).ToList());
        }).RequireAuthorization(Policies.AnyRole);

        group.MapPost("/{organId}/dossier-lists/{year:int}/entries", async Task<IResult> (string organId, int year, AddDossierListEntryRequest body,
            HttpContext http, RecordsRepository repo, TimeProvider clock, CancellationToken ct) =>
        {
            var (state, version) = await repo.LoadFondsAsync(organId, ct);
            if (state.Status == FondsStatus.None) return ApiProblems.NotFound(new Text("Không có phông này.", "No such fonds."));
            // Every failing field at once: retention parse errors together with the entry's field rules.
            var (retention, retentionErrors) = RetentionPeriod.FromCode("retention", body.RetentionCode, body.RetentionYears);
            var command = new AddDossierListEntry(year, body.FileNotation?.Trim() ?? "", body.Title ?? "", retention ?? RetentionPeriod.Permanent,
                body.Creator ?? "");
            var errors = retentionErrors.Concat(FondsValidation.Validate(command)).ToList();
            if (errors.Count > 0) return RecordsHttp.Validation(errors);
            var decision = FondsDecider.Decide(command, state, RecordsRepository.Context(http, clock));
            if (decision.IsRejected) return RecordsHttp.Problem(decision.Rejection!);
            try
            {
                var result = await repo.AppendAsync(RecordsRepository.FondsStream(organId), ExpectedVersion.Exactly(version), decision.Events, http, body.Reason, ct);
                state = decision.Events.Aggregate(state, FondsDecider.Evolve);
                http.Response.SetETag(result.NextExpectedVersion);
                return TypedResults.Created($"/api/v1/fonds/{organId}/dossier-lists/{year}", ToResponse(state, year, result.NextExpectedVersion));
            }
            catch (ConcurrencyException)
            {
                return ApiProblems.Conflict(new Text("Phông vừa được thay đổi, hãy thử lại.", "The fonds was changed meanwhile; try again."), "concurrency");
            }
        }).Idempotent().RequireAuthorization(Policies.RecordsWriters);

        group.MapGet("/{organId}/dossier-lists/{year:int}", async Task<IResult> (string organId, int year, HttpContext http, RecordsRepository repo, CancellationToken ct) =>
        {
            var (state, version) = await repo.LoadFondsAsync(organId, ct);
            if (state.Status == FondsStatus.None) return ApiProblems.NotFound(new Text("Không có phông này.", "No such fonds."));
            http.Response.SetETag(version);
            return TypedResults.Ok(ToResponse(state, year, version));
        }).RequireAuthorization(Policies.AnyRole);
        return routes;
    }

    private static DossierListResponse ToResponse(FondsState s, int year, long version) =>
        new(s.OrganId, year, version, s.DossierList(year).Select((e, i) => new DossierListEntryResponse(i + 1, e.FileNotation, e.Title,
            e.Retention.Code, e.Retention.Years, e.Retention.DisplayVi, e.Creator)).ToList());

    private static FondsResponse ToResponse(FondsState s, long version) =>
        new(s.OrganId, s.Name, s.Status.ToString().ToLowerInvariant(), version);
}
