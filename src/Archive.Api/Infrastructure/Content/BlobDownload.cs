using Archive.Api.Infrastructure.Access;
using Microsoft.Net.Http.Headers;

namespace Archive.Api.Infrastructure.Content;

/// <summary>
/// Serves a blob's exact bytes with <c>ETag</c> = its SHA-256, single <c>Range</c> (206) and
/// <c>If-None-Match</c> (304), and records the download in the access log. Features call
/// <see cref="ServeAsync"/> after their own access checks.
/// </summary>
public static class BlobDownload
{
    public static async Task<IResult?> ServeAsync(HttpContext http, IContentStore store, AccessLog log,
        string sha256, string resourceKind, string resourceId, string? downloadName = null, CancellationToken ct = default)
    {
        var info = await store.GetInfoAsync(sha256, ct);
        var stream = info is null ? null : await store.OpenReadAsync(sha256, ct);
        if (info is null || stream is null) return null;
        var etag = new EntityTagHeaderValue($"\"{sha256}\"");
        var status = IsNotModified(http.Request, etag) ? 304 : http.Request.Headers.Range.Count > 0 ? 206 : 200;
        await log.RecordAsync(http, AccessActions.Download, resourceKind, resourceId, status, ct);
        // Content never changes under a hash, so caches may keep it; private because access is per caller.
        http.Response.Headers.CacheControl = "private, max-age=31536000, immutable";
        return TypedResults.Stream(stream, info.MediaType, downloadName, info.StoredAt, etag, enableRangeProcessing: true);
    }

    private static bool IsNotModified(HttpRequest request, EntityTagHeaderValue etag)
    {
        var values = request.GetTypedHeaders().IfNoneMatch;
        return values.Any(v => v.Equals(EntityTagHeaderValue.Any) || v.Compare(etag, useStrongComparison: false));
    }
}
