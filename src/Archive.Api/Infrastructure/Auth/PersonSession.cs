namespace Archive.Api.Infrastructure.Auth;

/// <summary>
/// The web application's cookie session of a person (see <c>Web/WebSetup.cs</c>). The API's policies accept it next to
/// API keys, so the pages' scripts call the same endpoints; unsafe requests on a session must carry the antiforgery token.
/// </summary>
public static class PersonSession
{
    public const string Scheme = "Session";
    public const string CookieName = "archive.session";
}
