using System.Net;
using Archive.Api.Infrastructure.Auth;
using Archive.Api.Web.People;
using Archive.Testing;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;

namespace Archive.Web.Tests.Support;

/// <summary>
/// The real archive host on Kestrel (a free port on 127.0.0.1) over a fresh database of the real PostgreSQL, and Debian's
/// Chromium driven by Playwright (never a downloaded browser). One host and one browser for all browser tests; each test
/// makes its own people and records, and its own browser context (cookies), so tests do not see each other's sessions.
/// </summary>
public sealed class WebFixture : DatabaseFixture
{
    public const string Chromium = "/usr/bin/chromium";
    public string DataFolder { get; } = Path.Combine(Path.GetTempPath(), "archive-web-" + Guid.NewGuid().ToString("N"));
    public WebApplicationFactory<Program> Factory { get; private set; } = null!;
    public string BaseUrl { get; private set; } = "";
    public IPlaywright Playwright { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;
    /// <summary>The host's log (also appended to the file named by ARCHIVE_WEB_TEST_LOG when set), for failure messages.</summary>
    public ServerLog Log { get; } = new();

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Factory = Host(ConnectionString, DataFolder).WithWebHostBuilder(b => b.ConfigureServices(s => s.AddLogging(l => l.AddProvider(Log))));
        Factory.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        Factory.StartServer();
        BaseUrl = Factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await Playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run"],
        });
    }

    public override async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        Playwright?.Dispose();
        if (Factory is not null) await Factory.DisposeAsync();
        await base.DisposeAsync();
        try { Directory.Delete(DataFolder, recursive: true); } catch (IOException) { }
    }

    /// <summary>The archive host over <paramref name="connectionString"/>'s database, scheduled jobs off, with <paramref name="settings"/>.</summary>
    public static WebApplicationFactory<Program> Host(string connectionString, string dataFolder, params (string Key, string Value)[] settings) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("ConnectionStrings:Archive", connectionString).UseSetting("Archive:DataFolder", dataFolder).UseSetting("Archive:Jobs:Enabled", "false");
            foreach (var (key, value) in settings) b.UseSetting(key, value);
        });

    public T Service<T>() where T : notnull => Factory.Services.GetRequiredService<T>();

    /// <summary>A person of <paramref name="role"/> created through the real store; returns user name and password.</summary>
    public async Task<(string UserName, string Password, string FullName)> PersonAsync(string role, string fullName, bool cleared = false)
    {
        var userName = role + "-" + Guid.NewGuid().ToString("N")[..8];
        var password = PersonStore.GeneratePassword();
        await Service<PersonStore>().CreateAsync(userName, fullName, role, cleared, password, "test", CancellationToken.None);
        return (userName, password, fullName);
    }

    /// <summary>A fresh browser context (its own cookies) at 1366×768, Vietnamese unless asked.</summary>
    public async Task<IPage> PageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseUrl, ViewportSize = new ViewportSize { Width = 1366, Height = 768 }, AcceptDownloads = true, Locale = "vi-VN",
        });
        context.SetDefaultTimeout(45_000);
        return await context.NewPageAsync();
    }

    public async Task<IPage> SignedInAsync(string role, string fullName, bool cleared = false)
    {
        var (user, password, _) = await PersonAsync(role, fullName, cleared);
        var page = await PageAsync();
        await SignInAsync(page, user, password);
        await Assertions.Expect(page.Locator("#who")).ToContainTextAsync(fullName);
        return page;
    }

    public static async Task SignInAsync(IPage page, string userName, string password)
    {
        await page.GotoAsync("/login");
        await page.FillAsync("#userName", userName);
        await page.FillAsync("#password", password);
        await page.ClickAsync("#sign-in");
    }

    /// <summary>An API client with a fresh key, for setting up records that a test's journey starts from.</summary>
    public async Task<HttpClient> ApiAsync(string role)
    {
        var key = await Service<ApiKeyStore>().CreateAsync("web test " + role, role, true, "test", CancellationToken.None);
        var client = new HttpClient { BaseAddress = new Uri(BaseUrl) };
        client.DefaultRequestHeaders.Add(ApiKeyAuthentication.Header, key.Key);
        return client;
    }

    /// <summary>Saves a 1366×768 screenshot of the page into docs/screenshots (the README shows some of them).</summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        var dir = Path.Combine(RepositoryRoot(), "docs", "screenshots");
        Directory.CreateDirectory(dir);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(dir, name + ".png") });
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Archive.sln"))) return dir.FullName;
        throw new InvalidOperationException("Archive.sln not found above the test output.");
    }
}

[CollectionDefinition(Name)]
public sealed class WebCollection : ICollectionFixture<WebFixture>
{
    public const string Name = "web";
}
