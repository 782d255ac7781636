namespace Archive.Bench;

/// <summary>
/// Real Vietnamese administrative text from the provinces' plans in ../shared/seeds, cut into
/// lines usable as titles, subjects and keywords of generated records.
/// </summary>
public sealed class SeedCorpus
{
    private SeedCorpus(string[] lines, string[] words) { Lines = lines; Words = words; }

    public string[] Lines { get; }
    public string[] Words { get; }

    public static SeedCorpus Load()
    {
        // ARCHIVE_BENCH_SEEDS names the folder when the checkout is not next to ../shared (a git worktree).
        var dir = Environment.GetEnvironmentVariable("ARCHIVE_BENCH_SEEDS") is { Length: > 0 } configured
            ? configured : Path.Combine(RepoRoot.Find(), "..", "shared", "seeds");
        var text = Directory.Exists(dir)
            ? Directory.GetFiles(dir, "*.txt").OrderBy(f => f, StringComparer.Ordinal).SelectMany(File.ReadLines)
            : Fallback;
        var lines = text.Select(l => l.Replace('\u00A0', ' ').Trim())
            .Where(l => l.Length is >= 20 and <= 400 && l.Any(char.IsLetter)).Distinct().ToArray();
        if (lines.Length < 50)
        {
            Console.WriteLine($"# WARNING: no seed corpus in {Path.GetFullPath(dir)} (set ARCHIVE_BENCH_SEEDS): generated text is 5 lines, figures not comparable");
            lines = Fallback;
        }
        var words = lines.SelectMany(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(w => w.Trim(',', '.', ';', ':', '(', ')', '"')).Where(w => w.Length >= 3).Distinct().ToArray();
        return new SeedCorpus(lines, words);
    }

    private static readonly string[] Fallback =
    [
        "Quyết định về việc phê duyệt Kế hoạch ứng dụng công nghệ thông tin trong hoạt động của cơ quan nhà nước",
        "Kế hoạch thực hiện Chương trình mục tiêu Công nghệ thông tin của tỉnh năm 2020",
        "Báo cáo tình hình triển khai chữ ký số và dịch vụ công trực tuyến mức độ 3, 4",
        "Hệ thống Quản lý văn bản và điều hành điện tử dùng chung của tỉnh",
        "Đề án xây dựng Chính quyền điện tử tỉnh Lào Cai giai đoạn 2016 - 2020",
    ];
}

public static class RepoRoot
{
    /// <summary>The folder holding Archive.sln, found upwards from the running binary or the working folder.</summary>
    public static string Find()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
                if (File.Exists(Path.Combine(d.FullName, "Archive.sln"))) return d.FullName;
        }
        throw new InvalidOperationException("Archive.sln not found above the bench binary or the working folder.");
    }
}
