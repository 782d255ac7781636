using System.Text;

namespace Archive.Api.Infrastructure.Search;

/// <summary>
/// The word-level index of the search table (từ khóa tra cứu). A record's terms are the words of its normalized text
/// (split on spaces) plus, for a word holding punctuation, each of its tails that starts a part: <c>000.00.07.h29.2019</c>
/// gives itself, <c>00.07.h29.2019</c>, <c>07.h29.2019</c>, <c>h29.2019</c> and <c>2019</c>. A query term matches a
/// record when it is a prefix of one of its terms, so a term is found at the start of a word or of any part of a code,
/// and an exact code costs one short range of the index instead of a bitmap of trigrams shared by every code.
/// </summary>
public static class SearchTerms
{
    /// <summary>Longer terms are indexed by their first <see cref="MaxLength"/> characters (a lexeme holds at most 2 KB).</summary>
    public const int MaxLength = 200;

    private const int MaxTailsPerWord = 32;
    private const int MaxTerms = 4000;

    public static string[] Of(string normalizedText)
    {
        var terms = new HashSet<string>(StringComparer.Ordinal);
        foreach (var word in normalizedText.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (terms.Count >= MaxTerms) break;
            terms.Add(Clip(word));
            var tails = 0;
            for (var i = 1; i < word.Length && tails < MaxTailsPerWord; i++)
                if (!char.IsLetterOrDigit(word[i - 1]) && char.IsLetterOrDigit(word[i]))
                {
                    terms.Add(Clip(word[i..]));
                    tails++;
                }
        }
        return [.. terms];
    }

    /// <summary>
    /// A tsquery text that is true when every query term is a prefix of some record term. Terms are quoted,
    /// so no text search parsing or stemming applies.
    /// </summary>
    public static string Query(IEnumerable<string> queryTerms)
    {
        var sb = new StringBuilder();
        foreach (var t in queryTerms)
        {
            if (sb.Length > 0) sb.Append(" & ");
            sb.Append('\'').Append(Clip(t).Replace("\\", "\\\\").Replace("'", "''")).Append("':*");
        }
        return sb.ToString();
    }

    private static string Clip(string s) => s.Length <= MaxLength ? s : s[..MaxLength];
}
