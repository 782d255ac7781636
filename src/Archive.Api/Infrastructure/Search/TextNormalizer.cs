using System.Globalization;
using System.Text;

namespace Archive.Api.Infrastructure.Search;

/// <summary>
/// Vietnamese-insensitive text (bỏ dấu): NFC, lower-case, đ→d, combining marks removed,
/// whitespace collapsed. Applied to both indexed text and queries, so "quyet dinh" matches
/// "Quyết định" whether the source was stored precomposed (NFC) or decomposed (NFD).
/// </summary>
public static class TextNormalizer
{
    public static string Normalize(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return "";
        var lower = text.Normalize(NormalizationForm.FormC).ToLower(CultureInfo.InvariantCulture).Replace('đ', 'd');
        var sb = new StringBuilder(lower.Length);
        var space = false;
        foreach (var c in lower.Normalize(NormalizationForm.FormD))
        {
            var cat = CharUnicodeInfo.GetUnicodeCategory(c);
            if (cat == UnicodeCategory.NonSpacingMark) continue;
            if (char.IsWhiteSpace(c)) { space = sb.Length > 0; continue; }
            if (space) { sb.Append(' '); space = false; }
            sb.Append(c);
        }
        return sb.ToString().Normalize(NormalizationForm.FormC);
    }

    public static string[] Terms(string? query) =>
        Normalize(query).Split(' ', StringSplitOptions.RemoveEmptyEntries).Distinct().Take(20).ToArray();
}
