using System.Text;
using System.Text.Json.Nodes;
using Archive.Api.Infrastructure.Auth;
using Archive.Api.Infrastructure.Concurrency;
using Archive.Api.Infrastructure.Idempotency;
using Archive.Api.Infrastructure.Problems;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Archive.Api.Hosting.OpenApi;

/// <summary>
/// Fills every operation from its endpoint's metadata, so no endpoint repeats it: the bilingual summary and description
/// (<see cref="OperationDoc"/>) with the roles read from the authorization metadata, the problem+json responses the
/// archive's infrastructure can answer (401/403 for any keyed endpoint, 400 for any input, 404 for any path parameter,
/// 409/422 for Idempotency-Key, 412/428 for If-Match, 413/415 for uploads, 500 for all), the If-Match, Idempotency-Key
/// and X-Reason headers, the file body of uploads (raw bytes or multipart/form-data), and request examples.
/// </summary>
internal sealed class ArchiveOperationTransformer : IOpenApiOperationTransformer
{
    public static readonly string[] UploadMediaTypes = ["application/pdf", "image/jpeg", "image/png", "image/tiff", "application/octet-stream"];
    public const string MultipartFormData = "multipart/form-data";
    public const string ProblemMediaType = "application/problem+json";

    public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var method = context.Description.HttpMethod ?? "GET";
        var path = "/" + (context.Description.RelativePath ?? "");
        var anonymous = metadata.OfType<IAllowAnonymous>().Any();
        var roles = anonymous ? [] : await RolesAsync(metadata, context.ApplicationServices);
        var ifMatch = metadata.OfType<IfMatchMetadata>().Any();
        var idempotent = metadata.OfType<IdempotentMetadata>().Any();
        var upload = metadata.OfType<FileUploadMetadata>().Any();
        var doc = metadata.OfType<OperationDoc>().LastOrDefault();

        operation.OperationId ??= OperationId(method, path);
        if (doc is not null)
        {
            operation.Summary = $"{doc.SummaryVi} / {doc.SummaryEn}";
            var rolesLine = anonymous ? "Vai trò / Roles: không cần khóa API / none, no API key needed." : $"Vai trò / Roles: {string.Join(", ", roles)}.";
            operation.Description = $"{doc.DescriptionVi}\n\n{doc.DescriptionEn}\n\n{rolesLine}";
        }
        if (anonymous) operation.Security = [];

        operation.Parameters ??= [];
        if (ifMatch) AddHeader(operation, "If-Match", true, "ETag của phiên bản đã đọc (\"2\") / ETag of the version read (\"2\")", "\"2\"");
        if (idempotent) AddHeader(operation, IdempotencyExtensions.Header, false,
            "Gửi lại cùng khóa thì nhận lại cùng kết quả / Retrying with the same key replays the first answer", "open-02-VP");
        if (!anonymous && !HttpMethods.IsGet(method))
            AddHeader(operation, Features.Records.RecordsRepository.ReasonHeader, false, "Lý do (ghi vào sự kiện) / Reason (recorded in the event)", null);

        if (doc?.LogsPurpose == true)
        {
            if (!operation.Parameters.Any(p => p.In == ParameterLocation.Query && p.Name == "purpose"))
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = "purpose", In = ParameterLocation.Query, Required = false, Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                    Description = "Mục đích khai thác, ghi vào nhật ký / Purpose of the access, written to the access log",
                });
            AddHeader(operation, "X-Purpose", false, "Mục đích khai thác (thay cho purpose) / Purpose of the access (instead of purpose)", null);
        }
        if (upload) operation.RequestBody = FileBody();
        SimplifyOptionalBody(operation);
        if (doc?.Example is { } example && operation.RequestBody?.Content?.TryGetValue("application/json", out var json) == true)
            json.Example = JsonNode.Parse(example);

        operation.Responses ??= new OpenApiResponses();
        var statuses = new SortedSet<int> { 500 };
        if (!anonymous) { statuses.Add(401); statuses.Add(403); }
        if (operation.Parameters.Count > 0 || operation.RequestBody is not null) statuses.Add(400);
        if (path.Contains('{')) statuses.Add(404);
        if (idempotent) { statuses.Add(409); statuses.Add(422); }
        if (ifMatch) { statuses.Add(412); statuses.Add(428); }
        if (upload) { statuses.Add(413); statuses.Add(415); }
        foreach (var key in operation.Responses.Keys)
            if (int.TryParse(key, out var s) && s >= 400) statuses.Add(s);
        var problem = new OpenApiSchemaReference(ArchiveDocumentTransformer.ProblemSchema, context.Document);
        foreach (var status in statuses)
        {
            var title = ApiProblems.TitleFor(status);
            operation.Responses[status.ToString()] = new OpenApiResponse
            {
                Description = $"{title.Vi} / {title.En} (RFC 9457)",
                Content = new Dictionary<string, OpenApiMediaType> { [ProblemMediaType] = new() { Schema = problem } },
            };
        }
        // Bodies in other media types (files, CSV, HTML, PDF reports) beside or instead of JSON.
        if (doc is not null && operation.Responses.TryGetValue(doc.Status.ToString(), out var success) && success is OpenApiResponse ok)
        {
            ok.Content ??= new Dictionary<string, OpenApiMediaType>();
            foreach (var mediaType in doc.AlsoAs.Concat(doc.ContentType is { } c ? [c] : []).Where(m => !ok.Content.ContainsKey(m)))
                ok.Content[mediaType] = new OpenApiMediaType
                {
                    Schema = mediaType.StartsWith("text/", StringComparison.Ordinal) || mediaType.EndsWith("jsonl", StringComparison.Ordinal)
                        ? new OpenApiSchema { Type = JsonSchemaType.String }
                        : new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" },
                };
        }
        // Other success statuses carry the main one's body (a 200 beside a 201, a 206 range), except the bodiless 204 and 304.
        if (doc is not null && operation.Responses.TryGetValue(doc.Status.ToString(), out var main))
            foreach (var status in doc.AlsoReturns.Where(s => !operation.Responses.ContainsKey(s.ToString())))
                operation.Responses[status.ToString()] = status is 204 or 304 ? new OpenApiResponse()
                    : new OpenApiResponse { Content = main.Content?.ToDictionary(m => m.Key, m => new OpenApiMediaType { Schema = m.Value.Schema }) };
        foreach (var (key, response) in operation.Responses)
        {
            if (!int.TryParse(key, out var s) || s >= 400 || response is not OpenApiResponse r) continue;
            if (string.IsNullOrEmpty(r.Description) || r.Description.Length < 25)
                r.Description = SuccessDescription(s);
            // Files and streams without a declared type are bytes.
            foreach (var (mediaType, content) in r.Content ?? new Dictionary<string, OpenApiMediaType>())
                if (content.Schema is null && !mediaType.Contains("json", StringComparison.OrdinalIgnoreCase))
                    content.Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" };
        }
    }

    private static string SuccessDescription(int status) => status switch
    {
        200 => "Thành công / OK",
        201 => "Đã tạo; Location chỉ tới bản ghi mới / Created; Location names the new resource",
        204 => "Thành công, không có nội dung / Done, no content",
        206 => "Một phần nội dung theo Range / Partial content for the Range asked",
        304 => "Không thay đổi (If-None-Match) / Not modified (If-None-Match)",
        _ => $"HTTP {status}",
    };

    private static OpenApiRequestBody FileBody()
    {
        var binary = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" };
        var content = UploadMediaTypes.ToDictionary(m => m, _ => new OpenApiMediaType { Schema = binary });
        content[MultipartFormData] = new OpenApiMediaType
        {
            Schema = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Required = new HashSet<string> { "file" },
                Properties = new Dictionary<string, IOpenApiSchema>
                {
                    ["file"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary", Description = "Tệp / The file" },
                },
            },
            Encoding = new Dictionary<string, OpenApiEncoding> { ["file"] = new() { ContentType = string.Join(", ", UploadMediaTypes) } },
        };
        return new OpenApiRequestBody
        {
            Required = true,
            Description = "Tệp: nội dung thô (kiểu được nhận dạng từ các byte) hoặc một phần tệp multipart/form-data. "
                + "/ The file: raw bytes (the type is recognised from the bytes) or one file part of multipart/form-data.",
            Content = content,
        };
    }

    /// <summary>An optional JSON body is documented as the object with <c>required: false</c>, not as oneOf null-or-object.</summary>
    private static void SimplifyOptionalBody(OpenApiOperation operation)
    {
        if (operation.RequestBody?.Content is not { } content) return;
        foreach (var media in content.Values)
            if (media.Schema is OpenApiSchema { OneOf: { Count: 2 } oneOf }
                && oneOf.FirstOrDefault(s => s is OpenApiSchema { Type: JsonSchemaType.Null }) is { } nullSchema)
            {
                media.Schema = oneOf.First(s => !ReferenceEquals(s, nullSchema));
                if (operation.RequestBody is OpenApiRequestBody body) body.Required = false;
            }
    }

    private static void AddHeader(OpenApiOperation operation, string name, bool required, string description, string? example)
    {
        if (operation.Parameters!.Any(p => p.In == ParameterLocation.Header && string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))) return;
        operation.Parameters!.Add(new OpenApiParameter
        {
            Name = name, In = ParameterLocation.Header, Required = required, Description = description,
            Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            Example = example is null ? null : JsonValue.Create(example),
        });
    }

    /// <summary>The roles an endpoint admits: the intersection of its policies' role requirements.</summary>
    internal static async Task<IReadOnlyList<string>> RolesAsync(IList<object> metadata, IServiceProvider services)
    {
        var provider = services.GetRequiredService<IAuthorizationPolicyProvider>();
        var policy = await AuthorizationPolicy.CombineAsync(provider, metadata.OfType<IAuthorizeData>(), metadata.OfType<AuthorizationPolicy>())
            ?? await provider.GetFallbackPolicyAsync();
        var sets = policy?.Requirements.OfType<RolesAuthorizationRequirement>().Select(r => r.AllowedRoles.ToHashSet()).ToList() ?? [];
        if (sets.Count == 0) return [];
        var roles = sets.Aggregate((a, b) => { a.IntersectWith(b); return a; });
        return Roles.All.Where(roles.Contains).ToList();
    }

    /// <summary>method + path words: POST /api/v1/documents/{id}/content → postDocumentsByIdContent.</summary>
    internal static string OperationId(string method, string path)
    {
        var id = new StringBuilder(method.ToLowerInvariant());
        foreach (var segment in path.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(s => s is not "api" and not "v1"))
        {
            var word = segment.StartsWith('{') ? "By" + Pascal(segment.Trim('{', '}').Split(':')[0]) : Pascal(segment);
            id.Append(word);
        }
        return id.ToString();
    }

    private static string Pascal(string s) =>
        string.Concat(s.Split(['-', '.', '_'], StringSplitOptions.RemoveEmptyEntries).Select(w => char.ToUpperInvariant(w[0]) + w[1..]));
}
