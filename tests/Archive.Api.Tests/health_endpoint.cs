using Alba;
using Archive.Testing;

namespace Archive.Api.Tests;

public class health_endpoint(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task health_answers_200_with_the_database_state()
    {
        var folder = Path.Combine(Path.GetTempPath(), "archive-api-" + Guid.NewGuid().ToString("N"));
        await using var host = await AlbaHost.For<Program>(b =>
            b.UseSetting("ConnectionStrings:Archive", db.ConnectionString).UseSetting("Archive:DataFolder", folder));
        await host.Scenario(s =>
        {
            s.Get.Url("/health");
            s.JsonPath("$.status").ShouldBe("ok");
            s.JsonPath("$.database.state").ShouldBe("connected");
        });
    }
}
