using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Archive.Api.Tests.Support;

namespace Archive.Api.Tests;

public class openapi_document(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task the_document_is_anonymous_and_declares_the_api_key_scheme()
    {
        var doc = await api.Anonymous().GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var scheme = doc.GetProperty("components").GetProperty("securitySchemes").GetProperty("ApiKey");
        scheme.GetProperty("type").GetString().ShouldBe("apiKey");
        scheme.GetProperty("name").GetString().ShouldBe("X-Api-Key");
        scheme.GetProperty("in").GetString().ShouldBe("header");
        doc.GetProperty("paths").TryGetProperty("/api/v1/search", out _).ShouldBeTrue();
    }

    [Fact]
    public async Task swagger_ui_is_served()
    {
        var response = await api.Anonymous().GetAsync("/swagger/index.html");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).ShouldContain("swagger", Case.Insensitive);
    }
}
