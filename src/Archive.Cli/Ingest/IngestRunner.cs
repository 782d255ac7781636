using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Archive.Domain.Documents;

namespace Archive.Cli.Ingest;

/// <summary>One line of the ingest report (JSON lines): what happened to a row.</summary>
/// <summary>One row's outcome; <c>Warnings</c> are the archive's codes for the stored file (e.g. <c>page_count_mismatch</c>: the sheet's page count is not the file's).</summary>
public sealed record IngestReportLine(int Row, string Key, string File, string Sha256, string Status, string? DocumentId, string? JobId, string? Error,
    IReadOnlyList<string>? Warnings = null, int? Pages = null);

public sealed record IngestSummary(int Rows, int Stored, int Skipped, int Failed, IReadOnlyList<SheetError> SheetErrors)
{
    /// <summary>The checks of the sheet against the files, for the whole batch (also the report's last line).</summary>
    public IReadOnlyList<BatchCheck> Warnings { get; init; } = [];
}

/// <summary>One warning of a batch: an extra file, a page count differing from the sheet, or a check the archive made on a stored file.</summary>
public sealed record BatchCheck(int? Row, string File, string Code, string MessageVi, string MessageEn);

/// <summary>The report's last line: what the run did and the batch's warnings.</summary>
public sealed record IngestBatchReport(string Batch, string Kind, int Rows, int Stored, int Skipped, int Failed, IReadOnlyList<BatchCheck> Warnings);

/// <summary>
/// Loads a validated sheet through the archive's API: for each row, the document (POST /documents) then its scan
/// (POST /documents/{id}/content, which queues digitization). Each request carries an Idempotency-Key made of the batch,
/// the row's key and the file's SHA-256, so a row interrupted between its two requests is finished, not duplicated, on the
/// next run; rows the report file already lists as stored with the same SHA-256 are skipped without asking the archive.
/// The report is appended and flushed row by row, so stopping at any moment loses nothing.
/// </summary>
public sealed class IngestRunner(HttpClient api, TextWriter progress)
{
    public async Task<IngestSummary> RunAsync(string folder, string sheet, string batch, string reportPath, CancellationToken ct)
    {
        var (rows, errors) = IngestSheet.Read(sheet, folder);
        // The dossiers named must exist (and be visible to this key) before anything is stored.
        foreach (var group in rows.GroupBy(r => r.DossierCode))
        {
            var r = await api.GetAsync($"/api/v1/dossiers/{Uri.EscapeDataString(group.Key)}", ct);
            if (r.StatusCode == HttpStatusCode.NotFound)
                errors = [.. errors, .. group.Select(x => new SheetError(x.Row, "dossier_code", $"Không có hồ sơ {group.Key}.", $"There is no dossier {group.Key}."))];
            else if (!r.IsSuccessStatusCode)
                throw new HttpRequestException($"GET dossier {group.Key}: {(int)r.StatusCode} {await r.Content.ReadAsStringAsync(ct)}");
        }
        if (errors.Count > 0) return new IngestSummary(rows.Count, 0, 0, 0, [.. errors.OrderBy(e => e.Row).ThenBy(e => e.Field, StringComparer.Ordinal)]);

        var done = ReadReport(reportPath);
        var extra = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(folder, f))
            .Where(f => f != Path.GetFileName(sheet) && Path.GetFullPath(Path.Combine(folder, f)) != Path.GetFullPath(reportPath))
            .Except(rows.Select(r => r.File)).ToList();
        var checks = extra.Select(f => new BatchCheck(null, f, "file_not_in_sheet", "Tệp không có trong bảng kê.", "The file is not in the sheet.")).ToList();
        foreach (var f in extra) await progress.WriteLineAsync($"cảnh báo/warning: tệp không có trong bảng kê / file not in the sheet: {f}");

        int stored = 0, skipped = 0, failed = 0;
        long pagesDone = 0, pagesTotal = rows.Sum(r => (long)(r.Metadata.PageCount ?? 1));
        var watch = Stopwatch.StartNew();
        await using var report = new StreamWriter(reportPath, append: true);
        foreach (var row in rows)
        {
            ct.ThrowIfCancellationRequested();
            var path = Path.Combine(folder, row.File);
            var bytes = await File.ReadAllBytesAsync(path, ct);
            var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
            IngestReportLine line;
            if (done.TryGetValue(row.Key, out var previous) && previous.Sha256 == sha) { skipped++; line = previous with { Status = "skipped" }; }
            else
            {
                try
                {
                    var (id, job, warnings, filePages) = await StoreAsync(row, bytes, sha, batch, ct);
                    stored++;
                    line = new IngestReportLine(row.Row, row.Key, row.File, sha, "stored", id, job, null, warnings, filePages);
                }
                catch (IngestRowException e)
                {
                    failed++;
                    line = new IngestReportLine(row.Row, row.Key, row.File, sha, "failed", null, null, e.Message);
                }
            }
            await report.WriteLineAsync(JsonSerializer.Serialize(line, Json));
            await report.FlushAsync(ct);
            pagesDone += row.Metadata.PageCount ?? 1;
            var rate = pagesDone / Math.Max(0.001, watch.Elapsed.TotalSeconds);
            var left = TimeSpan.FromSeconds((pagesTotal - pagesDone) / Math.Max(0.001, rate));
            await progress.WriteLineAsync($"[{stored + skipped + failed}/{rows.Count}] {100.0 * pagesDone / Math.Max(1, pagesTotal):0}% " +
                $"{rate:0.0} trang/s (pages/s), còn/left {left:hh\\:mm\\:ss} — dòng/row {row.Row} {line.Status}" +
                (line.Warnings is { Count: > 0 } w ? $" — cảnh báo/warnings: {string.Join(", ", w)}" : ""));
        }
        checks.AddRange(Checks(rows, ReadReport(reportPath)));
        var summary = new IngestSummary(rows.Count, stored, skipped, failed, []) { Warnings = checks };
        await report.WriteLineAsync(JsonSerializer.Serialize(new IngestBatchReport(batch, "batch", rows.Count, stored, skipped, failed, checks), Json));
        await report.FlushAsync(ct);
        foreach (var c in checks.Where(c => c.Code != "file_not_in_sheet"))
            await progress.WriteLineAsync($"cảnh báo/warning: {(c.Row is { } r ? $"dòng/row {r}, " : "")}{c.File}: {c.Code} — {c.MessageVi} / {c.MessageEn}");
        return summary;
    }

    /// <summary>
    /// The batch's warnings from what the archive said of each stored file (its codes, e.g. a page count that differs from the
    /// sheet's) and, for a row per dossier, the pages of its files against the row's declared total.
    /// </summary>
    private static IEnumerable<BatchCheck> Checks(IReadOnlyList<IngestRow> rows, IReadOnlyDictionary<string, IngestReportLine> done)
    {
        foreach (var row in rows)
            if (done.TryGetValue(row.Key, out var line))
                foreach (var code in line.Warnings ?? [])
                    yield return new BatchCheck(row.Row, row.File, code, Messages.GetValueOrDefault(code).Vi ?? code, Messages.GetValueOrDefault(code).En ?? code);
        foreach (var group in rows.Where(r => r.Group is not null && r.GroupPages is not null).GroupBy(r => r.Group!))
        {
            var lines = group.Select(r => done.GetValueOrDefault(r.Key)).ToList();
            if (lines.Any(l => l?.Pages is null)) continue; // not all stored, or an older report without pages
            var pages = lines.Sum(l => l!.Pages!.Value);
            var declared = group.First().GroupPages!.Value;
            if (pages != declared)
                yield return new BatchCheck(group.First().Row, string.Join("; ", group.Select(r => r.File)), "page_count_mismatch",
                    $"Các tệp của hồ sơ có {pages} trang nhưng bảng kê khai {declared} trang.", $"The dossier's files have {pages} page(s) but the sheet declares {declared}.");
        }
    }

    private static readonly Dictionary<string, (string? Vi, string? En)> Messages = new()
    {
        ["page_count_mismatch"] = ("Số trang của tệp khác số trang khai trong bảng kê.", "The file's page count differs from the sheet's."),
        ["dpi_too_low"] = ("Độ phân giải thấp hơn quy định cho loại tài liệu.", "The resolution is below the rule for the document's kind."),
        ["not_colour"] = ("Ảnh quét không phải ảnh màu.", "The scan is not in colour."),
        ["not_pdfa"] = ("Tệp không khai báo chuẩn PDF/A (bản PDF/A sẽ được tạo khi số hóa).", "The file does not claim PDF/A (digitization makes the PDF/A)."),
        ["not_pdf"] = ("Tệp không phải PDF (bản PDF/A sẽ được tạo khi số hóa).", "The file is not a PDF (digitization makes the PDF/A)."),
        ["dpi_unknown"] = ("Không xác định được độ phân giải ảnh quét.", "The scan resolution is unknown."),
    };

    private async Task<(string Id, string? Job, IReadOnlyList<string> Warnings, int? Pages)> StoreAsync(IngestRow row, byte[] bytes, string sha, string batch, CancellationToken ct)
    {
        var key = $"ingest:{batch}:{row.Key}:{sha[..16]}";
        var m = row.Metadata;
        var body = new Dictionary<string, object?>
        {
            ["dossierCode"] = row.DossierCode, ["typeCode"] = m.TypeCode, ["codeNumber"] = m.CodeNumber, ["codeNotation"] = m.CodeNotation,
            ["issuedDate"] = m.IssuedDate.ToString("yyyy-MM-dd"), ["issuer"] = m.Issuer, ["subject"] = m.Subject, ["languages"] = m.Languages,
            ["pageCount"] = m.PageCount, ["accessMode"] = m.AccessMode, ["confidenceLevel"] = m.ConfidenceLevel, ["signerPosition"] = m.SignerPosition,
            ["signerName"] = m.SignerName, ["retentionCode"] = m.RetentionCode.Length == 0 ? null : m.RetentionCode,
        };
        using var create = new HttpRequestMessage(HttpMethod.Post, "/api/v1/documents") { Content = JsonContent.Create(body) };
        create.Headers.Add("Idempotency-Key", key + ":document");
        var r = await api.SendAsync(create, ct);
        var text = await r.Content.ReadAsStringAsync(ct);
        if (r.StatusCode != HttpStatusCode.Created) throw new IngestRowException($"document: {(int)r.StatusCode} {text}");
        var id = JsonDocument.Parse(text).RootElement.GetProperty("id").GetString()!;
        using var upload = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/documents/{id}/content?fileName={Uri.EscapeDataString(Path.GetFileName(row.File))}")
        {
            Content = new ByteArrayContent(bytes),
        };
        upload.Content.Headers.ContentType = new("application/octet-stream");
        upload.Headers.Add("Idempotency-Key", key + ":content");
        upload.Headers.Add("X-Digitization-Batch", batch);
        var u = await api.SendAsync(upload, ct);
        var utext = await u.Content.ReadAsStringAsync(ct);
        if (u.StatusCode != HttpStatusCode.Created) throw new IngestRowException($"content: {(int)u.StatusCode} {utext}");
        var added = JsonDocument.Parse(utext).RootElement;
        var job = added.TryGetProperty("digitizationJobId", out var j) && j.ValueKind == JsonValueKind.String ? j.GetString() : null;
        // The archive checks the file (its one PDF parser): page count against the sheet's, resolution, colour.
        var warnings = added.TryGetProperty("warnings", out var w) && w.ValueKind == JsonValueKind.Array
            ? w.EnumerateArray().Select(x => x.GetProperty("code").GetString()!).ToList() : [];
        var pages = added.TryGetProperty("pdfPageCount", out var n) && n.ValueKind == JsonValueKind.Number ? n.GetInt32()
            : added.TryGetProperty("mediaType", out var t) && t.GetString() is "image/jpeg" or "image/png" ? 1 : (int?)null;
        return (id, job, warnings, pages);
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Rows a previous run stored, by key (the last line of a key wins).</summary>
    public static Dictionary<string, IngestReportLine> ReadReport(string path)
    {
        var done = new Dictionary<string, IngestReportLine>(StringComparer.Ordinal);
        if (!File.Exists(path)) return done;
        foreach (var l in File.ReadLines(path))
        {
            if (string.IsNullOrWhiteSpace(l)) continue;
            try
            {
                var line = JsonSerializer.Deserialize<IngestReportLine>(l, Json);
                if (line is { Status: "stored" or "skipped", DocumentId: not null }) done[line.Key] = line;
            }
            catch (JsonException) { /* a line cut short by a stop: that row is simply done again (idempotently) */ }
        }
        return done;
    }
}

public sealed class IngestRowException(string message) : Exception(message);
