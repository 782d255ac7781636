using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc;

namespace Archive.Api.Infrastructure.Problems;

/// <summary>
/// Our own bilingual words for requests the framework refuses before a handler runs (a missing or non-JSON body, a
/// query value of the wrong type, a JSON value that is not a date): the framework's English text ("Implicit body
/// inferred for parameter…", "Failed to bind parameter…") never reaches the caller. Each names the field and, for
/// dates and times, the expected format.
/// </summary>
public static partial class RequestShapeProblems
{
    public const string DateFormat = "yyyy-MM-dd";

    public static ProblemDetails ForBadRequest(BadHttpRequestException b)
    {
        var message = b.Message;
        if (BindFailure().Match(message) is { Success: true } m)
        {
            var (type, name) = (m.Groups["type"].Value, m.Groups["name"].Value);
            var (vi, en) = Expected(type);
            return Field(name, "invalid-format", $"Giá trị của {name} không hợp lệ: cần {vi}.", $"The value of {name} is invalid: expected {en}.");
        }
        if (message.Contains("body was provided", StringComparison.OrdinalIgnoreCase) ||
            message.Contains("from body", StringComparison.OrdinalIgnoreCase) || message.Contains("Implicit body", StringComparison.Ordinal))
            return ApiProblems.Details(400, ApiProblems.TitleFor(400),
                new Text("Yêu cầu cần nội dung JSON (Content-Type: application/json) nhưng không có.",
                    "The request needs a JSON body (Content-Type: application/json) and has none."), "body-required");
        if (message.Contains("JSON media type", StringComparison.OrdinalIgnoreCase) || b.StatusCode == 415)
            return ApiProblems.Details(415, ApiProblems.TitleFor(415),
                new Text("Nội dung yêu cầu phải là JSON (Content-Type: application/json).", "The request body must be JSON (Content-Type: application/json)."),
                "json-required");
        if (message.Contains("required", StringComparison.OrdinalIgnoreCase) && RequiredParameter().Match(message) is { Success: true } r)
        {
            var name = r.Groups["name"].Value;
            return Field(name, "required", $"Thiếu tham số {name}.", $"The parameter {name} is missing.");
        }
        return ApiProblems.Details(b.StatusCode is >= 400 and < 500 ? b.StatusCode : 400, ApiProblems.TitleFor(400),
            new Text("Yêu cầu không đúng định dạng.", "The request is malformed."), "bad-request");
    }

    /// <summary>A JSON body that does not parse or whose value does not fit its field.</summary>
    public static ProblemDetails ForJson(JsonException j)
    {
        var field = j.Path is { Length: > 2 } p && p.StartsWith("$.", StringComparison.Ordinal) ? p[2..] : j.Path;
        var type = j.Message is { } msg && ConvertTarget().Match(msg) is { Success: true } c ? c.Groups["type"].Value : null;
        if (field is not null && type is not null)
        {
            var (vi, en) = Expected(type);
            return Field(field, "invalid-format", $"Giá trị của {field} không hợp lệ: cần {vi}.", $"The value of {field} is invalid: expected {en}.");
        }
        return ApiProblems.Details(400, ApiProblems.TitleFor(400),
            new Text("Nội dung JSON không hợp lệ" + (j.Path is null ? "." : $" tại '{j.Path}'."),
                     "The JSON body is invalid" + (j.Path is null ? "." : $" at '{j.Path}'.")), "invalid-json");
    }

    private static (string Vi, string En) Expected(string type) => type switch
    {
        _ when type.Contains("DateOnly") => ($"một ngày có thật theo dạng {DateFormat} (ví dụ 2025-03-04)", $"a real calendar date as {DateFormat} (e.g. 2025-03-04)"),
        _ when type.Contains("DateTime") => ("thời điểm ISO 8601 (ví dụ 2025-03-04T08:00:00+07:00)", "an ISO 8601 time (e.g. 2025-03-04T08:00:00+07:00)"),
        _ when type.Contains("Int") || type.Contains("int") || type.Contains("long") => ("một số nguyên", "a whole number"),
        _ when type.Contains("Bool") || type.Contains("bool") => ("true hoặc false", "true or false"),
        _ when type.Contains("Guid") => ("một mã GUID", "a GUID"),
        _ when type.Contains("String") || type.Contains("string") => ("một chuỗi ký tự", "a text"),
        _ when type.Contains("List") || type.Contains("[]") || type.Contains("Enumerable") => ("một mảng JSON", "a JSON array"),
        _ => ("giá trị đúng kiểu", "a value of the right type"),
    };

    private static ProblemDetails Field(string field, string code, string vi, string en)
    {
        var p = ApiProblems.Details(400, new Text("Dữ liệu không hợp lệ", "Invalid data"),
            new Text("Một hoặc nhiều trường không hợp lệ.", "One or more fields are invalid."), "validation");
        p.Extensions["errors"] = new List<FieldError> { new(field, code, vi, en) };
        return p;
    }

    [GeneratedRegex("""Failed to bind parameter "(?<type>.+?) (?<name>[A-Za-z0-9_]+)" from""")]
    private static partial Regex BindFailure();

    [GeneratedRegex("""parameter "(?:.+? )?(?<name>[A-Za-z0-9_]+)" """)]
    private static partial Regex RequiredParameter();

    [GeneratedRegex("""converted to (?<type>[^\s.]+(?:\.[^\s.]+)*(?:`1\[[^\]]+\])?)""")]
    private static partial Regex ConvertTarget();
}
