using Archive.Api.Infrastructure.Auth;
using Archive.Api.Infrastructure.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using AccessLogStore = Archive.Api.Infrastructure.Access.AccessLog;
using Archive.Api.Hosting.OpenApi;

namespace Archive.Api.Features.AccessHistory;

/// <summary>Reading the access and use history (NĐ 30/2020 Phụ lục VI III.6.l); auditors and admins.</summary>
public static class AccessHistoryApi
{
    private static readonly Dictionary<string, OperationDoc> Docs = new()
    {
        ["GET /api/v1/access-log"] = new("Nhật ký khai thác", "Access log",
            "Ai đã xem, tải, sao tài liệu nào, khi nào, với mục đích gì (lọc theo loại và mã bản ghi).",
            "Who viewed, downloaded or copied which record, when and for what purpose (filter by record kind and id).")
            { Returns = typeof(List<Infrastructure.Access.AccessLogEntry>) },
    };

    public static IEndpointRouteBuilder MapAccessHistory(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/access-log").WithTags("AccessLog").RequireAuthorization(Policies.Auditors).Describe(Docs);
        group.MapGet("/", async Task<Results<Ok<IReadOnlyList<Infrastructure.Access.AccessLogEntry>>, ProblemHttpResult>> (
            string? resourceKind, string? resourceId, int? limit, HttpContext http, AccessLogStore log, CancellationToken ct) =>
        {
            if (limit is < 1 or > 1000)
                return new ValidationProblemBuilder().Add("limit", "out-of-range", "limit phải từ 1 đến 1000.", "limit must be 1 to 1000.").ToResult();
            return TypedResults.Ok(await log.ListAsync(resourceKind, resourceId, limit ?? 100, http.User.IsClearedForSecret(), ct));
        });
        return routes;
    }
}
