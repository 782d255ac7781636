using System.Text.Json;

namespace Archive.EventStore.Encryption;

/// <summary>One stream whose key was destroyed (crypto-shredded), and when.</summary>
public sealed record ShreddingEntry(string StreamId, DateTimeOffset ShreddedAt);

/// <summary>
/// Sổ hủy khóa (shredding ledger): a JSON Lines file of every stream whose key was destroyed, kept outside the backed-up
/// set (in each backup target) so that a restore of a backup taken before a destruction destroys those keys again.
/// It holds stream ids and times only, never a key or a title. Appends are whole lines, fsynced; a torn last line
/// (a crash mid-append) is skipped on reading, and duplicates are harmless (the earliest time wins).
/// </summary>
public static class ShreddingLedger
{
    public const string FileName = "shredding-ledger.jsonl";

    public static void Append(string path, IEnumerable<ShreddingEntry> entries)
    {
        var lines = string.Concat(entries.Select(e => JsonSerializer.Serialize(new { stream = e.StreamId, shredded_at = e.ShreddedAt }) + "\n"));
        if (lines.Length == 0) return;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var options = new FileStreamOptions { Mode = FileMode.Append, Access = FileAccess.Write, Share = FileShare.Read };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var f = new FileStream(path, options);
        f.Write(System.Text.Encoding.UTF8.GetBytes(lines));
        f.Flush(flushToDisk: true);
    }

    /// <summary>The entries of a ledger file, one per stream (earliest time); empty when the file does not exist.</summary>
    public static IReadOnlyDictionary<string, DateTimeOffset> Read(string path)
    {
        var result = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        if (!File.Exists(path)) return result;
        foreach (var line in File.ReadLines(path))
        {
            try
            {
                using var doc = JsonDocument.Parse(line);
                var stream = doc.RootElement.GetProperty("stream").GetString();
                var at = doc.RootElement.GetProperty("shredded_at").GetDateTimeOffset();
                if (string.IsNullOrEmpty(stream)) continue;
                if (!result.TryGetValue(stream, out var seen) || at < seen) result[stream] = at;
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException) { }
        }
        return result;
    }
}
