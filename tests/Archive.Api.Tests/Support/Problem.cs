using System.Net.Http.Json;
using System.Text.Json;

namespace Archive.Api.Tests.Support;

public static class ProblemAssertions
{
    /// <summary>Asserts an RFC 9457 body with bilingual titles and returns it.</summary>
    public static async Task<JsonElement> ShouldBeProblemAsync(this HttpResponseMessage response, int status)
    {
        ((int)response.StatusCode).ShouldBe(status, await response.Content.ReadAsStringAsync());
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        body.GetProperty("status").GetInt32().ShouldBe(status);
        body.GetProperty("title_vi").GetString().ShouldNotBeNullOrWhiteSpace();
        body.GetProperty("title_en").GetString().ShouldNotBeNullOrWhiteSpace();
        return body;
    }

    public static IEnumerable<string> ErrorFields(this JsonElement problem) =>
        problem.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()!);
}
