using System.Globalization;

namespace Archive.Cli.Backup;

/// <summary>
/// Nhật ký sao lưu (backup log, TT 02/2019 Điều 10, Phụ lục VI): one plain-text file per target, <c>nhat-ky-sao-luu.log</c>,
/// to which every backup and restore appends a block an officer can read, in Vietnamese with English alongside: when,
/// who, what kind, which set, what it holds, and the result.
/// </summary>
public static class BackupLog
{
    public const string FileName = "nhat-ky-sao-luu.log";
    private static readonly CultureInfo Vi = CultureInfo.GetCultureInfo("vi-VN");

    public static string Time(DateTimeOffset at) => at.ToOffset(BackupSets.VietnamOffset).ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture);

    public static string Number(long n) => n.ToString("N0", Vi);

    public static string Size(long bytes) => bytes switch
    {
        < 1024 * 1024 => (bytes / 1024.0).ToString("0.0", Vi) + " KB",
        < 1024L * 1024 * 1024 => (bytes / 1024.0 / 1024).ToString("0.0", Vi) + " MB",
        _ => (bytes / 1024.0 / 1024 / 1024).ToString("0.00", Vi) + " GB",
    };

    /// <summary>Appends one block (a title line and "label: value" lines); a target that cannot be written is reported by the caller.</summary>
    public static void Append(string target, string title, IEnumerable<(string Label, string Value)> lines)
    {
        Directory.CreateDirectory(target);
        var text = $"=== {title}\n" + string.Concat(lines.Select(l => $"    {l.Label}: {l.Value}\n")) + "\n";
        File.AppendAllText(Path.Combine(target, FileName), text);
    }
}
