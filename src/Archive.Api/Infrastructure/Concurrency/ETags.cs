using Archive.Api.Infrastructure.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace Archive.Api.Infrastructure.Concurrency;

/// <summary>
/// Optimistic concurrency over HTTP: reads send <c>ETag: "&lt;version&gt;"</c>, updates must send
/// <c>If-Match</c> with it. Features call <see cref="RequireIfMatch{T}"/> on update endpoints and
/// read the version with <see cref="ExpectedVersion"/>; on a version clash they return
/// <see cref="Stale"/>.
/// </summary>
/// <summary>Marks an endpoint that requires If-Match (read by the OpenAPI transformer).</summary>
public sealed class IfMatchMetadata;

public static class ETags
{
    private const string ItemKey = "archive:expected-version";

    public static string For(long version) => $"\"{version}\"";

    public static void SetETag(this HttpResponse response, long version) => response.Headers.ETag = For(version);

    /// <summary>Parses <c>If-Match</c>; null when absent, -1 when present but not a version ETag.</summary>
    public static long? ParseIfMatch(HttpRequest request)
    {
        var raw = request.Headers.IfMatch.ToString();
        if (string.IsNullOrWhiteSpace(raw)) return null;
        if (!EntityTagHeaderValue.TryParse(raw.Trim(), out var tag) || tag.IsWeak) return -1;
        var inner = tag.Tag.ToString().Trim('"');
        return long.TryParse(inner, out var v) && v >= 0 ? v : -1;
    }

    /// <summary>428 when If-Match is missing, 400 when it is not a version; else stores the version for the handler.</summary>
    public static TBuilder RequireIfMatch<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new IfMatchMetadata()).AddEndpointFilter(async (ctx, next) =>
        {
            var version = ParseIfMatch(ctx.HttpContext.Request);
            if (version is null)
                return ApiProblems.Result(428, ApiProblems.TitleFor(428),
                    new Text("Cần gửi tiêu đề If-Match với ETag của phiên bản đã đọc.", "Send If-Match with the ETag of the version you read."), "if-match-required");
            if (version < 0)
                return ApiProblems.Result(400, ApiProblems.TitleFor(400),
                    new Text("Tiêu đề If-Match không hợp lệ.", "The If-Match header is not a valid version ETag."), "if-match-invalid");
            ctx.HttpContext.Items[ItemKey] = version.Value;
            return await next(ctx);
        });

    /// <summary>The version from If-Match, validated by <see cref="RequireIfMatch{T}"/>.</summary>
    public static long ExpectedVersion(this HttpContext http) =>
        http.Items.TryGetValue(ItemKey, out var v) && v is long l ? l
            : throw new InvalidOperationException("RequireIfMatch() is not applied to this endpoint.");

    /// <summary>412 with the current ETag so the client can re-read.</summary>
    public static ProblemHttpResult Stale(HttpContext http, long currentVersion)
    {
        http.Response.SetETag(currentVersion);
        return ApiProblems.Result(412, ApiProblems.TitleFor(412),
            new Text("Bản ghi đã bị thay đổi bởi người khác; hãy đọc lại và thử lại.", "The record was changed by someone else; re-read and retry."), "stale-version");
    }
}
