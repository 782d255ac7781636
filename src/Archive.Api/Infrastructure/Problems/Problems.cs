using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Archive.Api.Infrastructure.Problems;

/// <summary>A text in Vietnamese (default) and English.</summary>
public sealed record Text(string Vi, string En);

/// <summary>One field-level error (lỗi trường dữ liệu), bilingual.</summary>
public sealed record FieldError(
    [property: JsonPropertyName("field")] string Field,
    [property: JsonPropertyName("code")] string Code,
    [property: JsonPropertyName("message_vi")] string MessageVi,
    [property: JsonPropertyName("message_en")] string MessageEn);

/// <summary>
/// RFC 9457 problem+json with bilingual title/detail. <c>title</c>/<c>detail</c> follow
/// Accept-Language (Vietnamese unless English is asked for); <c>title_vi</c>, <c>title_en</c>,
/// <c>detail_vi</c>, <c>detail_en</c> are always present so clients can pick.
/// </summary>
public static class ApiProblems
{
    public static ProblemDetails Details(int status, Text title, Text? detail = null, string? code = null)
    {
        var p = new ProblemDetails { Status = status, Title = title.Vi, Detail = detail?.Vi, Type = TypeFor(status) };
        p.Extensions["title_vi"] = title.Vi;
        p.Extensions["title_en"] = title.En;
        if (detail is not null)
        {
            p.Extensions["detail_vi"] = detail.Vi;
            p.Extensions["detail_en"] = detail.En;
        }
        if (code is not null) p.Extensions["code"] = code;
        return p;
    }

    public static ProblemHttpResult Result(int status, Text title, Text? detail = null, string? code = null) =>
        TypedResults.Problem(Details(status, title, detail, code));

    public static ProblemHttpResult Validation(IEnumerable<FieldError> errors)
    {
        var p = Details(StatusCodes.Status400BadRequest,
            new Text("Dữ liệu không hợp lệ", "Invalid data"),
            new Text("Một hoặc nhiều trường không hợp lệ.", "One or more fields are invalid."), "validation");
        p.Extensions["errors"] = errors.ToList();
        return TypedResults.Problem(p);
    }

    public static ProblemHttpResult NotFound(Text? detail = null) =>
        Result(404, new Text("Không tìm thấy", "Not found"), detail, "not-found");

    public static ProblemHttpResult Conflict(Text detail, string code = "conflict") =>
        Result(409, new Text("Xung đột", "Conflict"), detail, code);

    public static string TypeFor(int status) => status switch
    {
        400 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.1",
        401 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.2",
        403 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.4",
        404 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.5",
        409 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.10",
        412 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.13",
        413 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.14",
        415 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.16",
        422 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.21",
        428 => "https://www.rfc-editor.org/rfc/rfc6585#section-3",
        503 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.6.4",
        _ => "https://www.rfc-editor.org/rfc/rfc9110#section-15.6.1",
    };

    /// <summary>Default bilingual titles for bare status codes (401/403/404/405...).</summary>
    public static Text TitleFor(int status) => status switch
    {
        400 => new("Yêu cầu không hợp lệ", "Bad request"),
        401 => new("Chưa xác thực", "Unauthorized"),
        403 => new("Không có quyền truy cập", "Forbidden"),
        404 => new("Không tìm thấy", "Not found"),
        405 => new("Phương thức không được hỗ trợ", "Method not allowed"),
        409 => new("Xung đột", "Conflict"),
        412 => new("Phiên bản đã thay đổi", "Precondition failed"),
        413 => new("Nội dung quá lớn", "Content too large"),
        415 => new("Định dạng không được hỗ trợ", "Unsupported media type"),
        422 => new("Không thể xử lý yêu cầu", "Unprocessable content"),
        428 => new("Thiếu điều kiện If-Match", "Precondition required"),
        503 => new("Dịch vụ tạm thời không khả dụng", "Service unavailable"),
        _ when status >= 500 => new("Lỗi máy chủ", "Server error"),
        _ => new("Lỗi", "Error"),
    };
}

/// <summary>
/// Collects field errors for a feature's validation; call <see cref="ToResult"/> when
/// <see cref="HasErrors"/>.
/// </summary>
public sealed class ValidationProblemBuilder
{
    private readonly List<FieldError> _errors = [];
    public bool HasErrors => _errors.Count > 0;
    public IReadOnlyList<FieldError> Errors => _errors;

    public ValidationProblemBuilder Add(string field, string code, string messageVi, string messageEn)
    {
        _errors.Add(new FieldError(field, code, messageVi, messageEn));
        return this;
    }

    public ValidationProblemBuilder Required(string field, string? value) =>
        string.IsNullOrWhiteSpace(value)
            ? Add(field, "required", $"Trường '{field}' là bắt buộc.", $"Field '{field}' is required.")
            : this;

    public ValidationProblemBuilder MaxLength(string field, string? value, int max) =>
        value is not null && value.Length > max
            ? Add(field, "too-long", $"Trường '{field}' dài quá {max} ký tự.", $"Field '{field}' is longer than {max} characters.")
            : this;

    public ValidationProblemBuilder OneOf(string field, string? value, IReadOnlyCollection<string> allowed) =>
        value is not null && !allowed.Contains(value)
            ? Add(field, "not-allowed", $"Giá trị của '{field}' phải là một trong: {string.Join(", ", allowed)}.",
                $"'{field}' must be one of: {string.Join(", ", allowed)}.")
            : this;

    public ProblemHttpResult ToResult() => ApiProblems.Validation(_errors);
}
