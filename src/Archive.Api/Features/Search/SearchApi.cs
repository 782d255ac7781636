using System.Security.Claims;
using Archive.Api.Features.Records;
using Archive.Api.Infrastructure.Auth;
using Archive.Domain.Documents;
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
            "Tìm không dấu trên phông, hồ sơ, tài liệu (cả trong văn bản nhận dạng từ trang quét, kèm số trang và đoạn trích có đánh dấu) với bộ lọc (loại, phông, năm, thời hạn, chế độ sử dụng, loại văn bản, ngày); phân trang bằng con trỏ. Chỉ mục cập nhật bất đồng bộ (thường dưới 100 ms).",
            "Diacritic-insensitive search over fonds, dossiers and documents (also in the recognised text of scanned pages, with the page and a marked snippet) with filters (kind, fonds, year, retention, access, document type, dates); cursor paging. The index is updated asynchronously (usually within 100 ms).")
            { Returns = typeof(SearchPage) },
    };

    public static IEndpointRouteBuilder MapSearch(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/search").WithTags("Search").RequireAuthorization(Policies.AnyRole).Describe(Docs);

        group.MapGet("/", async Task<Results<Ok<SearchPage>, ProblemHttpResult>> (
            string? q, string? kind, string? fonds, int? year, string? retention, string? access, string? documentType,
            DateOnly? from, DateOnly? to, bool? warnings, string? cursor, int? limit,
            SearchIndex index, RecordsRepository repo, HttpContext http, CancellationToken ct) =>
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
            return TypedResults.Ok(await RunAsync(index, repo, query, http.User, cursor, limit ?? 50, ct));
        });
        return routes;
    }

    /// <summary>
    /// Runs a search; a document found in its recognised page text is shown only when its own events (never the read model)
    /// say it is registered and readable by <paramref name="caller"/>, as the page search decides.
    /// </summary>
    public static async Task<SearchPage> RunAsync(SearchIndex index, RecordsRepository repo, SearchQuery query, ClaimsPrincipal caller,
        string? cursor, int limit, CancellationToken ct)
    {
        var page = await index.QueryAsync(query, caller, cursor, limit, ct);
        var ocr = page.Items.Where(h => h.PageMatch is not null).Select(h => h.Id).ToList();
        if (ocr.Count == 0) return page;
        var docs = await repo.LoadManyAsync(ocr.Select(RecordsRepository.DocumentStream).ToList(), DocumentState.Initial, DocumentDecider.Evolve, ct);
        var hidden = ocr.Where((id, i) => docs[i].State.Status != DocumentStatus.Registered || !RecordsHttp.MayRead(caller, docs[i].State.Metadata?.AccessMode))
            .ToHashSet();
        return hidden.Count == 0 ? page : page with { Items = [.. page.Items.Where(h => !hidden.Contains(h.Id))] };
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
