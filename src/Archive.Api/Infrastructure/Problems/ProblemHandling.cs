using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Archive.Api.Infrastructure.Problems;

/// <summary>Thrown by features and the content store to answer with a specific problem.</summary>
public class ProblemException(int status, Text title, Text? detail = null, string? code = null) : Exception(title.En)
{
    public int Status { get; } = status;
    public Text Title { get; } = title;
    public Text? DetailText { get; } = detail;
    public string? Code { get; } = code;
}

public static class ProblemHandling
{
    public static IServiceCollection AddArchiveProblems(this IServiceCollection services)
    {
        services.AddProblemDetails(o => o.CustomizeProblemDetails = ctx => Localize(ctx.HttpContext, ctx.ProblemDetails));
        services.AddExceptionHandler<ArchiveExceptionHandler>();
        // Binding failures throw so that the handler answers with a bilingual problem instead of an empty 400.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        return services;
    }

    public static WebApplication UseArchiveProblems(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }

    private static void Localize(HttpContext http, ProblemDetails p)
    {
        var status = p.Status ?? http.Response.StatusCode;
        if (!p.Extensions.ContainsKey("title_vi"))
        {
            var t = ApiProblems.TitleFor(status);
            p.Title = t.Vi;
            p.Type ??= ApiProblems.TypeFor(status);
            p.Extensions["title_vi"] = t.Vi;
            p.Extensions["title_en"] = t.En;
        }
        p.Extensions.Remove("traceId");
        p.Extensions["trace_id"] = http.TraceIdentifier;
        if (!PrefersEnglish(http)) return;
        p.Title = p.Extensions["title_en"] as string ?? p.Title;
        if (p.Extensions.TryGetValue("detail_en", out var d) && d is string en) p.Detail = en;
    }

    private static bool PrefersEnglish(HttpContext http)
    {
        var lang = http.Request.Headers.AcceptLanguage.ToString();
        return lang.StartsWith("en", StringComparison.OrdinalIgnoreCase);
    }
}

/// <summary>
/// Bad input never becomes a 500: malformed requests, JSON errors and oversized bodies map to
/// 4xx; an unreachable database is a 503 with Retry-After (<see cref="DatabaseUnavailable"/>); anything
/// unexpected becomes a 500 without internals (the exception is only logged).
/// </summary>
internal sealed class ArchiveExceptionHandler(IProblemDetailsService problems, ILogger<ArchiveExceptionHandler> log) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        var details = exception switch
        {
            ProblemException p => ApiProblems.Details(p.Status, p.Title, p.DetailText, p.Code),
            BadHttpRequestException b when b.StatusCode == 413 => ApiProblems.Details(413, ApiProblems.TitleFor(413),
                new Text("Nội dung yêu cầu vượt quá giới hạn cho phép.", "The request body exceeds the allowed size."), "too-large"),
            BadHttpRequestException b when b.InnerException is JsonException j => RequestShapeProblems.ForJson(j),
            // Never the framework's own English text: our words, the field, the expected format.
            BadHttpRequestException b => RequestShapeProblems.ForBadRequest(b),
            JsonException j => RequestShapeProblems.ForJson(j),
            OperationCanceledException when http.RequestAborted.IsCancellationRequested => null,
            _ when DatabaseUnavailable.Is(exception) => DatabaseUnavailable.Details(),
            _ => null,
        };
        if (details is not null && details.Extensions.TryGetValue("code", out var code) && code is "database-unavailable")
        {
            log.LogWarning("Database unavailable for {Method} {Path}: {Reason}", http.Request.Method, http.Request.Path, exception.Message);
            if (!http.Response.HasStarted) DatabaseUnavailable.SetRetryAfter(http.Response);
        }
        if (details is null)
        {
            if (http.RequestAborted.IsCancellationRequested) return true;
            log.LogError(exception, "Unhandled exception for {Method} {Path}", http.Request.Method, http.Request.Path);
            details = ApiProblems.Details(500, ApiProblems.TitleFor(500),
                new Text("Đã xảy ra lỗi không mong muốn. Vui lòng thử lại sau.", "An unexpected error occurred. Please try again later."), "unexpected");
        }
        if (http.Response.HasStarted) return true;
        http.Response.StatusCode = details.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = details, Exception = exception });
    }
}
