using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Archive.Api.Infrastructure.Auth;
using Archive.Api.Tests.Support;

namespace Archive.Api.Tests;

/// <summary>Saved searches, and through them the ETag / If-Match helpers.</summary>
public class saved_searches(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static HttpRequestMessage Put(string url, string json, string? ifMatch)
    {
        var r = new HttpRequestMessage(HttpMethod.Put, url) { Content = ApiFixture.Json(json) };
        if (ifMatch is not null) r.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return r;
    }

    [Fact]
    public async Task reads_carry_an_etag_and_updates_need_the_current_one()
    {
        var client = await api.ClientAsync(Roles.RecordsOfficer);
        var created = await client.PostAsync("/api/v1/saved-searches", ApiFixture.Json("""{"name":"Quyết định 2020","query":{"text":"quyết định","year":2020}}"""));
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        created.Headers.ETag!.Tag.ShouldBe("\"1\"");
        var url = created.Headers.Location!.ToString();

        var read = await client.GetAsync(url);
        read.Headers.ETag!.Tag.ShouldBe("\"1\"");
        (await read.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("query").GetProperty("year").GetInt32().ShouldBe(2020);

        await (await client.SendAsync(Put(url, """{"name":"x"}""", null))).ShouldBeProblemAsync(428);
        await (await client.SendAsync(Put(url, """{"name":"x"}""", "\"abc\""))).ShouldBeProblemAsync(400);

        var updated = await client.SendAsync(Put(url, """{"name":"Quyết định 2021","query":{"year":2021}}""", "\"1\""));
        updated.StatusCode.ShouldBe(HttpStatusCode.OK);
        updated.Headers.ETag!.Tag.ShouldBe("\"2\"");

        var stale = await client.SendAsync(Put(url, """{"name":"lost update"}""", "\"1\""));
        await stale.ShouldBeProblemAsync(412);
        stale.Headers.ETag!.Tag.ShouldBe("\"2\"");
        (await client.GetFromJsonAsync<JsonElement>(url)).GetProperty("name").GetString().ShouldBe("Quyết định 2021");
    }

    [Fact]
    public async Task delete_needs_if_match_and_then_the_search_is_gone()
    {
        var client = await api.ClientAsync(Roles.Legal);
        var url = (await client.PostAsync("/api/v1/saved-searches", ApiFixture.Json("""{"name":"tạm"}"""))).Headers.Location!.ToString();
        await (await client.DeleteAsync(url)).ShouldBeProblemAsync(428);
        var delete = new HttpRequestMessage(HttpMethod.Delete, url);
        delete.Headers.IfMatch.Add(new EntityTagHeaderValue("\"1\""));
        (await client.SendAsync(delete)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        await (await client.GetAsync(url)).ShouldBeProblemAsync(404);
    }

    [Fact]
    public async Task each_caller_sees_only_their_own_searches()
    {
        var mine = await api.ClientAsync(Roles.Auditor);
        var theirs = await api.ClientAsync(Roles.Auditor);
        var url = (await mine.PostAsync("/api/v1/saved-searches", ApiFixture.Json("""{"name":"riêng tư"}"""))).Headers.Location!.ToString();
        await (await theirs.GetAsync(url)).ShouldBeProblemAsync(404);
        (await theirs.GetFromJsonAsync<JsonElement>("/api/v1/saved-searches")).GetArrayLength().ShouldBe(0);
        (await mine.GetFromJsonAsync<JsonElement>("/api/v1/saved-searches")).GetArrayLength().ShouldBe(1);
    }

    [Fact]
    public async Task an_invalid_stored_query_is_rejected_with_field_paths()
    {
        var client = await api.ClientAsync(Roles.ApiClient);
        var problem = await (await client.PostAsync("/api/v1/saved-searches",
            ApiFixture.Json("""{"name":"x","query":{"kind":"folder","dateFrom":"2021-01-01","dateTo":"2020-01-01"}}"""))).ShouldBeProblemAsync(400);
        problem.ErrorFields().ShouldBe(["query.kind", "query.from"], ignoreOrder: true);
    }
}

public class saved_search_results(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task running_a_saved_search_applies_its_query_and_the_callers_clearance()
    {
        var index = api.Service<Archive.Api.Infrastructure.Search.SearchIndex>();
        var fonds = "F-" + Guid.NewGuid().ToString("N")[..8];
        await index.UpsertAsync(new() { Id = $"{fonds}-1", Kind = "document", FondsId = fonds, Title = "Quyết định khen thưởng" }, default);
        await index.UpsertAsync(new() { Id = $"{fonds}-2", Kind = "document", FondsId = fonds, Title = "Quyết định kỷ luật", AccessRegime = AccessRegimes.Secret }, default);
        var body = "{\"name\":\"qđ\",\"query\":{\"text\":\"quyet dinh\",\"fondsId\":\"" + fonds + "\"}}";

        foreach (var (cleared, expected) in new[] { (false, 1), (true, 2) })
        {
            var client = await api.ClientAsync(Roles.Legal, cleared);
            var url = (await client.PostAsync("/api/v1/saved-searches", ApiFixture.Json(body))).Headers.Location!.ToString();
            var page = await client.GetFromJsonAsync<JsonElement>(url + "/results");
            page.GetProperty("items").GetArrayLength().ShouldBe(expected);
        }
    }
}
