using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;

namespace Archive.Api.Infrastructure.Problems;

/// <summary>
/// Refuses control characters (U+0000–U+001F except tab, line feed and carriage return; U+007F–U+009F) in every text a
/// request carries: JSON string values and names, query values and the path. A NUL stored in a title was accepted
/// before and then failed the search projection in PostgreSQL (22021); no text field of an archival record needs one
/// (docs/standards/records-metadata.md, "Text fields"). 400 problem+json naming the field; nothing runs, nothing is stored.
/// </summary>
public sealed class InputGuardMiddleware(RequestDelegate next)
{
    /// <summary>JSON bodies up to this size are checked in full (records' bodies are a few kilobytes).</summary>
    private const int MaxCheckedJson = 4 << 20;

    public async Task InvokeAsync(HttpContext http)
    {
        string? field = null;
        if (HasControl(http.Request.Path.Value ?? "")) field = "path";
        foreach (var (name, values) in http.Request.Query)
            if (field is null && (HasControl(name) || values.Any(v => v is not null && HasControl(v)))) field = name;
        if (field is null && http.Request.HasJsonContentType() && (http.Request.ContentLength ?? 0) <= MaxCheckedJson)
        {
            http.Request.EnableBuffering();
            var body = await ReadAsync(http.Request.Body, http.RequestAborted);
            http.Request.Body.Position = 0;
            if (body is not null) field = FirstControlField(body);
        }
        if (field is null) { await next(http); return; }

        var p = ApiProblems.Details(400, new Text("Dữ liệu không hợp lệ", "Invalid data"),
            new Text("Một hoặc nhiều trường không hợp lệ.", "One or more fields are invalid."), "validation");
        p.Extensions["errors"] = new List<FieldError> { new(field, "control-character",
            $"{field} chứa ký tự điều khiển (như NUL) không được phép trong văn bản.",
            $"{field} contains a control character (such as NUL), which is not allowed in text.") };
        http.Response.StatusCode = 400;
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = p });
    }

    public static bool HasControl(string s)
    {
        foreach (var c in s)
            if (c is (< ' ' and not ('\t' or '\n' or '\r')) or (>= '\u007f' and <= '\u009f')) return true;
        return false;
    }

    private static async Task<byte[]?> ReadAsync(Stream body, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int n;
        while ((n = await body.ReadAsync(chunk, ct)) > 0)
        {
            buffer.Write(chunk, 0, n);
            if (buffer.Length > MaxCheckedJson) return null;
        }
        return buffer.ToArray();
    }

    /// <summary>The property holding the first control character, "body" for a bare value; null when clean or not JSON.</summary>
    internal static string? FirstControlField(byte[] json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        string? property = null;
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is not (JsonTokenType.PropertyName or JsonTokenType.String)) continue;
                var text = reader.GetString() ?? "";
                if (HasControl(text)) return reader.TokenType == JsonTokenType.PropertyName ? text.Replace("\0", "\\0") : property ?? "body";
                if (reader.TokenType == JsonTokenType.PropertyName) property = text;
            }
        }
        catch (JsonException) { return null; } // the binder answers for malformed JSON
        catch (InvalidOperationException) { return null; }
        return null;
    }
}

public static class InputGuardExtensions
{
    public static WebApplication UseInputGuard(this WebApplication app)
    {
        app.UseMiddleware<InputGuardMiddleware>();
        return app;
    }
}
