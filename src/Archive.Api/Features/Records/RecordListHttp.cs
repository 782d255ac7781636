using Archive.Api.Infrastructure.Auth;
using Archive.Api.Infrastructure.Problems;
using Archive.Api.Infrastructure.Search;

namespace Archive.Api.Features.Records;

/// <summary>The query parameters both record lists share, checked together so every bad one is reported at once.</summary>
public static class RecordListHttp
{
    public const int DefaultPageSize = 50;

    public static ValidationProblemBuilder Validate(int? year, string? access, string? cursor, int? limit)
    {
        var v = new ValidationProblemBuilder().OneOf("access", access, [.. AccessRegimes.All]);
        if (year is < 1900 or > 9999) v.Add("year", "out-of-range", "year phải từ 1900 đến 9999.", "year must be 1900 to 9999.");
        if (!SearchIndex.Cursor.IsValid(cursor)) v.Add("cursor", "invalid", "Con trỏ phân trang không hợp lệ.", "The paging cursor is invalid.");
        if (limit is < 1 or > RecordList.MaxPageSize)
            v.Add("limit", "out-of-range", $"limit phải từ 1 đến {RecordList.MaxPageSize}.", $"limit must be 1 to {RecordList.MaxPageSize}.");
        return v;
    }
}
