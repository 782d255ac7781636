using Archive.Api.Features.Records;
using Archive.Api.Infrastructure.Auth;
using Archive.Api.Infrastructure.Concurrency;
using Archive.Api.Infrastructure.Idempotency;
using Archive.Api.Infrastructure.Problems;
using Archive.Domain.Fonds;
using Archive.EventStore;

namespace Archive.Api.Features.Fonds;

/// <summary>Phông lưu trữ (fonds): one per organisation, identified by its organisation id.</summary>
public static class FondsApi
{
    public sealed record CreateFondsRequest(string? OrganId, string? Name, string? Reason);

    public sealed record FondsResponse(string OrganId, string Name, string Status, long Version);

    public static IEndpointRouteBuilder MapFonds(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/fonds").WithTags("Fonds");

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
            var list = new List<FondsResponse>();
            foreach (var stream in await repo.StreamsOfTypeAsync("fonds", ct))
            {
                var (state, version) = await repo.LoadFondsAsync(stream["fonds-".Length..], ct);
                if (state.Status != FondsStatus.None) list.Add(ToResponse(state, version));
            }
            return TypedResults.Ok(list);
        }).RequireAuthorization(Policies.AnyRole);
        return routes;
    }

    private static FondsResponse ToResponse(FondsState s, long version) =>
        new(s.OrganId, s.Name, s.Status.ToString().ToLowerInvariant(), version);
}
