using System.Reflection;
using System.Security.Claims;
using Archive.Api.Features.Disposition;
using Archive.Api.Features.Records;
using Archive.Api.Infrastructure.Access;
using Archive.Api.Infrastructure.Auth;
using Archive.Api.Infrastructure.Content;
using Archive.Api.Infrastructure.Problems;
using Archive.Api.Web.Components;
using Archive.Api.Web.People;
using Archive.Domain.Documents;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Archive.Api.Web;

/// <summary>Configuration under <c>Archive:Web</c>.</summary>
public sealed class WebOptions
{
    /// <summary>A session unused for this long ends (the person signs in again).</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(20);
}

/// <summary>Marks the web application's endpoints (pages and their helpers), which the API's role matrix leaves aside.</summary>
public sealed class WebEndpoint
{
    public static readonly WebEndpoint Instance = new();
    public static bool Is(Endpoint endpoint) => endpoint.Metadata.GetMetadata<WebEndpoint>() is not null;
}

/// <summary>
/// Policies of the pages: the API's role sets (<see cref="Policies.RolesByPolicy"/>, <see cref="DispositionAccess"/>) on the
/// person's cookie session only, so a page can never be reached with an API key and every page names its roles.
/// </summary>
public static class WebPolicies
{
    public const string Prefix = "web:";
    public const string AnyRole = Prefix + Policies.AnyRole;
    public const string RecordsWriters = Prefix + Policies.RecordsWriters;
    public const string Auditors = Prefix + Policies.Auditors;
    public const string Admin = Prefix + Policies.Admin;
    /// <summary>Who may upload a PDF to have it verified (the roles of <c>POST /api/v1/verifications</c> that are people).</summary>
    public const string Verifiers = Prefix + "verifiers";
    /// <summary>The review list and proposals (<see cref="DispositionAccess.Readers"/>).</summary>
    public const string DispositionReaders = Prefix + "disposition-readers";

    public static readonly IReadOnlyDictionary<string, string[]> RolesByPolicy = new Dictionary<string, string[]>(
        Policies.RolesByPolicy.Select(p => KeyValuePair.Create(Prefix + p.Key, p.Value)))
    {
        [Verifiers] = [Roles.Legal, Roles.Admin, Roles.RecordsOfficer],
        [DispositionReaders] = DispositionAccess.Readers,
    };
}

public static class WebSetup
{
    public const string AntiforgeryHeader = "RequestVerificationToken";

    public static IServiceCollection AddArchiveWeb(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection("Archive:Web").Get<WebOptions>() ?? new WebOptions();
        services.AddSingleton(options);
        services.AddRazorComponents();
        services.AddSingleton<PersonStore>();
        services.AddAntiforgery(o =>
        {
            o.HeaderName = AntiforgeryHeader;
            o.Cookie.Name = "archive.antiforgery";
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        var authentication = services.AddAuthentication();
        SingleSignOn.Add(authentication, configuration);
        authentication.AddCookie(PersonSession.Scheme, o =>
        {
            o.Cookie.Name = PersonSession.CookieName;
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            // Secure whenever the request came over HTTPS (a reverse proxy terminating TLS must forward the scheme).
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.ExpireTimeSpan = options.IdleTimeout;
            o.SlidingExpiration = true;
            o.LoginPath = "/login";
            o.AccessDeniedPath = "/denied";
            o.Events.OnRedirectToLogin = c => Redirect(c, 401);
            o.Events.OnRedirectToAccessDenied = c => Redirect(c, 403);
            o.Events.OnValidatePrincipal = ValidateAsync;
        });
        services.AddAuthorization(o =>
        {
            foreach (var (name, roles) in WebPolicies.RolesByPolicy)
                o.AddPolicy(name, p => p.AddAuthenticationSchemes(PersonSession.Scheme).RequireAuthenticatedUser().RequireRole(roles));
        });
        return services;
    }

    /// <summary>Creates the people table and the first admin (before the server listens), then maps the pages.</summary>
    public static async Task MapArchiveWebAsync(this WebApplication app)
    {
        await WebStartup.InitializeAsync(app.Services);
        app.UseAntiforgery();
        app.Use(RequireAntiforgeryOnSessionApiCalls);
        app.MapRazorComponents<App>().Add(b => b.Metadata.Add(WebEndpoint.Instance));

        var web = app.MapGroup("").WithMetadata(WebEndpoint.Instance).ExcludeFromDescription();
        web.MapPost("/logout", async (HttpContext http) =>
        {
            await http.SignOutAsync(PersonSession.Scheme);
            return Results.Redirect("/login");
        }).WithMetadata(new RequireAntiforgeryTokenAttribute()).RequireAuthorization(WebPolicies.AnyRole);

        web.MapGet("/lang/{code}", (string code, string? back, HttpContext http) =>
        {
            http.Response.Cookies.Append(WebLanguage.Cookie, code == "en" ? "en" : "vi",
                new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Lax, Secure = http.Request.IsHttps, MaxAge = TimeSpan.FromDays(365) });
            return Results.LocalRedirect(back is { Length: > 0 } && back.StartsWith('/') && !back.StartsWith("//") ? back : "/");
        }).AllowAnonymous();

        web.MapGet("/app/assets/{name}", (string name) => Asset(name)).AllowAnonymous();
        SingleSignOn.Map(web, app.Configuration);

        // The PDF shown inside the document page: the same checks and access log as the API's download, served inline.
        web.MapGet("/app/documents/{id}/view", async Task<IResult> (string id, int? version, HttpContext http, RecordsRepository repo,
            IContentStore store, AccessLog log, CancellationToken ct) =>
        {
            var (doc, _) = await repo.LoadDocumentAsync(id, ct);
            if (doc.Status is DocumentStatus.None or DocumentStatus.Destroyed || !RecordsHttp.MayRead(http.User, doc.Metadata?.AccessMode))
                return ApiProblems.NotFound(new Text("Không có tài liệu này.", "No such document."));
            var content = version is null ? doc.CurrentContent : doc.Contents.FirstOrDefault(c => c.Version == version);
            if (content is null) return ApiProblems.NotFound(new Text("Tài liệu chưa có tệp nội dung này.", "The document has no such content version."));
            return await BlobDownload.ServeAsync(http, store, log, content.Sha256, "document", id, null, ct)
                ?? ApiProblems.NotFound(new Text("Tệp nội dung bị thiếu trong kho.", "The content file is missing from the store."));
        }).RequireAuthorization(WebPolicies.AnyRole);
    }

    /// <summary>Principal of a person: id, name, role and clearance, as the API's key handler builds for a key.</summary>
    public static ClaimsPrincipal Principal(Person p)
    {
        var claims = new List<Claim>
        {
            new(ArchiveClaims.PersonId, p.Id),
            new(ClaimTypes.NameIdentifier, p.Id),
            new(ClaimTypes.Name, p.FullName),
            new(ClaimTypes.Role, p.Role),
            new("archive:user-name", p.UserName),
        };
        if (p.ClearedForSecret) claims.Add(new Claim(ArchiveClaims.Clearance, AccessRegimes.Secret));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, PersonSession.Scheme));
    }

    /// <summary>
    /// Every request re-reads the person (one indexed row): a disabled or locked account loses its session at once, and a
    /// changed role or clearance applies from the next request, not at the next sign-in.
    /// </summary>
    private static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var id = context.Principal?.FindFirstValue(ArchiveClaims.PersonId);
        var people = context.HttpContext.RequestServices.GetRequiredService<PersonStore>();
        var clock = context.HttpContext.RequestServices.GetRequiredService<TimeProvider>();
        var person = id is null ? null : await people.FindAsync(id, context.HttpContext.RequestAborted);
        if (person is null || person.Disabled || person.IsLocked(clock.GetUtcNow()))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(PersonSession.Scheme);
            return;
        }
        var current = context.Principal!;
        if (current.FindFirstValue(ClaimTypes.Role) != person.Role || current.FindFirstValue(ClaimTypes.Name) != person.FullName
            || current.IsClearedForSecret() != person.ClearedForSecret)
        {
            context.ReplacePrincipal(Principal(person));
            context.ShouldRenew = true;
        }
    }

    /// <summary>API calls answer 401/403 as problems; pages redirect to the login or "no access" page.</summary>
    private static Task Redirect(RedirectContext<CookieAuthenticationOptions> c, int status)
    {
        if (c.Request.Path.StartsWithSegments("/api"))
        {
            c.Response.StatusCode = status;
            return Task.CompletedTask;
        }
        c.Response.Redirect(c.RedirectUri);
        return Task.CompletedTask;
    }

    /// <summary>
    /// A cookie is sent by the browser on its own, so an API call that changes something on a person's session must carry
    /// the antiforgery token the page holds (header <see cref="AntiforgeryHeader"/>); API keys are not affected.
    /// </summary>
    private static async Task RequireAntiforgeryOnSessionApiCalls(HttpContext http, RequestDelegate next)
    {
        if (http.Request.Path.StartsWithSegments("/api") && !HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method)
            && !HttpMethods.IsOptions(http.Request.Method) && http.User.HasClaim(c => c.Type == ArchiveClaims.PersonId)
            && !await http.RequestServices.GetRequiredService<IAntiforgery>().IsRequestValidAsync(http))
        {
            var details = ApiProblems.Details(400, ApiProblems.TitleFor(400),
                new Text("Thiếu hoặc sai mã chống giả mạo yêu cầu (antiforgery); hãy tải lại trang.", "The antiforgery token is missing or invalid; reload the page."),
                "antiforgery");
            http.Response.StatusCode = 400;
            await http.Response.WriteAsJsonAsync(details, (System.Text.Json.JsonSerializerOptions?)null, "application/problem+json");
            return;
        }
        await next(http);
    }

    private static IResult Asset(string name)
    {
        var type = Path.GetExtension(name) switch { ".css" => "text/css; charset=utf-8", ".js" => "text/javascript; charset=utf-8", _ => null };
        var stream = type is null ? null : Assembly.GetExecutingAssembly().GetManifestResourceStream("Archive.Api.Web.Assets." + name);
        return stream is null ? Results.NotFound() : Results.Stream(stream, type);
    }
}

/// <summary>Vietnamese by default; English when the person chose it (cookie, one click in the header).</summary>
public static class WebLanguage
{
    public const string Cookie = "archive.lang";
    public static bool IsEnglish(HttpContext http) => http.Request.Cookies[Cookie] == "en";
}
