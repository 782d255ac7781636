using System.Text.Json;
using System.Text.Json.Nodes;
using Alba;
using Archive.Api.Infrastructure.Auth;

namespace Archive.Api.Tests.Support;

/// <summary>
/// A caller holding an API key of one role: its Alba scenarios carry the key, so a test reads as
/// "the records officer posts this and gets that".
/// </summary>
public sealed class ApiCaller(IAlbaHost host, CreatedApiKey key, HttpClient client)
{
    public CreatedApiKey Key => key;

    /// <summary>A plain client with the same key, for the builders in <see cref="Records"/>.</summary>
    public HttpClient Client => client;

    /// <summary>The actor id the archive records in event metadata for this caller.</summary>
    public string Actor => key.Info.Id;

    /// <summary>Runs an Alba scenario with this caller's key; Alba expects 200 unless the scenario says otherwise.</summary>
    public Task<IScenarioResult> Scenario(Action<Scenario> configure) => host.Scenario(s =>
    {
        s.WithRequestHeader(ApiKeyAuthentication.Header, key.Key);
        configure(s);
    });
}

public static class ScenarioExtensions
{
    /// <summary>A caller with a fresh key of <paramref name="role"/>, created through the real key store.</summary>
    public static async Task<ApiCaller> CallerAsync(this ApiFixture api, string role, bool clearedForSecret = false)
    {
        var key = await api.KeyAsync(role, clearedForSecret);
        return new ApiCaller(api.Host, key, api.ClientWithKey(key.Key));
    }

    /// <summary>Sends <c>If-Match</c> (optimistic concurrency on edits).</summary>
    public static Scenario IfMatch(this Scenario s, string etag)
    {
        s.WithRequestHeader("If-Match", etag);
        return s;
    }

    /// <summary>
    /// Expects an RFC 9457 answer with this status and bilingual titles (and, when given, this problem
    /// <paramref name="code"/>); the body is then read with <see cref="JsonAsync"/>.
    /// </summary>
    public static Scenario ProblemShouldBe(this Scenario s, int status, string? code = null)
    {
        s.StatusCodeShouldBe(status);
        s.ContentTypeShouldBe("application/problem+json");
        s.AssertThat(new BilingualProblem(status, code));
        return s;
    }

    /// <summary>The response body as JSON.</summary>
    public static Task<JsonElement> JsonAsync(this IScenarioResult result) => result.ReadAsJsonAsync<JsonElement>()!;

    /// <summary>The response's ETag header.</summary>
    public static string ETag(this IScenarioResult result) => result.Context.Response.Headers.ETag.ToString();

    private sealed class BilingualProblem(int status, string? code) : IScenarioAssertion
    {
        public void Assert(Scenario scenario, AssertionContext context)
        {
            JsonNode? body;
            try { body = JsonNode.Parse(context.ReadBodyAsString()); }
            catch (JsonException) { body = null; }
            if (body is null)
            {
                context.AddFailure("the problem body is not JSON");
                return;
            }
            if ((int?)body["status"] != status) context.AddFailure($"problem status is {body["status"]}, expected {status}");
            foreach (var title in new[] { "title_vi", "title_en" })
                if (string.IsNullOrWhiteSpace((string?)body[title])) context.AddFailure($"problem has no {title}");
            if (code is not null && (string?)body["code"] != code) context.AddFailure($"problem code is '{body["code"]}', expected '{code}'");
        }
    }
}
