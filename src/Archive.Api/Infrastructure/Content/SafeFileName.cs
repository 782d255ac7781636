namespace Archive.Api.Infrastructure.Content;

/// <summary>
/// A file name as the archive keeps and gives it back (in <c>Content-Disposition</c>): only the base name of what the
/// client sent (no folders, so <c>../../../../etc/passwd</c> becomes <c>passwd</c>), without control characters or
/// leading dots, at most 255 characters; the fallback when nothing is left.
/// </summary>
public static class SafeFileName
{
    public static string From(string? name, string fallback)
    {
        if (string.IsNullOrWhiteSpace(name)) return fallback;
        var text = name.Replace('\\', '/');
        text = text[(text.LastIndexOf('/') + 1)..];
        text = new string(text.Where(c => !char.IsControl(c) && c is not ('"' or ':' or '*' or '?' or '<' or '>' or '|')).ToArray()).Trim().TrimStart('.');
        if (text.Length > 255) text = text[^255..];
        return text.Length == 0 ? fallback : text;
    }
}
