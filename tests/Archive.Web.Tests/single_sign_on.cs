using System.Net;
using Archive.Testing;
using Archive.Web.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;
using static Microsoft.Playwright.Assertions;

namespace Archive.Web.Tests;

/// <summary>A second archive host whose configuration names an OpenID Connect provider (never contacted by these tests).</summary>
public sealed class SingleSignOnHost : DatabaseFixture
{
    public WebApplicationFactory<Program> Factory { get; private set; } = null!;
    private readonly string _data = Path.Combine(Path.GetTempPath(), "archive-sso-" + Guid.NewGuid().ToString("N"));

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Factory = WebFixture.Host(ConnectionString, _data, ("Archive:Web:Oidc:Authority", "https://sso.laichau.example/realms/tinh"),
            ("Archive:Web:Oidc:ClientId", "archive-web"), ("Archive:Web:Oidc:ClientSecret", "not-used-by-the-test"));
    }

    public override async Task DisposeAsync()
    {
        if (Factory is not null) await Factory.DisposeAsync();
        await base.DisposeAsync();
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { }
    }
}

[Collection(WebCollection.Name)]
public class single_sign_on(WebFixture web, SingleSignOnHost sso) : IClassFixture<SingleSignOnHost>
{
    [Fact]
    public async Task the_login_page_offers_single_sign_on_only_when_a_provider_is_configured()
    {
        // The browser tests' host has no provider: no SSO link, and no SSO route behind it.
        var page = await web.PageAsync();
        await page.GotoAsync("/login");
        await Expect(page.Locator("#sign-in")).ToBeVisibleAsync();
        await Expect(page.Locator("#sso")).ToHaveCountAsync(0);
        using var plain = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(web.BaseUrl) };
        var noRoute = await plain.GetAsync("/login/sso");
        noRoute.StatusCode.ShouldNotBe(HttpStatusCode.Redirect);
        noRoute.Headers.Location.ShouldBeNull();

        // A host configured with a provider starts, and its login page offers SSO beside the password form, in both languages.
        var client = sso.Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var login = WebUtility.HtmlDecode(await client.GetStringAsync("/login"));
        login.ShouldContain("id=\"sso\"");
        login.ShouldContain("href=\"/login/sso\"");
        login.ShouldContain("Đăng nhập bằng tài khoản dùng chung (SSO)");
        login.ShouldContain("id=\"sign-in\"");
        var english = new HttpRequestMessage(HttpMethod.Get, "/login");
        english.Headers.Add("Cookie", "archive.lang=en");
        WebUtility.HtmlDecode(await (await client.SendAsync(english)).Content.ReadAsStringAsync()).ShouldContain("Sign in with the shared account (SSO)");
    }
}
