using Archive.Api.Infrastructure.Auth;
using Archive.Api.Infrastructure.Problems;

namespace Archive.Api.Features.CodeLists;

/// <summary>TT 05/2025 code lists (danh mục mã), read-only, for any authenticated role.</summary>
public static class CodeListsApi
{
    public static IEndpointRouteBuilder MapCodeLists(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/code-lists").WithTags("Code lists").RequireAuthorization(Policies.AnyRole);
        group.MapGet("/", () => TypedResults.Ok(Domain.CodeLists.CodeLists.All));
        group.MapGet("/{id}", IResult (string id) => Domain.CodeLists.CodeLists.ById(id) is { } list
            ? TypedResults.Ok(list)
            : ApiProblems.NotFound(new Text($"Không có danh mục '{id}'.", $"No code list '{id}'.")));
        return routes;
    }
}
