using System.Net;
using System.Text.RegularExpressions;
using Archive.Api.Infrastructure.Auth;
using Archive.Api.Tests.Support;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Routing;

namespace Archive.Api.Tests;

/// <summary>
/// Every endpoint, read from the live EndpointDataSource, either is on the short anonymous
/// list or declares roles; each role then gets 403 exactly when not declared. A new endpoint
/// without roles fails here.
/// </summary>
public class endpoint_role_matrix(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static readonly string[] AnonymousRoutes = ["/health", "/openapi/{documentName}.json"];

    private sealed record Declared(RouteEndpoint Endpoint, string Method, IReadOnlySet<string>? Roles, bool Anonymous);

    [Fact]
    public async Task only_health_and_openapi_are_anonymous()
    {
        var anonymous = (await Endpoints()).Where(e => e.Anonymous).Select(e => e.Endpoint.RoutePattern.RawText!).Distinct();
        anonymous.Order().ShouldBe(AnonymousRoutes.Order());
    }

    [Fact]
    public async Task every_other_endpoint_declares_its_roles()
    {
        var missing = (await Endpoints()).Where(e => !e.Anonymous && (e.Roles is null || e.Roles.Count == 0))
            .Select(e => $"{e.Method} {e.Endpoint.RoutePattern.RawText}").ToList();
        missing.ShouldBeEmpty();
    }

    [Fact]
    public async Task each_role_is_refused_exactly_where_not_declared()
    {
        var clients = new Dictionary<string, HttpClient>();
        foreach (var role in Roles.All) clients[role] = await api.ClientAsync(role);
        var anonymous = api.Anonymous();
        var failures = new List<string>();
        var endpoints = (await Endpoints()).Where(e => !e.Anonymous).ToList();
        endpoints.Count.ShouldBeGreaterThan(5);
        foreach (var e in endpoints)
        {
            var url = Url(e.Endpoint);
            var noKey = await anonymous.SendAsync(Request(e.Method, url));
            if (noKey.StatusCode != HttpStatusCode.Unauthorized) failures.Add($"{e.Method} {url} without key: {(int)noKey.StatusCode}");
            foreach (var role in Roles.All)
            {
                var status = (int)(await clients[role].SendAsync(Request(e.Method, url))).StatusCode;
                var allowed = e.Roles!.Contains(role);
                if (allowed && status is 401 or 403 or >= 500) failures.Add($"{e.Method} {url} as {role}: {status}, expected allowed");
                if (!allowed && status != 403) failures.Add($"{e.Method} {url} as {role}: {status}, expected 403");
            }
        }
        failures.ShouldBeEmpty();
    }

    [Fact]
    public async Task a_revoked_key_is_refused_with_401()
    {
        var key = await api.KeyAsync(Roles.Auditor);
        var client = api.ClientWithKey(key.Key);
        (await client.GetAsync("/api/v1/search")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await api.Service<ApiKeyStore>().RevokeAsync(key.Info.Id, CancellationToken.None)).ShouldBeTrue();
        await (await client.GetAsync("/api/v1/search")).ShouldBeProblemAsync(401);
    }

    [Fact]
    public async Task a_tampered_key_is_refused_with_401()
    {
        var key = await api.KeyAsync(Roles.Admin);
        var tampered = key.Key[..^1] + (key.Key[^1] == '0' ? '1' : '0');
        await (await api.ClientWithKey(tampered).GetAsync("/api/v1/api-keys")).ShouldBeProblemAsync(401);
    }

    private async Task<List<Declared>> Endpoints()
    {
        var provider = api.Service<IAuthorizationPolicyProvider>();
        var list = new List<Declared>();
        // The web application's pages and helpers answer a person's session, not keys: tests/Archive.Web.Tests covers them.
        foreach (var endpoint in api.Service<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().Where(e => !Archive.Api.Web.WebEndpoint.Is(e)))
        {
            var metadata = endpoint.Metadata;
            var methods = metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["GET"];
            var anonymous = metadata.GetMetadata<IAllowAnonymous>() is not null;
            IReadOnlySet<string>? roles = null;
            var policy = await AuthorizationPolicy.CombineAsync(provider, metadata.GetOrderedMetadata<IAuthorizeData>(),
                metadata.GetOrderedMetadata<AuthorizationPolicy>());
            var requirements = policy?.Requirements.OfType<RolesAuthorizationRequirement>().ToList() ?? [];
            if (requirements.Count > 0)
                roles = requirements.Select(r => r.AllowedRoles.ToHashSet()).Aggregate((a, b) => { a.IntersectWith(b); return a; });
            foreach (var m in methods) list.Add(new Declared(endpoint, m, roles, anonymous));
        }
        return list;
    }

    private static string Url(RouteEndpoint endpoint) =>
        Regex.Replace(endpoint.RoutePattern.RawText!, @"\{\*{0,2}([^}:=?]+)([^}]*)\}", m =>
            m.Groups[2].Value.Contains(":guid") ? Guid.NewGuid().ToString()
            : m.Groups[2].Value.Contains(":int") || m.Groups[2].Value.Contains(":long") ? "1"
            : m.Groups[1].Value.Contains("sha", StringComparison.OrdinalIgnoreCase) ? new string('0', 64)
            : "matrix-probe");

    private static HttpRequestMessage Request(string method, string url)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), url);
        if (method is "POST" or "PUT" or "PATCH") request.Content = ApiFixture.Json("{}");
        return request;
    }
}
