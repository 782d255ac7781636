using System.CommandLine;

namespace Archive.Cli.Ingest;

/// <summary>
/// <c>archive ingest FOLDER --sheet dossiers.csv --api URL --api-key-file FILE [--batch NAME] [--report FILE]</c>: loads a
/// delivery of scans through the archive's API. Exit 0 all rows in, 1 the sheet was refused (nothing stored) or a row
/// failed, 2 usage. Ctrl+C stops after the current row; running the same command again resumes.
/// </summary>
public static class IngestCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var folder = new Argument<DirectoryInfo>("folder") { Description = "Folder holding the scans the sheet names" };
        var sheet = new Option<FileInfo>("--sheet") { Description = "Delivery sheet: CSV (UTF-8) or .xlsx, one row per document (column file) or per dossier (column files)", Required = true };
        var apiUrl = new Option<string>("--api") { Description = "Archive API base URL", DefaultValueFactory = _ => "http://127.0.0.1:8080" };
        var keyFile = new Option<FileInfo>("--api-key-file") { Description = "File holding the API key (records officer)", Required = true };
        var batch = new Option<string?>("--batch") { Description = "Batch name (default: the sheet's file name)" };
        var report = new Option<FileInfo?>("--report") { Description = "Report file, JSON lines (default: FOLDER/ingest-report.jsonl)" };
        var command = new Command("ingest", "Load a folder of scans with its sheet; exit 0 done, 1 refused or failed rows, 2 usage")
        {
            folder, sheet, apiUrl, keyFile, batch, report,
        };
        command.SetAction(async (parse, ct) =>
        {
            var dir = parse.GetValue(folder)!.FullName;
            var sheetPath = parse.GetValue(sheet)!.FullName;
            var key = (await File.ReadAllTextAsync(parse.GetValue(keyFile)!.FullName, ct)).Trim();
            var reportPath = parse.GetValue(report)?.FullName ?? Path.Combine(dir, "ingest-report.jsonl");
            using var http = new HttpClient { BaseAddress = new Uri(parse.GetValue(apiUrl)!), Timeout = TimeSpan.FromMinutes(10) };
            http.DefaultRequestHeaders.Add("X-Api-Key", key);
            var summary = await new IngestRunner(http, error).RunAsync(dir, sheetPath, parse.GetValue(batch) ?? Path.GetFileNameWithoutExtension(sheetPath),
                reportPath, ct);
            return await Print(summary, output);
        });
        return command;
    }

    public static async Task<int> Print(IngestSummary s, TextWriter output)
    {
        if (s.SheetErrors.Count > 0)
        {
            await output.WriteLineAsync($"Bảng kê bị từ chối, không lưu gì / The sheet was refused, nothing was stored: {s.SheetErrors.Count} lỗi/errors");
            foreach (var e in s.SheetErrors) await output.WriteLineAsync(e.ToString());
            return 1;
        }
        await output.WriteLineAsync($"rows {s.Rows}, stored {s.Stored}, skipped {s.Skipped}, failed {s.Failed}, warnings {s.Warnings.Count}");
        return s.Failed > 0 ? 1 : 0;
    }
}
