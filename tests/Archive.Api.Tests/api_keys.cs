using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Archive.Api.Hosting;
using Archive.Api.Infrastructure.Auth;
using Archive.Api.Tests.Support;

namespace Archive.Api.Tests;

public class api_keys(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task first_start_writes_an_owner_only_admin_key_that_works()
    {
        var path = Path.Combine(api.DataFolder, ApiStartup.AdminKeyFile);
        File.Exists(path).ShouldBeTrue();
        if (!OperatingSystem.IsWindows())
            File.GetUnixFileMode(path).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var key = (await File.ReadAllTextAsync(path)).Trim();
        var response = await api.ClientWithKey(key).GetAsync("/api/v1/api-keys");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task a_restart_with_an_active_admin_key_mints_no_new_one()
    {
        var otherFolder = Path.Combine(Path.GetTempPath(), "archive-api-" + Guid.NewGuid().ToString("N"));
        // A second host on the same database: it starts (and stops) without minting a key.
        await using (await Alba.AlbaHost.For<Program>(b =>
            b.UseSetting("ConnectionStrings:Archive", api.ConnectionString).UseSetting("Archive:DataFolder", otherFolder)))
        {
        }
        File.Exists(Path.Combine(otherFolder, ApiStartup.AdminKeyFile)).ShouldBeFalse();
        (await api.Service<ApiKeyStore>().ListAsync(default)).Count(k => k.CreatedBy == "startup").ShouldBe(1);
        Directory.Delete(otherFolder, recursive: true);
    }

    [Fact]
    public async Task an_admin_creates_a_key_that_is_shown_once_and_listed_without_secrets()
    {
        var admin = await api.ClientAsync(Roles.Admin);
        var created = await admin.PostAsync("/api/v1/api-keys", ApiFixture.Json("""{"name":"Văn thư phòng A","role":"records-officer"}"""));
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        var key = body.GetProperty("key").GetString()!;
        var id = body.GetProperty("info").GetProperty("id").GetString()!;
        created.Headers.Location!.ToString().ShouldBe($"/api/v1/api-keys/{id}");

        var list = await admin.GetStringAsync("/api/v1/api-keys");
        list.ShouldContain(id);
        list.ShouldNotContain(key);
        list.ShouldNotContain(key[^20..]);
        list.ShouldNotContain("hash", Case.Insensitive);

        var officer = api.ClientWithKey(key);
        (await officer.GetAsync("/api/v1/search")).StatusCode.ShouldBe(HttpStatusCode.OK);
        await (await officer.GetAsync("/api/v1/api-keys")).ShouldBeProblemAsync(403);
    }

    [Fact]
    public async Task revoking_a_key_locks_it_out_and_a_second_revoke_is_404()
    {
        var admin = await api.ClientAsync(Roles.Admin);
        var key = await api.KeyAsync(Roles.Legal);
        (await admin.DeleteAsync($"/api/v1/api-keys/{key.Info.Id}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        await (await api.ClientWithKey(key.Key).GetAsync("/api/v1/search")).ShouldBeProblemAsync(401);
        await (await admin.DeleteAsync($"/api/v1/api-keys/{key.Info.Id}")).ShouldBeProblemAsync(404);
    }

    [Fact]
    public async Task creating_a_key_with_an_unknown_role_is_a_bilingual_validation_problem()
    {
        var admin = await api.ClientAsync(Roles.Admin);
        var problem = await (await admin.PostAsync("/api/v1/api-keys", ApiFixture.Json("""{"name":"","role":"god"}"""))).ShouldBeProblemAsync(400);
        problem.ErrorFields().ShouldBe(["name", "role"], ignoreOrder: true);
        var error = problem.GetProperty("errors")[0];
        error.GetProperty("code").GetString().ShouldNotBeNullOrEmpty();
        error.GetProperty("message_vi").GetString().ShouldNotBeNullOrEmpty();
        error.GetProperty("message_en").GetString().ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public async Task a_missing_key_is_401_with_a_challenge()
    {
        var response = await api.Anonymous().GetAsync("/api/v1/api-keys");
        await response.ShouldBeProblemAsync(401);
        response.Headers.WwwAuthenticate.ToString().ShouldContain("X-Api-Key");
    }
}
