using System.Net.Http.Headers;
using Archive.Api.Infrastructure.Auth;
using Archive.Api.Tests.Support;

namespace Archive.Api.Tests;

public class problem_details(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task malformed_json_is_400_not_500()
    {
        var admin = await api.ClientAsync(Roles.Admin);
        var problem = await (await admin.PostAsync("/api/v1/saved-searches", ApiFixture.Json("{\"name\": "))).ShouldBeProblemAsync(400);
        problem.GetProperty("code").GetString().ShouldBe("invalid-json");
        problem.GetProperty("detail_en").GetString().ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public async Task a_json_value_of_the_wrong_type_is_400()
    {
        var admin = await api.ClientAsync(Roles.Admin);
        await (await admin.PostAsync("/api/v1/saved-searches", ApiFixture.Json("""{"name": 5, "query": {"year": "nam"}}"""))).ShouldBeProblemAsync(400);
    }

    [Fact]
    public async Task a_bad_query_parameter_is_400()
    {
        var client = await api.ClientAsync(Roles.Auditor);
        await (await client.GetAsync("/api/v1/search?year=two-thousand")).ShouldBeProblemAsync(400);
    }

    [Fact]
    public async Task a_wrong_content_type_is_a_4xx_problem()
    {
        var admin = await api.ClientAsync(Roles.Admin);
        var response = await admin.PostAsync("/api/v1/saved-searches", new StringContent("name=x", System.Text.Encoding.UTF8, "text/plain"));
        ((int)response.StatusCode).ShouldBeInRange(400, 499);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
    }

    [Fact]
    public async Task unknown_routes_answer_a_404_problem()
    {
        var admin = await api.ClientAsync(Roles.Admin);
        await (await admin.GetAsync("/api/v1/nothing-here")).ShouldBeProblemAsync(404);
    }

    [Fact]
    public async Task titles_follow_accept_language_with_both_languages_present()
    {
        var client = api.Anonymous();
        var vi = await (await client.GetAsync("/api/v1/search")).ShouldBeProblemAsync(401);
        vi.GetProperty("title").GetString().ShouldBe("Chưa xác thực");

        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/search");
        request.Headers.AcceptLanguage.Add(new StringWithQualityHeaderValue("en-US"));
        var en = await (await client.SendAsync(request)).ShouldBeProblemAsync(401);
        en.GetProperty("title").GetString().ShouldBe("Unauthorized");
        en.GetProperty("title_vi").GetString().ShouldBe("Chưa xác thực");
    }
}
