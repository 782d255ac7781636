using System.Text.Encodings.Web;
using System.Text.Json;

namespace Archive.Api.Infrastructure.Json;

/// <summary>
/// The one JSON setting of every answer: Vietnamese stays readable UTF-8 ("Hồ sơ", not "H\u1ED3 s\u01A1").
/// The default encoder escapes everything outside Basic Latin, and also ' &lt; &gt; &amp; + (so "trường 'name'" would read
/// "tr\u01B0\u1EDDng \u0027name\u0027"). The relaxed encoder writes all of Unicode as UTF-8 and escapes only what JSON
/// needs (quotes, backslash, control characters, lone surrogates). "Unsafe" refers to pasting the JSON into an HTML
/// page unencoded; the API serves it as application/json (or application/jsonl), never inside HTML.
/// </summary>
public static class ArchiveJson
{
    public static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    /// <summary>Web defaults (camelCase) with <see cref="Encoder"/>, for bodies written outside the minimal-API results (JSON Lines).</summary>
    public static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web) { Encoder = Encoder };

    /// <summary>Minimal-API results, problem details (RFC 9457) and everything else serialized through the host's options.</summary>
    public static IServiceCollection AddArchiveJson(this IServiceCollection services) =>
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Encoder = Encoder);
}
