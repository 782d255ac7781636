using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Archive.Api.Infrastructure.Auth;

public static class ApiKeyAuthentication
{
    public const string Scheme = "ApiKey";
    public const string Header = "X-Api-Key";
}

public sealed class ApiKeyAuthenticationOptions : AuthenticationSchemeOptions;

/// <summary>Authenticates <c>X-Api-Key</c> against the hashed keys; the key itself is never logged.</summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<ApiKeyAuthenticationOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyStore keys)
    : AuthenticationHandler<ApiKeyAuthenticationOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(ApiKeyAuthentication.Header, out var values)) return AuthenticateResult.NoResult();
        var presented = values.ToString();
        var key = await keys.VerifyAsync(presented, Context.RequestAborted);
        if (key is null) return AuthenticateResult.Fail("Invalid or revoked API key.");

        var claims = new List<Claim>
        {
            new(ArchiveClaims.KeyId, key.Id),
            new(ClaimTypes.NameIdentifier, key.Id),
            new(ClaimTypes.Name, key.Name),
            new(ClaimTypes.Role, key.Role),
        };
        if (key.ClearedForSecret) claims.Add(new Claim(ArchiveClaims.Clearance, AccessRegimes.Secret));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, ApiKeyAuthentication.Scheme));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, ApiKeyAuthentication.Scheme));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = 401;
        Response.Headers.WWWAuthenticate = $"{ApiKeyAuthentication.Scheme} header=\"{ApiKeyAuthentication.Header}\"";
        return Task.CompletedTask;
    }
}
