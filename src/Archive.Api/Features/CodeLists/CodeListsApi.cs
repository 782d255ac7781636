using Archive.Api.Infrastructure.Auth;
using Archive.Api.Infrastructure.Problems;
using Archive.Api.Hosting.OpenApi;

namespace Archive.Api.Features.CodeLists;

/// <summary>TT 05/2025 code lists (danh mục mã), read-only, for any authenticated role.</summary>
public static class CodeListsApi
{
    private static readonly Dictionary<string, OperationDoc> Docs = new()
    {
        ["GET /api/v1/code-lists"] = new("Các danh mục mã", "Code lists",
            "Mọi danh mục mã dùng trong thông tin mô tả (TT 05/2025): thời hạn bảo quản, chế độ sử dụng, loại văn bản...",
            "Every code list used in the metadata (TT 05/2025): retention, access regimes, document types…") { Returns = typeof(IReadOnlyList<Domain.CodeLists.CodeList>) },
        ["GET /api/v1/code-lists/{id}"] = new("Một danh mục mã", "One code list", "Một danh mục mã theo mã danh mục.", "One code list by its id.")
            { Returns = typeof(Domain.CodeLists.CodeList) },
    };

    public static IEndpointRouteBuilder MapCodeLists(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/code-lists").WithTags("Code lists").RequireAuthorization(Policies.AnyRole).Describe(Docs);
        group.MapGet("/", () => TypedResults.Ok(Domain.CodeLists.CodeLists.All));
        group.MapGet("/{id}", IResult (string id) => Domain.CodeLists.CodeLists.ById(id) is { } list
            ? TypedResults.Ok(list)
            : ApiProblems.NotFound(new Text($"Không có danh mục '{id}'.", $"No code list '{id}'.")));
        return routes;
    }
}
