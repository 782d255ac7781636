using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Archive.Api.Infrastructure.Auth;
using Archive.Api.Infrastructure.Idempotency;
using Archive.Api.Tests.Support;
using Npgsql;

namespace Archive.Api.Tests;

public class idempotency_keys(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static HttpRequestMessage Post(string url, HttpContent content, string key)
    {
        var r = new HttpRequestMessage(HttpMethod.Post, url) { Content = content };
        r.Headers.Add(IdempotencyExtensions.Header, key);
        return r;
    }

    private async Task<long> SavedSearchCount(string name)
    {
        await using var db = NpgsqlDataSource.Create(api.ConnectionString);
        await using var cmd = db.CreateCommand("select count(*) from archive_api.saved_searches where name = $1");
        cmd.Parameters.AddWithValue(name);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task a_retried_post_replays_the_first_response_without_executing_again()
    {
        var client = await api.ClientAsync(Roles.RecordsOfficer);
        var body = """{"name":"retry-once","query":{"text":"quyết định"}}""";
        var first = await client.SendAsync(Post("/api/v1/saved-searches", ApiFixture.Json(body), "k-1"));
        var second = await client.SendAsync(Post("/api/v1/saved-searches", ApiFixture.Json(body), "k-1"));

        first.StatusCode.ShouldBe(HttpStatusCode.Created);
        second.StatusCode.ShouldBe(HttpStatusCode.Created);
        second.Headers.Location.ShouldBe(first.Headers.Location);
        second.Headers.ETag.ShouldBe(first.Headers.ETag);
        (await second.Content.ReadAsStringAsync()).ShouldBe(await first.Content.ReadAsStringAsync());
        second.Headers.GetValues(IdempotencyExtensions.ReplayedHeader).ShouldBe(["true"]);
        (await SavedSearchCount("retry-once")).ShouldBe(1);
    }

    [Fact]
    public async Task the_same_key_with_a_different_body_is_422()
    {
        var client = await api.ClientAsync(Roles.RecordsOfficer);
        (await client.SendAsync(Post("/api/v1/saved-searches", ApiFixture.Json("""{"name":"a"}"""), "k-2"))).StatusCode.ShouldBe(HttpStatusCode.Created);
        var problem = await (await client.SendAsync(Post("/api/v1/saved-searches", ApiFixture.Json("""{"name":"b"}"""), "k-2"))).ShouldBeProblemAsync(422);
        problem.GetProperty("code").GetString().ShouldBe("idempotency-key-reused");
        (await SavedSearchCount("b")).ShouldBe(0);
    }

    [Fact]
    public async Task keys_are_scoped_to_the_caller()
    {
        var one = await api.ClientAsync(Roles.Legal);
        var two = await api.ClientAsync(Roles.Legal);
        (await one.SendAsync(Post("/api/v1/saved-searches", ApiFixture.Json("""{"name":"scoped"}"""), "shared"))).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await two.SendAsync(Post("/api/v1/saved-searches", ApiFixture.Json("""{"name":"scoped"}"""), "shared"))).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await SavedSearchCount("scoped")).ShouldBe(2);
    }

    [Fact]
    public async Task concurrent_duplicates_execute_once()
    {
        var client = await api.ClientAsync(Roles.RecordsOfficer);
        var body = """{"name":"concurrent"}""";
        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ =>
            client.SendAsync(Post("/api/v1/saved-searches", ApiFixture.Json(body), "k-concurrent"))));

        responses.ShouldAllBe(r => r.StatusCode == HttpStatusCode.Created || r.StatusCode == HttpStatusCode.Conflict);
        var ids = new List<string>();
        foreach (var r in responses.Where(r => r.StatusCode == HttpStatusCode.Created))
            ids.Add((await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!);
        ids.Distinct().Count().ShouldBe(1);
        (await SavedSearchCount("concurrent")).ShouldBe(1);
    }

    [Fact]
    public async Task a_failed_validation_is_replayed_too_but_a_new_key_runs_again()
    {
        var client = await api.ClientAsync(Roles.RecordsOfficer);
        await (await client.SendAsync(Post("/api/v1/saved-searches", ApiFixture.Json("""{"name":""}"""), "k-bad"))).ShouldBeProblemAsync(400);
        await (await client.SendAsync(Post("/api/v1/saved-searches", ApiFixture.Json("""{"name":""}"""), "k-bad"))).ShouldBeProblemAsync(400);
        (await client.SendAsync(Post("/api/v1/saved-searches", ApiFixture.Json("""{"name":"fixed"}"""), "k-good"))).StatusCode.ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task an_upload_retry_is_replayed_and_the_store_sees_one_blob()
    {
        var admin = await api.ClientAsync(Roles.Admin);
        var pdf = PdfSamples.Scan(300, color: true, fill: 0x11);
        var first = await admin.SendAsync(Post("/api/v1/blobs", ApiFixture.Bytes(pdf), "upload-1"));
        var second = await admin.SendAsync(Post("/api/v1/blobs", ApiFixture.Bytes(pdf), "upload-1"));
        first.StatusCode.ShouldBe(HttpStatusCode.Created);
        second.Headers.Contains(IdempotencyExtensions.ReplayedHeader).ShouldBeTrue();
        (await second.Content.ReadAsStringAsync()).ShouldBe(await first.Content.ReadAsStringAsync());
        var other = PdfSamples.Scan(300, color: true, fill: 0x12);
        await (await admin.SendAsync(Post("/api/v1/blobs", ApiFixture.Bytes(other), "upload-1"))).ShouldBeProblemAsync(422);
    }
}
