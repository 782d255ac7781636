using Alba;
using Archive.Api.Infrastructure.Auth;
using Archive.Api.Tests.Support;

namespace Archive.Api.Tests;

public class problem_details(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task malformed_json_is_400_not_500()
    {
        var admin = await api.CallerAsync(Roles.Admin);
        var problem = await (await admin.Scenario(s =>
        {
            s.Post.RawJson("{\"name\": ").ToUrl("/api/v1/saved-searches");
            s.ProblemShouldBe(400, code: "invalid-json");
        })).JsonAsync();
        problem.GetProperty("detail_en").GetString().ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public async Task a_json_value_of_the_wrong_type_is_400()
    {
        var admin = await api.CallerAsync(Roles.Admin);
        await admin.Scenario(s =>
        {
            s.Post.RawJson("""{"name": 5, "query": {"year": "nam"}}""").ToUrl("/api/v1/saved-searches");
            s.ProblemShouldBe(400);
        });
    }

    [Fact]
    public async Task a_bad_query_parameter_is_400()
    {
        var auditor = await api.CallerAsync(Roles.Auditor);
        await auditor.Scenario(s => { s.Get.Url("/api/v1/search?year=two-thousand"); s.ProblemShouldBe(400); });
    }

    [Fact]
    public async Task a_wrong_content_type_is_a_4xx_problem()
    {
        var admin = await api.CallerAsync(Roles.Admin);
        var result = await admin.Scenario(s =>
        {
            s.Post.Text("name=x").ToUrl("/api/v1/saved-searches");
            s.IgnoreStatusCode();
            s.ContentTypeShouldBe("application/problem+json");
        });
        result.Context.Response.StatusCode.ShouldBeInRange(400, 499);
    }

    [Fact]
    public async Task unknown_routes_answer_a_404_problem()
    {
        var admin = await api.CallerAsync(Roles.Admin);
        await admin.Scenario(s => { s.Get.Url("/api/v1/nothing-here"); s.ProblemShouldBe(404); });
    }

    [Fact]
    public async Task titles_follow_accept_language_with_both_languages_present()
    {
        await api.Host.Scenario(s =>
        {
            s.Get.Url("/api/v1/search");
            s.ProblemShouldBe(401);
            s.JsonPath("$.title").ShouldBe("Chưa xác thực");
        });
        await api.Host.Scenario(s =>
        {
            s.Get.Url("/api/v1/search");
            s.WithRequestHeader("Accept-Language", "en-US");
            s.ProblemShouldBe(401);
            s.JsonPath("$.title").ShouldBe("Unauthorized");
            s.JsonPath("$.title_vi").ShouldBe("Chưa xác thực");
        });
    }
}
