using System.Globalization;
using System.Text;
using Archive.Domain.Common;
using Archive.Domain.Documents;

namespace Archive.Cli.Ingest;

/// <summary>One document of a delivery sheet, with its scan file. A file of a per-dossier row names the row's key as its
/// <paramref name="Group"/> and the pages the row declares for all its files (<paramref name="GroupPages"/>).</summary>
public sealed record IngestRow(int Row, string Key, string DossierCode, string File, DocumentMetadata Metadata, string? Group = null, int? GroupPages = null);

/// <summary>A problem with one cell of the sheet (row 1 is the header), reason in Vietnamese and English.</summary>
public sealed record SheetError(int Row, string Field, string MessageVi, string MessageEn)
{
    public override string ToString() => $"dòng/row {Row}, {Field}: {MessageVi} / {MessageEn}";
}

/// <summary>
/// The delivery sheet (bảng kê giao nộp) of <c>archive ingest</c>: CSV (UTF-8) or .xlsx (first worksheet), one row per document
/// with the TT 05/2025 fields and the scan file it names, or one row per dossier with its files: a <c>files</c> column instead
/// of <c>file</c> lists them (separated by <c>;</c> or line breaks; a folder stands for every file in it, in name order), each
/// file becomes a document described by the row (subject followed by the file's name) and the row's <c>page_count</c> is the
/// total of its files. Columns (header names, any order): <c>key</c> (the row's idempotency key, default its file),
/// <c>dossier_code</c>, <c>file</c>, <c>type_code</c>, <c>code_number</c>, <c>code_notation</c>, <c>issued_date</c>
/// (yyyy-mm-dd or dd/mm/yyyy), <c>issuer</c>, <c>subject</c>, <c>page_count</c>, <c>access_mode</c> (default 01),
/// <c>confidence_level</c> (default 02, digitized), <c>language</c> (default 01), <c>signer_position</c>, <c>signer_name</c>,
/// <c>retention_code</c> (default: the dossier's). The whole sheet is checked before anything is sent.
/// </summary>
public static class IngestSheet
{
    public static readonly string[] Required = ["dossier_code", "file", "type_code", "issued_date", "issuer", "subject"];

    public static (IReadOnlyList<IngestRow> Rows, IReadOnlyList<SheetError> Errors) Read(string path, string folder)
    {
        var errors = new List<SheetError>();
        List<List<string>> records;
        try { records = Path.GetExtension(path).Equals(".xlsx", StringComparison.OrdinalIgnoreCase) ? XlsxSheet.Read(path) : ParseCsv(File.ReadAllText(path, Encoding.UTF8)); }
        catch (Exception e) when (e is InvalidDataException or System.IO.FileFormatException or DocumentFormat.OpenXml.Packaging.OpenXmlPackageException
            or System.Xml.XmlException)
        {
            return ([], [new(1, "sheet", $"Không đọc được bảng kê .xlsx ({e.Message}).", $"The .xlsx sheet cannot be read ({e.Message}).")]);
        }
        if (records.Count == 0) return ([], [new(1, "header", "Bảng kê trống.", "The sheet is empty.")]);
        var header = records[0].Select(h => h.Trim().ToLowerInvariant()).ToList();
        var perDossier = header.Contains("files") && !header.Contains("file");
        foreach (var missing in Required.Select(r => perDossier && r == "file" ? "files" : r).Where(r => !header.Contains(r)))
            errors.Add(new(1, missing, $"Thiếu cột {missing}.", $"Column {missing} is missing."));
        if (errors.Count > 0) return ([], errors);
        var rows = new List<IngestRow>();
        var keys = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 1; i < records.Count; i++)
        {
            var rowNumber = i + 1;
            var cells = records[i];
            if (cells.All(string.IsNullOrWhiteSpace)) continue;
            string? Cell(string name) { var c = header.IndexOf(name); return c >= 0 && c < cells.Count && !string.IsNullOrWhiteSpace(cells[c]) ? cells[c].Trim() : null; }
            var rowErrors = new List<SheetError>();
            foreach (var r in Required.Select(r => perDossier && r == "file" ? "files" : r).Where(r => Cell(r) is null))
                rowErrors.Add(new(rowNumber, r, $"Trường {r} là bắt buộc.", $"{r} is required."));
            DateOnly date = default;
            if (Cell("issued_date") is { } d && !DateOnly.TryParseExact(d, ["yyyy-MM-dd", "dd/MM/yyyy", "d/M/yyyy"], CultureInfo.InvariantCulture, DateTimeStyles.None, out date))
                rowErrors.Add(new(rowNumber, "issued_date", $"Ngày \"{d}\" không hợp lệ (yyyy-mm-dd hoặc dd/mm/yyyy).", $"Date \"{d}\" is invalid (yyyy-mm-dd or dd/mm/yyyy)."));
            int? pages = null;
            if (Cell("page_count") is { } p)
            {
                if (int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0) pages = n;
                else rowErrors.Add(new(rowNumber, "page_count", $"Số trang \"{p}\" phải là số nguyên dương.", $"Page count \"{p}\" must be a positive whole number."));
            }
            var file = perDossier ? null : Cell("file");
            if (file is not null) CheckFile(file, "file");
            var files = new List<string>();
            if (perDossier && Cell("files") is { } list)
                foreach (var entry in list.Split([';', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    var full = Path.GetFullPath(Path.Combine(folder, entry));
                    if (Inside(full) && Directory.Exists(full))
                        files.AddRange(Directory.EnumerateFiles(full).Select(f => Path.GetRelativePath(folder, f)).Order(StringComparer.Ordinal));
                    else if (CheckFile(entry, "files")) files.Add(entry);
                }
            bool Inside(string full) => full.StartsWith(Path.GetFullPath(folder) + Path.DirectorySeparatorChar, StringComparison.Ordinal);
            bool CheckFile(string name, string field)
            {
                var full = Path.GetFullPath(Path.Combine(folder, name));
                if (!Inside(full))
                    rowErrors.Add(new(rowNumber, field, $"Tệp \"{name}\" nằm ngoài thư mục giao nộp.", $"File \"{name}\" is outside the delivery folder."));
                else if (!System.IO.File.Exists(full))
                    rowErrors.Add(new(rowNumber, field, $"Không có tệp \"{name}\" trong thư mục.", $"File \"{name}\" is not in the folder."));
                else return true;
                return false;
            }
            var key = Cell("key") ?? file ?? (perDossier ? Cell("dossier_code") : null) ?? $"row-{rowNumber}";
            if (keys.TryGetValue(key, out var first))
                rowErrors.Add(new(rowNumber, "key", $"Khóa \"{key}\" trùng với dòng {first}.", $"Key \"{key}\" repeats row {first}."));
            else keys[key] = rowNumber;
            var retention = Cell("retention_code");
            var metadata = new DocumentMetadata
            {
                TypeCode = Cell("type_code") ?? "", CodeNumber = Cell("code_number"), CodeNotation = Cell("code_notation"), IssuedDate = date,
                Issuer = Cell("issuer") ?? "", Subject = Cell("subject") ?? "", Languages = [Cell("language") ?? "01"], PageCount = pages,
                SignerPosition = Cell("signer_position"), SignerName = Cell("signer_name"), AccessMode = Cell("access_mode") ?? "01",
                ConfidenceLevel = Cell("confidence_level") ?? "02", RetentionCode = retention ?? "01",
            };
            // The domain's own rules (code lists, lengths), so the sheet is refused for exactly what the API would refuse.
            foreach (var e in DocumentValidation.Validate(metadata))
                if (!rowErrors.Any(x => x.Field == Column(e.Field)) && (retention is not null || e.Field != "retentionCode"))
                    rowErrors.Add(new(rowNumber, Column(e.Field), e.MessageVi, e.MessageEn));
            errors.AddRange(rowErrors);
            if (rowErrors.Count > 0) continue;
            if (retention is null) metadata = metadata with { RetentionCode = "" };
            if (!perDossier) rows.Add(new IngestRow(rowNumber, key, Cell("dossier_code")!, file!, metadata));
            else
                foreach (var f in files)
                    rows.Add(new IngestRow(rowNumber, $"{key}/{f}", Cell("dossier_code")!, f, metadata with
                    {
                        PageCount = null, Subject = Subject(metadata.Subject, Path.GetFileNameWithoutExtension(f)),
                    }, key, pages));
        }
        return (rows, errors);
    }

    private static string Subject(string subject, string file)
    {
        var suffix = $" – {file}";
        return (subject.Length + suffix.Length > 500 ? subject[..(500 - suffix.Length)] : subject) + suffix;
    }

    /// <summary>The sheet's column for a domain field name (typeCode → type_code).</summary>
    private static string Column(string field) =>
        string.Concat(field.Select((c, i) => char.IsUpper(c) ? (i > 0 ? "_" : "") + char.ToLowerInvariant(c) : c.ToString()));

    /// <summary>RFC 4180 CSV: quoted fields may hold commas, quotes ("") and line breaks.</summary>
    public static List<List<string>> ParseCsv(string text)
    {
        var rows = new List<List<string>>();
        var row = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { cell.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else cell.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { row.Add(cell.ToString()); cell.Clear(); }
            else if (c == '\n' || c == '\r')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n') i++;
                row.Add(cell.ToString()); cell.Clear();
                rows.Add(row); row = [];
            }
            else if (c != '\uFEFF' || cell.Length > 0 || row.Count > 0 || rows.Count > 0) cell.Append(c);
        }
        if (cell.Length > 0 || row.Count > 0) { row.Add(cell.ToString()); rows.Add(row); }
        return rows;
    }
}
