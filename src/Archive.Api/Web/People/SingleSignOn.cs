using Archive.Api.Infrastructure.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;

namespace Archive.Api.Web.People;

/// <summary>
/// Optional single sign-on through the province's OpenID Connect provider (<c>Archive:Web:Oidc:Authority</c>,
/// <c>ClientId</c>, <c>ClientSecret</c>, <c>UserNameClaim</c> default <c>preferred_username</c>). The provider proves who
/// the person is; the archive still decides what they may do: the claim must name an enabled, unlocked person that an
/// admin created, whose role and clearance apply. Nobody unknown to the archive gets in by SSO.
/// </summary>
public static class SingleSignOn
{
    public const string Scheme = "oidc";
    public const string Section = "Archive:Web:Oidc";

    public static bool IsConfigured(IConfiguration configuration) => !string.IsNullOrWhiteSpace(configuration[Section + ":Authority"]);

    public static void Add(AuthenticationBuilder auth, IConfiguration configuration)
    {
        if (!IsConfigured(configuration)) return;
        var section = configuration.GetSection(Section);
        auth.AddOpenIdConnect(Scheme, o =>
        {
            o.Authority = section["Authority"];
            o.ClientId = section["ClientId"];
            o.ClientSecret = section["ClientSecret"];
            o.ResponseType = "code";
            o.UsePkce = true;
            o.SignInScheme = PersonSession.Scheme;
            o.CallbackPath = "/signin-oidc";
            o.Scope.Clear();
            o.Scope.Add("openid");
            o.Scope.Add("profile");
            o.Events.OnTokenValidated = async context =>
            {
                var claim = section["UserNameClaim"] ?? "preferred_username";
                var userName = context.Principal?.FindFirst(claim)?.Value;
                var services = context.HttpContext.RequestServices;
                var person = userName is null ? null
                    : await services.GetRequiredService<PersonStore>().FindByUserNameAsync(userName, context.HttpContext.RequestAborted);
                if (person is null || person.Disabled || person.IsLocked(services.GetRequiredService<TimeProvider>().GetUtcNow()))
                {
                    context.Fail("No enabled person with this user name.");
                    return;
                }
                context.Principal = WebSetup.Principal(person);
            };
            o.Events.OnRemoteFailure = context =>
            {
                context.Response.Redirect("/login?sso=failed");
                context.HandleResponse();
                return Task.CompletedTask;
            };
        });
    }

    public static void Map(RouteGroupBuilder web, IConfiguration configuration)
    {
        if (!IsConfigured(configuration)) return;
        web.MapGet("/login/sso", () => Results.Challenge(new AuthenticationProperties { RedirectUri = "/" }, [Scheme])).AllowAnonymous();
    }
}
