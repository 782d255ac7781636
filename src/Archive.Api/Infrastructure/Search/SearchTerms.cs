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
            AddWithTails(terms, word);
            // "dinh," and "2019." are also indexed as "dinh" and "2019": a whole-word query term (MatchQuery) finds them.
            var end = word.Length;
            while (end > 0 && !char.IsLetterOrDigit(word[end - 1])) end--;
            if (end > 0 && end < word.Length) AddWithTails(terms, word[..end]);
        }
        return [.. terms];
    }

    private static void AddWithTails(HashSet<string> terms, string word)
    {
        terms.Add(Clip(word));
        var tails = 0;
        for (var i = 1; i < word.Length && tails < MaxTailsPerWord; i++)
            if (!char.IsLetterOrDigit(word[i - 1]) && char.IsLetterOrDigit(word[i]))
            {
                terms.Add(Clip(word[i..]));
                tails++;
            }
    }

    /// <summary>
    /// A tsquery text that is true when every query term is a prefix of some record term. Terms are quoted,
    /// so no text search parsing or stemming applies.
    /// </summary>
    public static string Query(IEnumerable<string> queryTerms) => string.Join(" & ", queryTerms.Select(t => Lexeme(t, prefix: true)));

    /// <summary>
    /// The tsquery of each query term as the search matches it: one term alone may start a word (<c>quy</c> finds
    /// <c>quyết</c>); in a query of several, a term of letters only is a whole word, and a term holding digits or
    /// punctuation (a code, a number) may start one. Why: a prefix lexeme makes the word index gather the posting lists of
    /// every word that starts so into one bitmap, and Vietnamese syllables are short (<c>xa</c> starts <c>xã, xác, xanh,
    /// xây…</c>): over a million documents with their page text, a phrase of such prefixes cost a full scan's worth of
    /// posting lists, while whole words are intersected by the index directly.
    /// </summary>
    public static string[] MatchTerms(IReadOnlyList<string> queryTerms) =>
        [.. queryTerms.Select(t => Lexeme(t, prefix: queryTerms.Count == 1 || !t.All(char.IsLetter)))];

    /// <summary>Every query term as <see cref="MatchTerms"/> matches it.</summary>
    public static string MatchQuery(IReadOnlyList<string> queryTerms) => string.Join(" & ", MatchTerms(queryTerms));

    /// <summary>Any one query term as <see cref="MatchTerms"/> matches it.</summary>
    public static string AnyQuery(IReadOnlyList<string> queryTerms) => string.Join(" | ", MatchTerms(queryTerms));

    private static string Lexeme(string term, bool prefix) =>
        "'" + Clip(term).Replace("\\", "\\\\").Replace("'", "''") + (prefix ? "':*" : "'");

    private static string Clip(string s) => s.Length <= MaxLength ? s : s[..MaxLength];
}
