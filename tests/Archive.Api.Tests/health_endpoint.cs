using System.Net;
using System.Net.Http.Json;
using Archive.Testing;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Archive.Api.Tests;

public class health_endpoint : IClassFixture<DatabaseFixture>
{
    private readonly DatabaseFixture _db;
    public health_endpoint(DatabaseFixture db) => _db = db;

    [Fact]
    public async Task health_answers_200_with_the_database_state()
    {
        await using var app = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
            b.UseSetting("ConnectionStrings:Archive", _db.ConnectionString)
             .UseSetting("Archive:DataFolder", Path.Combine(Path.GetTempPath(), "archive-api-" + Guid.NewGuid().ToString("N"))));
        var client = app.CreateClient();
        var response = await client.GetAsync("/health");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var body = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        body.GetProperty("status").GetString().ShouldBe("ok");
        body.GetProperty("database").GetProperty("state").GetString().ShouldBe("connected");
    }
}
