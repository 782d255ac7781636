using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Archive.Cli.Audit;

public enum FixityProblem { Mismatch, Unreadable, Unexpected, Missing }

public sealed record FixityFinding(FixityProblem Problem, string Path, string Detail)
{
    public override string ToString() => $"{Problem.ToString().ToUpperInvariant()} {Path}: {Detail}";
}

public sealed record FixityReport(int FilesChecked, IReadOnlyList<FixityFinding> Findings);

/// <summary>
/// Fixity of a content-addressed folder: every blob is stored as <c>ab/cd/&lt;sha256 hex&gt;</c>
/// (the first two byte pairs of its own hash as folders), so its name is its checksum. A blob the database
/// references (<paramref name="referenced"/>) and the folder lacks is reported missing, as the API's fixity check does.
/// </summary>
public static partial class ContentFixity
{
    public static async Task<FixityReport> CheckAsync(string root, IReadOnlyCollection<string>? referenced = null, CancellationToken ct = default)
    {
        var findings = new List<FixityFinding>();
        var checkedFiles = 0;
        foreach (var sha in (referenced ?? []).Select(h => h.ToLowerInvariant()).Distinct().Order(StringComparer.Ordinal))
        {
            if (!Sha256Hex().IsMatch(sha)) continue;
            var relative = $"{sha[..2]}/{sha[2..4]}/{sha}";
            if (!File.Exists(Path.Combine(root, sha[..2], sha[2..4], sha)))
                findings.Add(new(FixityProblem.Missing, relative, "referenced by the database, not in the content folder"));
        }
        var files = Directory.EnumerateFiles(root, "*", new EnumerationOptions
        {
            RecurseSubdirectories = true, IgnoreInaccessible = false, AttributesToSkip = 0,
        }).Order(StringComparer.Ordinal);
        foreach (var path in files)
        {
            var relative = Path.GetRelativePath(root, path).Replace(Path.DirectorySeparatorChar, '/');
            var name = Path.GetFileName(path);
            if (!Sha256Hex().IsMatch(name) || !string.Equals(relative, $"{name[..2]}/{name[2..4]}/{name}", StringComparison.OrdinalIgnoreCase))
            {
                // A file that is not named by its hash cannot be checked, and the store never writes one.
                findings.Add(new(FixityProblem.Unexpected, relative, "not stored as ab/cd/<sha256 hex>"));
                continue;
            }
            checkedFiles++;
            try
            {
                await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
                var actual = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, ct));
                if (!string.Equals(actual, name, StringComparison.OrdinalIgnoreCase))
                    findings.Add(new(FixityProblem.Mismatch, relative, $"content hashes to {actual}"));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                findings.Add(new(FixityProblem.Unreadable, relative, e.Message));
            }
        }
        return new FixityReport(checkedFiles, findings);
    }

    [GeneratedRegex("^[0-9a-fA-F]{64}$")]
    private static partial Regex Sha256Hex();
}
