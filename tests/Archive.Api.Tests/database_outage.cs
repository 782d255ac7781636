using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Archive.Api.Hosting;
using Archive.Api.Infrastructure.Auth;
using Archive.Api.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Archive.Api.Tests;

/// <summary>
/// A host on its own private PostgreSQL cluster (no connection string configured, as <c>./run.sh</c> runs it), whose
/// postmaster is killed with SIGKILL. The first restart attempt waits 5 s here, so the outage is observable.
/// </summary>
public sealed class database_outage : IAsyncLifetime
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "archive-outage-" + Guid.NewGuid().ToString("N"));
    private WebApplicationFactory<Program> _app = null!;

    public Task InitializeAsync()
    {
        _app = new WebApplicationFactory<Program>().WithWebHostBuilder(b => b
            .UseSetting("ConnectionStrings:Archive", "")
            .UseSetting("Archive:DataFolder", _data)
            .UseSetting("Archive:Signing:PrepareAtStartup", "false")
            .UseSetting("Archive:Database:Supervision:FirstRetryDelay", "00:00:05"));
        _ = _app.Server;
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { }
    }

    private static StringContent Fonds(string organ) => ApiFixture.Json($$"""{"organId":"{{organ}}","name":"Phông thử khôi phục"}""");

    private static async Task ShouldBeDatabaseUnavailableAsync(HttpResponseMessage r)
    {
        var body = await r.Content.ReadAsStringAsync();
        r.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable, body);
        r.Headers.RetryAfter.ShouldNotBeNull().Delta.ShouldNotBeNull().TotalSeconds.ShouldBeGreaterThan(0);
        r.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        using var problem = JsonDocument.Parse(body);
        problem.RootElement.GetProperty("code").GetString().ShouldBe("database-unavailable");
        problem.RootElement.GetProperty("title_vi").GetString().ShouldBe("Cơ sở dữ liệu tạm thời không khả dụng");
        problem.RootElement.GetProperty("title_en").GetString().ShouldBe("Database temporarily unavailable");
        problem.RootElement.GetProperty("detail_en").GetString()!.ShouldContain("retry");
    }

    [Fact]
    public async Task when_the_private_postgresql_is_killed_requests_answer_503_with_retry_after_until_the_host_restarts_it_on_the_same_port()
    {
        var client = _app.CreateClient();
        client.DefaultRequestHeaders.Add(ApiKeyAuthentication.Header, (await File.ReadAllTextAsync(Path.Combine(_data, ApiStartup.AdminKeyFile))).Trim());
        (await client.PostAsync("/api/v1/fonds", Fonds("000.00.00.H29"))).StatusCode.ShouldBe(HttpStatusCode.Created);
        var pidFile = Path.Combine(_data, "pg", "data", "postmaster.pid");
        var before = await File.ReadAllLinesAsync(pidFile);
        using (var postmaster = Process.GetProcessById(int.Parse(before[0])))
        {
            postmaster.Kill(); // SIGKILL
            await postmaster.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }

        await ShouldBeDatabaseUnavailableAsync(await client.GetAsync("/api/v1/fonds"));
        await ShouldBeDatabaseUnavailableAsync(await client.PostAsync("/api/v1/fonds", Fonds("000.00.00.H30")));
        var health = await client.GetAsync("/health");
        health.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        health.Headers.RetryAfter.ShouldNotBeNull();

        // The host restarts the cluster by itself: the write succeeds before the deadline, and until then it is a 503.
        var deadline = DateTime.UtcNow.AddSeconds(120);
        HttpResponseMessage write;
        while ((write = await client.PostAsync("/api/v1/fonds", Fonds("000.00.00.H30"))).StatusCode != HttpStatusCode.Created)
        {
            await ShouldBeDatabaseUnavailableAsync(write);
            DateTime.UtcNow.ShouldBeLessThan(deadline, "the private PostgreSQL was not restarted");
            await Task.Delay(100);
        }
        var after = await File.ReadAllLinesAsync(pidFile);
        after[3].ShouldBe(before[3]); // same port
        after[0].ShouldNotBe(before[0]);
        // The supervisor counts the restart after the cluster answers, so a write may get through a moment before.
        var supervisor = _app.Services.GetServices<IHostedService>().OfType<EmbeddedPostgresLifetime>().Single();
        var counted = DateTime.UtcNow.AddSeconds(30);
        while (supervisor.Restarts == 0 && DateTime.UtcNow < counted) await Task.Delay(50);
        supervisor.Restarts.ShouldBe(1);
        var fonds = await client.GetFromJsonAsync<JsonElement>("/api/v1/fonds");
        fonds.GetRawText().ShouldContain("000.00.00.H30");
        (await client.GetAsync("/health")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
