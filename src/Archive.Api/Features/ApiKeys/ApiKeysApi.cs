using Archive.Api.Infrastructure.Auth;
using Archive.Api.Infrastructure.Problems;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Archive.Api.Features.ApiKeys;

/// <summary>API key administration (quản lý khóa truy cập); admin only.</summary>
public static class ApiKeysApi
{
    public sealed record CreateApiKey(string? Name, string? Role, bool ClearedForSecret = false);
    public sealed record CreatedKeyResponse(ApiKeyInfo Info, string Key);

    public static IEndpointRouteBuilder MapApiKeys(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/api-keys").WithTags("ApiKeys").RequireAuthorization(Policies.Admin);

        group.MapPost("/", async Task<Results<Created<CreatedKeyResponse>, ProblemHttpResult>> (
            CreateApiKey body, ApiKeyStore keys, HttpContext http, CancellationToken ct) =>
        {
            var v = new ValidationProblemBuilder().Required("name", body.Name).MaxLength("name", body.Name, 200)
                .Required("role", body.Role).OneOf("role", body.Role, [.. Roles.All]);
            if (v.HasErrors) return v.ToResult();
            var created = await keys.CreateAsync(body.Name!.Trim(), body.Role!, body.ClearedForSecret, http.User.CallerId(), ct);
            return TypedResults.Created($"/api/v1/api-keys/{created.Info.Id}", new CreatedKeyResponse(created.Info, created.Key));
        });
        // Deliberately not Idempotent(): replaying would mean storing the plaintext key in the idempotency table.

        group.MapGet("/", async (ApiKeyStore keys, CancellationToken ct) => TypedResults.Ok(await keys.ListAsync(ct)));

        group.MapDelete("/{id}", async Task<Results<NoContent, ProblemHttpResult>> (string id, ApiKeyStore keys, CancellationToken ct) =>
            await keys.RevokeAsync(id, ct) ? TypedResults.NoContent()
                : ApiProblems.NotFound(new Text("Không có khóa đang hoạt động với mã này.", "No active key with this id.")));
        return routes;
    }
}
