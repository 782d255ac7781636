using System.Net.Http.Headers;
using System.Text;
using Archive.Api.Infrastructure.Auth;
using Archive.Testing;
using Alba;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Archive.Api.Tests.Support;

/// <summary>
/// One API host (the real <c>Program</c>, in memory through Alba) over one fresh database per test class.
/// Tests run Alba scenarios as a caller of a role (<see cref="CallerAsync"/>, Support/Scenarios.cs) or use a plain
/// <see cref="HttpClient"/> (<see cref="ClientAsync"/>). Content limit is small so the 413 path is reachable
/// without multi-gigabyte uploads.
/// </summary>
public class ApiFixture : DatabaseFixture
{
    public const long ContentLimit = 256 * 1024;
    /// <summary>Scans above this are stored without PDF facts (the product default is 32 MiB).</summary>
    public const long FactsLimit = 128 * 1024;
    public string DataFolder { get; } = Path.Combine(Path.GetTempPath(), "archive-api-" + Guid.NewGuid().ToString("N"));
    public IAlbaHost Host { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Host = await AlbaHost.For<Program>(b =>
        {
            b.UseSetting("ConnectionStrings:Archive", ConnectionString)
             .UseSetting("Archive:DataFolder", DataFolder)
             .UseSetting("Archive:Content:MaxBytes", ContentLimit.ToString())
             .UseSetting("Archive:Content:MaxFactsBytes", FactsLimit.ToString())
             // Key generation for the development signing identity only where a test signs (2 cores shared).
             .UseSetting("Archive:Signing:PrepareAtStartup", "false");
            Configure(b);
        });
    }

    /// <summary>Extra settings for a derived fixture, applied before the host starts.</summary>
    protected virtual void Configure(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder) { }

    public override async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await base.DisposeAsync();
        try { Directory.Delete(DataFolder, recursive: true); } catch (IOException) { }
    }

    public T Service<T>() where T : notnull => Host.Services.GetRequiredService<T>();

    /// <summary>A new API key for <paramref name="role"/>, created through the real store.</summary>
    public async Task<CreatedApiKey> KeyAsync(string role, bool clearedForSecret = false) =>
        await Service<ApiKeyStore>().CreateAsync($"test {role}", role, clearedForSecret, "test", CancellationToken.None);

    /// <summary>A client authenticated as a fresh key of <paramref name="role"/>.</summary>
    public async Task<HttpClient> ClientAsync(string role, bool clearedForSecret = false) =>
        ClientWithKey((await KeyAsync(role, clearedForSecret)).Key);

    public HttpClient ClientWithKey(string? key)
    {
        var client = Host.Server.CreateClient();
        if (key is not null) client.DefaultRequestHeaders.Add(ApiKeyAuthentication.Header, key);
        return client;
    }

    public HttpClient Anonymous() => Host.Server.CreateClient();

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public static ByteArrayContent Bytes(byte[] bytes, string contentType = "application/octet-stream")
    {
        var c = new ByteArrayContent(bytes);
        c.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return c;
    }
}
