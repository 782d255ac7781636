using System.Globalization;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Archive.Cli.Ingest;

/// <summary>
/// Reads the first worksheet of an .xlsx delivery sheet (Open XML SDK) into rows of cell texts, the same shape as the CSV
/// reader gives, so one validation serves both. Cells are placed by their reference (A1, C7), so empty cells an editor leaves
/// out keep the columns aligned; shared and inline strings are read as text, numbers in the invariant culture, and a number
/// in a date-formatted cell as yyyy-mm-dd (Excel stores dates as day serials).
/// </summary>
public static class XlsxSheet
{
    public static List<List<string>> Read(string path)
    {
        using var doc = SpreadsheetDocument.Open(path, false);
        var workbook = doc.WorkbookPart ?? throw new InvalidDataException("The workbook has no workbook part.");
        var first = workbook.Workbook.Sheets?.Elements<Sheet>().FirstOrDefault()
            ?? throw new InvalidDataException("The workbook has no sheet.");
        var part = (WorksheetPart)workbook.GetPartById(first.Id!.Value!);
        var strings = workbook.SharedStringTablePart?.SharedStringTable.Elements<SharedStringItem>().Select(i => i.InnerText).ToList() ?? [];
        var dateStyles = DateStyles(workbook);
        var rows = new List<List<string>>();
        foreach (var row in part.Worksheet.Descendants<Row>())
        {
            var index = (int)(row.RowIndex?.Value ?? (uint)(rows.Count + 1));
            while (rows.Count < index - 1) rows.Add([]); // blank rows keep the numbering the officer sees
            var cells = new List<string>();
            foreach (var cell in row.Elements<Cell>())
            {
                var column = cell.CellReference?.Value is { } reference ? Column(reference) : cells.Count;
                while (cells.Count < column) cells.Add("");
                cells.Add(Text(cell, strings, dateStyles));
            }
            rows.Add(cells);
        }
        return rows;
    }

    private static string Text(Cell cell, List<string> strings, HashSet<uint> dateStyles)
    {
        var value = cell.CellValue?.Text ?? "";
        var type = cell.DataType?.Value;
        if (type == CellValues.SharedString)
            return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < strings.Count ? strings[i] : "";
        if (type == CellValues.InlineString) return cell.InlineString?.InnerText ?? "";
        if (type == CellValues.Boolean) return value == "1" ? "true" : "false";
        if ((type is null || type == CellValues.Number) && cell.StyleIndex?.Value is { } style && dateStyles.Contains(style)
            && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var serial) && serial is > 0 and < 2958466)
            return DateTime.FromOADate(serial).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return value;
    }

    /// <summary>Zero-based column of "C7" (A = 0, Z = 25, AA = 26).</summary>
    public static int Column(string reference)
    {
        var n = 0;
        foreach (var c in reference.TakeWhile(char.IsLetter)) n = n * 26 + (char.ToUpperInvariant(c) - 'A' + 1);
        return n - 1;
    }

    /// <summary>Cell styles whose number format shows a date: the built-in date formats (14-22, 45-47) and custom ones with d, m and y.</summary>
    private static HashSet<uint> DateStyles(WorkbookPart workbook)
    {
        var styles = workbook.WorkbookStylesPart?.Stylesheet;
        var custom = styles?.NumberingFormats?.Elements<NumberingFormat>()
            .Where(f => f.FormatCode?.Value is { } code && code.Contains('d', StringComparison.OrdinalIgnoreCase) && code.Contains('y', StringComparison.OrdinalIgnoreCase))
            .Select(f => f.NumberFormatId!.Value).ToHashSet() ?? [];
        var result = new HashSet<uint>();
        var formats = styles?.CellFormats?.Elements<CellFormat>().ToList() ?? [];
        for (var i = 0; i < formats.Count; i++)
            if (formats[i].NumberFormatId?.Value is { } id && (id is >= 14 and <= 22 or >= 45 and <= 47 || custom.Contains(id))) result.Add((uint)i);
        return result;
    }
}
