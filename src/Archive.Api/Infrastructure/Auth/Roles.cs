using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;

namespace Archive.Api.Infrastructure.Auth;

/// <summary>Caller roles (vai trò). One role per API key.</summary>
public static class Roles
{
    public const string RecordsOfficer = "records-officer";
    public const string Legal = "legal";
    public const string Auditor = "auditor";
    public const string ApiClient = "api-client";
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [RecordsOfficer, Legal, Auditor, ApiClient, Admin];
}

/// <summary>
/// Named policies, each a fixed role set. Every endpoint must carry one (or an inline
/// <see cref="AuthorizationEndpointExtensions.RequireRoles{T}"/>); the endpoint × role matrix
/// test reads the roles back from the policy, so a new endpoint without roles fails it.
/// </summary>
public static class Policies
{
    public const string Admin = "admin-only";
    public const string AnyRole = "any-role";
    public const string RecordsWriters = "records-writers";
    public const string Auditors = "auditors";
    public const string Legal = "legal";

    public static readonly IReadOnlyDictionary<string, string[]> RolesByPolicy = new Dictionary<string, string[]>
    {
        [Admin] = [Roles.Admin],
        [AnyRole] = [.. Roles.All],
        [RecordsWriters] = [Roles.RecordsOfficer, Roles.Admin],
        [Auditors] = [Roles.Auditor, Roles.Admin],
        [Legal] = [Roles.Legal, Roles.Admin],
    };
}

public static class ArchiveClaims
{
    public const string KeyId = "archive:key-id";
    /// <summary>The person (người dùng) behind a web session; events name them as their actor.</summary>
    public const string PersonId = "archive:person-id";
    /// <summary>Present with value "03" when the caller is cleared for access regime 03 (Mật).</summary>
    public const string Clearance = "archive:clearance";

    public static string CallerId(this ClaimsPrincipal user) =>
        user.FindFirstValue(KeyId) ?? user.FindFirstValue(PersonId) ?? throw new InvalidOperationException("Caller is not authenticated.");

    public static bool IsClearedForSecret(this ClaimsPrincipal user) => user.HasClaim(Clearance, AccessRegimes.Secret);
}

/// <summary>Access regime codes (chế độ sử dụng) per NĐ 30/2020.</summary>
public static class AccessRegimes
{
    public const string Public = "01";
    public const string Conditional = "02";
    public const string Secret = "03";
    public static readonly IReadOnlyList<string> All = [Public, Conditional, Secret];

    /// <summary>Regimes the caller may see: 03 only with clearance.</summary>
    public static string[] VisibleTo(ClaimsPrincipal user) =>
        user.IsClearedForSecret() ? [Public, Conditional, Secret] : [Public, Conditional];
}

public static class AuthorizationEndpointExtensions
{
    public static IServiceCollection AddArchiveAuthorization(this IServiceCollection services)
    {
        services.AddAuthentication(ApiKeyAuthentication.Scheme)
            .AddScheme<ApiKeyAuthenticationOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthentication.Scheme, _ => { });
        services.AddAuthorization(o =>
        {
            foreach (var (name, roles) in Policies.RolesByPolicy)
                o.AddPolicy(name, p => p.AddAuthenticationSchemes(ApiKeyAuthentication.Scheme, PersonSession.Scheme).RequireAuthenticatedUser().RequireRole(roles));
            // Anything not explicitly opened or given roles is refused rather than left open.
            o.FallbackPolicy = new AuthorizationPolicyBuilder(ApiKeyAuthentication.Scheme).RequireAuthenticatedUser().RequireRole(Roles.Admin).Build();
        });
        return services;
    }

    /// <summary>Inline role set for an endpoint or group when no named policy fits.</summary>
    public static TBuilder RequireRoles<TBuilder>(this TBuilder builder, params string[] roles) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(p => p.AddAuthenticationSchemes(ApiKeyAuthentication.Scheme, PersonSession.Scheme).RequireAuthenticatedUser().RequireRole(roles));
}
