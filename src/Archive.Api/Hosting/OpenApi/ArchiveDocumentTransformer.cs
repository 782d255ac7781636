using Archive.Api.Infrastructure.Auth;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Archive.Api.Hosting.OpenApi;

/// <summary>
/// The document as a whole: bilingual info and tag descriptions, the X-Api-Key scheme required by default, the archive's
/// problem+json schema (RFC 9457 with the bilingual fields and field errors), and the serving host as its only server ("/"):
/// the document is the same wherever it is served (a test compares it with the checked-in copy); clients give their base address.
/// </summary>
internal sealed class ArchiveDocumentTransformer : IOpenApiDocumentTransformer
{
    public const string ProblemSchema = "Problem";

    private static readonly Dictionary<string, string> TagDescriptions = new()
    {
        ["Health"] = "Tình trạng dịch vụ và cơ sở dữ liệu / Service and database health",
        ["ApiKeys"] = "Khóa API và vai trò / API keys and their roles",
        ["Blobs"] = "Tệp nội dung thô cho quản trị / Raw content for administrators",
        ["Search"] = "Tìm kiếm không dấu trên hồ sơ, tài liệu, phông / Diacritic-insensitive search over records",
        ["SavedSearches"] = "Tìm kiếm đã lưu / Saved searches",
        ["AccessLog"] = "Nhật ký khai thác / Access log",
        ["Access alerts"] = "Cảnh báo đổi chế độ sử dụng / Access-regime change alerts",
        ["Fonds"] = "Phông lưu trữ và mục lục hồ sơ / Fonds and dossier lists",
        ["Dossiers"] = "Hồ sơ / Dossiers",
        ["Documents"] = "Tài liệu và tệp nội dung / Documents and their content",
        ["Code lists"] = "Danh mục mã (TT 05/2025) / Code lists",
        ["Retention"] = "Thời hạn bảo quản / Retention",
        ["Holds"] = "Tạm giữ, không được hủy / Holds that block destruction",
        ["Disposition"] = "Xem xét hủy và hủy tài liệu hết giá trị / Review and destruction",
        ["Audit"] = "Kiểm tra, dòng thời gian, tính toàn vẹn / Audit, timelines and integrity",
        ["Signatures"] = "Ký số và bản sao có xác thực / Signing and authenticated copies",
        ["Verifications"] = "Kiểm tra chữ ký số PDF / PDF signature validation",
    };

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken ct)
    {
        document.Info = new OpenApiInfo
        {
            Title = "Archive API",
            Version = "v1",
            Description = "Lưu trữ hồ sơ điện tử cho cơ quan nhà nước: phông, hồ sơ, tài liệu, ký số, bản sao, kiểm tra. "
                + "Mọi lỗi theo RFC 9457 (application/problem+json) bằng tiếng Việt và tiếng Anh.\n\n"
                + "Electronic records archive for public agencies: fonds, dossiers, documents, signing, copies, verification. "
                + "Every error is RFC 9457 problem+json in Vietnamese and English. Authenticate with the X-Api-Key header.",
            License = new OpenApiLicense { Name = "MIT", Identifier = "MIT" },
        };
        document.Servers = [new OpenApiServer { Url = "/", Description = "Máy chủ phục vụ tài liệu này / The server that serves this document" }];
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[ApiKeyAuthentication.Scheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = ApiKeyAuthentication.Header,
            Description = "Khóa API (quản trị tạo qua /api/v1/api-keys) / API key (admins create them at /api/v1/api-keys)",
        };
        document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyAuthentication.Scheme, document)] = [] }];
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        document.Components.Schemas[ProblemSchema] = Problem();
        // The framework's own problem schemas are replaced by Problem on every error response.
        document.Components.Schemas.Remove("ProblemDetails");
        document.Components.Schemas.Remove("HttpValidationProblemDetails");

        var used = (document.Paths ?? []).Values.SelectMany(p => p.Operations?.Values.AsEnumerable() ?? [])
            .SelectMany(o => o.Tags ?? new HashSet<OpenApiTagReference>()).Select(t => t.Name).OfType<string>().ToHashSet();
        document.Tags = new HashSet<OpenApiTag>(used.Order(StringComparer.Ordinal).Select(name => new OpenApiTag
        {
            Name = name, Description = TagDescriptions.GetValueOrDefault(name, name),
        }));
        return Task.CompletedTask;
    }

    private static OpenApiSchema Problem()
    {
        static OpenApiSchema Str(string description) => new() { Type = JsonSchemaType.String, Description = description };
        var fieldError = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Required = new HashSet<string> { "field", "code", "message_vi", "message_en" },
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["field"] = Str("Trường lỗi / The field in error"),
                ["code"] = Str("Mã lỗi ổn định / Stable error code"),
                ["message_vi"] = Str("Thông báo tiếng Việt"),
                ["message_en"] = Str("Message in English"),
            },
        };
        return new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "RFC 9457 problem+json; title/detail follow Accept-Language (Vietnamese unless English is asked for).",
            Required = new HashSet<string> { "type", "title", "status", "title_vi", "title_en" },
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["type"] = Str("URI of the problem type"),
                ["title"] = Str("Tiêu đề / Title"),
                ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32" },
                ["detail"] = Str("Chi tiết / Detail"),
                ["instance"] = Str("URI of this occurrence"),
                ["title_vi"] = Str("Tiêu đề tiếng Việt"),
                ["title_en"] = Str("Title in English"),
                ["detail_vi"] = Str("Chi tiết tiếng Việt"),
                ["detail_en"] = Str("Detail in English"),
                ["code"] = Str("Mã lỗi ổn định / Stable error code"),
                ["trace_id"] = Str("Mã truy vết / Trace id"),
                ["errors"] = new OpenApiSchema { Type = JsonSchemaType.Array, Items = fieldError, Description = "Lỗi từng trường / Field errors" },
            },
        };
    }
}
