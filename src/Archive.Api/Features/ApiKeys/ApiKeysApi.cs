using Archive.Api.Infrastructure.Auth;
using Archive.Api.Infrastructure.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Archive.Api.Hosting.OpenApi;
using System.ComponentModel.DataAnnotations;

namespace Archive.Api.Features.ApiKeys;

/// <summary>API key administration (quản lý khóa truy cập); admin only.</summary>
public static class ApiKeysApi
{
    private static readonly Dictionary<string, OperationDoc> Docs = new()
    {
        ["POST /api/v1/api-keys"] = new("Tạo khóa API", "Create an API key",
            "Tạo khóa cho một vai trò; khóa chỉ hiện một lần trong câu trả lời.", "Creates a key for one role; the key is shown once, in this answer.")
            { Status = 201, Returns = typeof(CreatedKeyResponse), Example = """{"name":"Cổng dịch vụ công","role":"api-client"}""" },
        ["GET /api/v1/api-keys"] = new("Danh sách khóa API", "List API keys", "Các khóa (không có bí mật).", "The keys (never their secrets).")
            { Returns = typeof(List<ApiKeyInfo>) },
        ["DELETE /api/v1/api-keys/{id}"] = new("Thu hồi khóa API", "Revoke an API key", "Thu hồi khóa; lần dùng sau trả 401.", "Revokes the key; its next use answers 401.")
            { Status = 204 },
    };

    public sealed record CreateApiKey([property: Required] string? Name, [property: Required] string? Role, bool ClearedForSecret = false);
    public sealed record CreatedKeyResponse(ApiKeyInfo Info, string Key);

    public static IEndpointRouteBuilder MapApiKeys(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/api-keys").WithTags("ApiKeys").RequireAuthorization(Policies.Admin).Describe(Docs);

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
