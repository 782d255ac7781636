using Archive.Api.Infrastructure.Auth;
using Archive.Api.Infrastructure.Problems;
using Archive.Api.Infrastructure.Search;
using Microsoft.AspNetCore.Http.HttpResults;
using Archive.Api.Hosting.OpenApi;

namespace Archive.Api.Features.Search;

/// <summary>Full-text and filtered search (tra cứu) over fonds, dossiers and documents.</summary>
public static class SearchApi
{
    private static readonly Dictionary<string, OperationDoc> Docs = new()
    {
        ["GET /api/v1/search"] = new("Tìm kiếm", "Search",
            "Tìm không dấu trên phông, hồ sơ, tài liệu với bộ lọc (loại, phông, năm, thời hạn, chế độ sử dụng, loại văn bản, ngày); phân trang bằng con trỏ. Chỉ mục cập nhật bất đồng bộ (thường dưới 100 ms).",
            "Diacritic-insensitive search over fonds, dossiers and documents with filters (kind, fonds, year, retention, access, document type, dates); cursor paging. The index is updated asynchronously (usually within 100 ms).")
            { Returns = typeof(SearchPage) },
    };

    public static IEndpointRouteBuilder MapSearch(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/search").WithTags("Search").RequireAuthorization(Policies.AnyRole).Describe(Docs);

        group.MapGet("/", async Task<Results<Ok<SearchPage>, ProblemHttpResult>> (
            string? q, string? kind, string? fonds, int? year, string? retention, string? access, string? documentType,
            DateOnly? from, DateOnly? to, bool? warnings, string? cursor, int? limit,
            SearchIndex index, HttpContext http, CancellationToken ct) =>
        {
            var query = new SearchQuery
            {
                Text = q, Kind = kind, FondsId = fonds, Year = year, RetentionCode = retention, AccessRegime = access,
                DocumentType = documentType, DateFrom = from, DateTo = to, HasDigitizationWarnings = warnings,
            };
            var v = Validate(query);
            if (!SearchIndex.Cursor.IsValid(cursor))
                v.Add("cursor", "invalid", "Con trỏ phân trang không hợp lệ.", "The paging cursor is invalid.");
            if (limit is < 1 or > SearchIndex.MaxPageSize)
                v.Add("limit", "out-of-range", $"limit phải từ 1 đến {SearchIndex.MaxPageSize}.", $"limit must be 1 to {SearchIndex.MaxPageSize}.");
            if (v.HasErrors) return v.ToResult();
            return TypedResults.Ok(await index.QueryAsync(query, http.User, cursor, limit ?? 50, ct));
        });
        return routes;
    }

    /// <summary>Shared with saved searches so a stored query is always runnable.</summary>
    public static ValidationProblemBuilder Validate(SearchQuery q)
    {
        var v = new ValidationProblemBuilder().MaxLength("q", q.Text, 500).OneOf("kind", q.Kind, [.. RecordKinds.All])
            .OneOf("access", q.AccessRegime, [.. AccessRegimes.All]);
        if (q.DateFrom is { } f && q.DateTo is { } t && f > t)
            v.Add("from", "range", "Ngày bắt đầu phải trước ngày kết thúc.", "'from' must not be after 'to'.");
        return v;
    }
}
