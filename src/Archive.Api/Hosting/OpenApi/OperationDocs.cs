using System.Text.RegularExpressions;

namespace Archive.Api.Hosting.OpenApi;

/// <summary>
/// What the OpenAPI document says about one operation: summary and description in Vietnamese and English, the success
/// status and body type (<see cref="Returns"/> for JSON, <see cref="ContentType"/> for files), problems beyond the ones
/// the transformer derives from the endpoint (<see cref="Problems"/>), an example request body, and whether the body is
/// one uploaded file.
/// </summary>
public sealed record OperationDoc(string SummaryVi, string SummaryEn, string DescriptionVi, string DescriptionEn)
{
    public int Status { get; init; } = 200;
    public Type? Returns { get; init; }
    public string? ContentType { get; init; }
    /// <summary>Other media types the success body comes in, chosen by Accept or a format parameter (CSV, HTML, PDF...).</summary>
    public string[] AlsoAs { get; init; } = [];
    /// <summary>Other success statuses (e.g. 206 and 304 of downloads, 200 beside 201), with the same body unless 204 or 304.</summary>
    public int[] AlsoReturns { get; init; } = [];
    public int[] Problems { get; init; } = [];
    public string? Example { get; init; }
    public bool Upload { get; init; }
    /// <summary>The access is written to the access log with the caller's purpose (<c>purpose</c> query or <c>X-Purpose</c> header).</summary>
    public bool LogsPurpose { get; init; }
}

/// <summary>
/// The request body is one file: the raw bytes (PDF, JPEG, PNG, TIFF or any type, sniffed from the bytes) or one file
/// part of <c>multipart/form-data</c>. Documentation only: it is not <c>IAcceptsMetadata</c>, because a routing-level
/// 415 endpoint would carry no roles and fall to the admin-only fallback policy.
/// </summary>
public sealed class FileUploadMetadata;

public static class OperationDocExtensions
{
    /// <summary>
    /// Documents the operations of a route group (or one endpoint) from a table keyed by "METHOD /route" (route
    /// constraints and trailing slashes left out), set once per group. An operation missing from the table keeps no
    /// summary, which the OpenAPI tests report.
    /// </summary>
    public static TBuilder Describe<TBuilder>(this TBuilder builder, IReadOnlyDictionary<string, OperationDoc> docs)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.Finally(endpoint =>
        {
            if (endpoint is not RouteEndpointBuilder route) return;
            var method = endpoint.Metadata.OfType<HttpMethodMetadata>().FirstOrDefault()?.HttpMethods.FirstOrDefault() ?? "GET";
            if (!docs.TryGetValue($"{method} {Normalize(route.RoutePattern.RawText ?? "")}", out var doc)) return;
            endpoint.Metadata.Add(doc);
            if (doc.Upload) endpoint.Metadata.Add(new FileUploadMetadata());
            endpoint.Metadata.Add(new ProducesResponseTypeMetadata(doc.Status, doc.Returns,
                doc.ContentType is { } c ? [c] : doc.Returns is null ? [] : ["application/json"]));
            foreach (var status in doc.Problems)
                endpoint.Metadata.Add(new ProducesResponseTypeMetadata(status, typeof(Microsoft.AspNetCore.Mvc.ProblemDetails), ["application/problem+json"]));
        });
        return builder;
    }

    /// <summary>"/api/v1/fonds/{organId}/dossier-lists/{year:int}/" → "/api/v1/fonds/{organId}/dossier-lists/{year}".</summary>
    public static string Normalize(string pattern)
    {
        var path = Regex.Replace(pattern, @"\{([^}:=?]+)[^}]*\}", "{$1}").TrimEnd('/');
        return path.StartsWith('/') ? path : "/" + path;
    }
}
