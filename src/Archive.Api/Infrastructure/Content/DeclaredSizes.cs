using System.Text.RegularExpressions;

namespace Archive.Api.Infrastructure.Content;

/// <summary>
/// Sizes a PDF declares about itself (<c>/Length</c> of a stream, <c>/Size</c> of a cross-reference table) bounded by
/// the real file: a stream cannot be longer than the file, and a file of n bytes cannot hold more than n objects. A
/// parser that trusts them allocates what an attacker wrote; this check runs before any parser does.
/// </summary>
public static partial class DeclaredSizes
{
    /// <summary>The first declared size larger than the file, as a short reason; null when every one fits.</summary>
    public static string? Exceeding(Stream pdf)
    {
        if (!pdf.CanSeek) return null;
        var start = pdf.Position;
        var length = pdf.Length - start;
        try
        {
            // Latin-1 keeps one char per byte, so the text is as long as the file.
            using var reader = new StreamReader(pdf, System.Text.Encoding.Latin1, false, 1 << 16, leaveOpen: true);
            var text = reader.ReadToEnd();
            foreach (Match m in Declared().Matches(text))
                if (!long.TryParse(m.Groups["n"].Value, out var n) || n > length)
                    return $"declared-{m.Groups["key"].Value.ToLowerInvariant()}-exceeds-file ({m.Groups["n"].Value} > {length} bytes)";
            return null;
        }
        finally { pdf.Position = start; }
    }

    [GeneratedRegex(@"/(?<key>Length|Size)\s+(?<n>\d{1,30})(?!\d)(?!\s+\d+\s+R)")]
    private static partial Regex Declared();
}
