using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Archive.Api.Infrastructure.Auth;
using Archive.Api.Tests.Support;
using Archive.Cli.Ingest;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using static Archive.Api.Tests.Support.Records;

namespace Archive.Api.Tests.Digitization;

/// <summary><c>archive ingest</c>'s runner against the real API (workers off: these tests are about loading, not OCR).</summary>
public class batch_ingest(ApiFixture api) : IClassFixture<ApiFixture>
{
    private const string Header = "key,dossier_code,file,type_code,code_number,code_notation,issued_date,issuer,subject,page_count";

    private static string Folder(params (string Name, byte[] Bytes)[] files)
    {
        var dir = Directory.CreateTempSubdirectory("ingest-").FullName;
        foreach (var (name, bytes) in files) File.WriteAllBytes(Path.Combine(dir, name), bytes);
        return dir;
    }

    private async Task<HttpClient> OfficerAsync()
    {
        var client = api.ClientWithKey((await api.KeyAsync(Roles.RecordsOfficer)).Key);
        return client;
    }

    [Fact]
    public async Task a_bad_sheet_is_refused_whole_with_every_bad_row_named_and_nothing_is_stored()
    {
        var client = await OfficerAsync();
        var dossier = await CreateDossierAsync(client, "20-NH");
        var dir = Folder(("a.pdf", PdfSamples.Scan(200, true)), ("b.pdf", PdfSamples.Scan(201, true)));
        var sheet = Path.Combine(dir, "dossiers.csv");
        File.WriteAllText(sheet, $"""
            {Header}
            a,{dossier},a.pdf,05,12,QĐ-UBND,2019-07-23,UBND tỉnh Lai Châu,"Quyết định về việc phê duyệt, ban hành kế hoạch",2
            b,{dossier},missing.pdf,05,13,QĐ-UBND,31/02/2019,UBND tỉnh Lai Châu,Kế hoạch số hóa,1
            c,{dossier},b.pdf,99,14,QĐ-UBND,2019-07-25,UBND tỉnh Lai Châu,,x
            d,0000.NO.SUCH,b.pdf,05,15,QĐ-UBND,2019-07-25,UBND tỉnh Lai Châu,Báo cáo,1
            """, Encoding.UTF8);
        var before = await api.EventCountAsync();

        var summary = await new IngestRunner(client, TextWriter.Null).RunAsync(dir, sheet, "dot-2", Path.Combine(dir, "report.jsonl"), CancellationToken.None);

        summary.SheetErrors.Select(e => (e.Row, e.Field)).ShouldBe([
            (3, "file"), (3, "issued_date"), (4, "page_count"), (4, "subject"), (4, "type_code"), (5, "dossier_code")], ignoreOrder: true);
        summary.SheetErrors.ShouldAllBe(e => e.MessageVi.Length > 0 && e.MessageEn.Length > 0);
        summary.Stored.ShouldBe(0);
        (await api.EventCountAsync()).ShouldBe(before);
        File.Exists(Path.Combine(dir, "report.jsonl")).ShouldBeFalse();
        var output = new StringWriter();
        (await IngestCommand.Print(summary, output)).ShouldBe(1);
        output.ToString().ShouldContain("row 4, type_code");
    }

    [Fact]
    public async Task an_ingest_stopped_half_way_and_resumed_stores_every_row_exactly_once()
    {
        var client = await OfficerAsync();
        var dossier = await CreateDossierAsync(client, "21-NH");
        var files = Enumerable.Range(0, 4).Select(i => ($"scan{i}.pdf", PdfSamples.Scan(200 + i, true))).ToArray();
        var dir = Folder(files);
        var sheet = Path.Combine(dir, "dossiers.csv");
        File.WriteAllLines(sheet, [Header, .. files.Select((f, i) =>
            $"r{i},{dossier},{f.Item1},05,{30 + i},QĐ-UBND,2019-07-2{i},UBND tỉnh Lai Châu,Kế hoạch số hóa tài liệu lưu trữ {i},1")], Encoding.UTF8);
        var report = Path.Combine(dir, "report.jsonl");

        // Stopped (as by Ctrl+C) when the second row's progress line is written.
        using var stop = new CancellationTokenSource();
        var progress = new StopAfter(2, stop);
        await Should.ThrowAsync<OperationCanceledException>(() => new IngestRunner(client, progress).RunAsync(dir, sheet, "dot-3", report, stop.Token));
        IngestRunner.ReadReport(report).Count.ShouldBe(2);

        var resumed = await new IngestRunner(client, TextWriter.Null).RunAsync(dir, sheet, "dot-3", report, CancellationToken.None);
        resumed.Skipped.ShouldBe(2);
        resumed.Stored.ShouldBe(2);
        var again = await new IngestRunner(client, TextWriter.Null).RunAsync(dir, sheet, "dot-3", report, CancellationToken.None);
        again.Skipped.ShouldBe(4);

        var documents = (await client.GetFromJsonAsync<JsonElement>($"/api/v1/dossiers/{dossier}")).GetProperty("documents").EnumerateArray().ToList();
        documents.Count.ShouldBe(4);
        IngestRunner.ReadReport(report).Values.Select(l => l.DocumentId).Distinct().Count().ShouldBe(4);
        progress.Lines.ShouldContain(l => l.Contains("pages/s"));
    }

    [Fact]
    public async Task a_sheet_page_count_that_differs_from_the_file_is_a_warning_on_the_record_and_in_the_report()
    {
        var client = await OfficerAsync();
        var dossier = await CreateDossierAsync(client, "22-NH");
        var dir = Folder(("one.pdf", PdfSamples.Scan(210, true)), ("two.pdf", PdfSamples.Scan(211, true)));
        var sheet = Path.Combine(dir, "dossiers.csv");
        File.WriteAllText(sheet, $"""
            {Header}
            p1,{dossier},one.pdf,05,41,QĐ-UBND,2019-07-23,UBND tỉnh Lai Châu,Kế hoạch số hóa,3
            p2,{dossier},two.pdf,05,42,QĐ-UBND,2019-07-24,UBND tỉnh Lai Châu,Kế hoạch số hóa,1
            """, Encoding.UTF8);
        var report = Path.Combine(dir, "report.jsonl");
        var progress = new StringWriter();

        (await new IngestRunner(client, progress).RunAsync(dir, sheet, "dot-4", report, CancellationToken.None)).Stored.ShouldBe(2);

        var lines = IngestRunner.ReadReport(report);
        lines["p1"].Warnings.ShouldNotBeNull().ShouldContain("page_count_mismatch");
        lines["p2"].Warnings.ShouldNotBeNull().ShouldNotContain("page_count_mismatch");
        progress.ToString().ShouldContain("page_count_mismatch");

        // Progress per fonds (the dossier's organ): both files received, none converted (workers are off here).
        await api.WaitForSearchAsync();
        var fonds = dossier.Split('.')[..^2];
        var byFonds = await client.GetFromJsonAsync<JsonElement>($"/api/v1/digitization/progress?fonds={string.Join('.', fonds)}&batch=dot-4");
        byFonds.GetProperty("fonds").GetString().ShouldBe(string.Join('.', fonds));
        byFonds.GetProperty("received").GetInt64().ShouldBe(2);
        byFonds.GetProperty("signed").GetInt64().ShouldBe(0);
        var otherFonds = await client.GetFromJsonAsync<JsonElement>("/api/v1/digitization/progress?fonds=000.00.00.X99&batch=dot-4");
        otherFonds.GetProperty("received").GetInt64().ShouldBe(0);
        var events = await api.Service<Archive.Api.Features.Records.RecordsRepository>().Store
            .ReadStreamAsync(Archive.Api.Features.Records.RecordsRepository.DocumentStream(lines["p1"].DocumentId!));
        events.Select(e => e.Data).OfType<Archive.Domain.Documents.ContentVersionAdded>().Single().Warnings
            .ShouldContain(x => x.Code == "page_count_mismatch" && x.MessageEn == "The file has 1 page(s) but the document declares 3.");
    }

    /// <summary>An .xlsx of <paramref name="rows"/> (inline strings; a cell given as a DateOnly is written as Excel writes a date: a day serial in a date style).</summary>
    private static void WriteXlsx(string path, IEnumerable<object?[]> rows)
    {
        using var doc = SpreadsheetDocument.Create(path, SpreadsheetDocumentType.Workbook);
        var workbook = doc.AddWorkbookPart();
        workbook.Workbook = new Workbook();
        var styles = workbook.AddNewPart<WorkbookStylesPart>();
        styles.Stylesheet = new Stylesheet(
            new Fonts(new Font()), new Fills(new Fill()), new Borders(new Border()),
            new CellFormats(new CellFormat(), new CellFormat { NumberFormatId = 14, ApplyNumberFormat = true }));
        var sheet = workbook.AddNewPart<WorksheetPart>();
        var data = new SheetData();
        uint r = 0;
        foreach (var row in rows)
        {
            r++;
            var x = new Row { RowIndex = r };
            for (var c = 0; c < row.Length; c++)
            {
                var reference = $"{(char)('A' + c)}{r}";
                switch (row[c])
                {
                    case null: break; // an editor leaves empty cells out
                    case DateOnly d:
                        x.Append(new Cell { CellReference = reference, StyleIndex = 1, CellValue = new CellValue(d.ToDateTime(TimeOnly.MinValue).ToOADate().ToString(System.Globalization.CultureInfo.InvariantCulture)) });
                        break;
                    case int n: x.Append(new Cell { CellReference = reference, CellValue = new CellValue(n) }); break;
                    default: x.Append(new Cell { CellReference = reference, DataType = CellValues.InlineString, InlineString = new InlineString(new Text(row[c]!.ToString()!)) }); break;
                }
            }
            data.Append(x);
        }
        sheet.Worksheet = new Worksheet(data);
        workbook.Workbook.AppendChild(new Sheets(new Sheet { Id = workbook.GetIdOfPart(sheet), SheetId = 1, Name = "Bảng kê" }));
    }

    private static readonly object?[] XlsxHeader = ["key", "dossier_code", "file", "type_code", "code_number", "code_notation", "issued_date", "issuer", "subject", "page_count"];

    [Fact]
    public async Task an_xlsx_sheet_is_loaded_like_a_csv_one_and_a_bad_xlsx_sheet_is_refused_whole_with_every_bad_row_named()
    {
        var client = await OfficerAsync();
        var dossier = await CreateDossierAsync(client, "23-NH");
        var dir = Folder(("a.pdf", PdfSamples.Scan(220, true)), ("b.pdf", PdfSamples.Scan(221, true)));
        var bad = Path.Combine(dir, "bad.xlsx");
        WriteXlsx(bad, [XlsxHeader,
            ["x1", dossier, "a.pdf", "05", "51", "QĐ-UBND", new DateOnly(2019, 7, 23), "UBND tỉnh Lai Châu", "Kế hoạch số hóa", 1],
            ["x2", dossier, "missing.pdf", "99", "52", "QĐ-UBND", "31/02/2019", "UBND tỉnh Lai Châu", null, 1]]);
        var before = await api.EventCountAsync();
        var refused = await new IngestRunner(client, TextWriter.Null).RunAsync(dir, bad, "dot-5", Path.Combine(dir, "bad.jsonl"), CancellationToken.None);
        refused.SheetErrors.Select(e => (e.Row, e.Field)).ShouldBe([(3, "file"), (3, "issued_date"), (3, "subject"), (3, "type_code")], ignoreOrder: true);
        (await api.EventCountAsync()).ShouldBe(before);

        var good = Path.Combine(dir, "dossiers.xlsx");
        WriteXlsx(good, [XlsxHeader,
            ["x1", dossier, "a.pdf", "05", "51", "QĐ-UBND", new DateOnly(2019, 7, 23), "UBND tỉnh Lai Châu", "Kế hoạch số hóa tài liệu", 1],
            ["x2", dossier, "b.pdf", "05", "52", "QĐ-UBND", "24/07/2019", "UBND tỉnh Lai Châu", "Báo cáo tiến độ số hóa", 1]]);
        var report = Path.Combine(dir, "report.jsonl");
        var summary = await new IngestRunner(client, TextWriter.Null).RunAsync(dir, good, "dot-5", report, CancellationToken.None);
        summary.Stored.ShouldBe(2);
        var first = IngestRunner.ReadReport(report)["x1"].DocumentId!;
        var document = await client.GetFromJsonAsync<JsonElement>($"/api/v1/documents/{first}");
        document.GetProperty("metadata").GetProperty("issuedDate").GetString().ShouldBe("2019-07-23");
        document.GetProperty("metadata").GetProperty("subject").GetString().ShouldBe("Kế hoạch số hóa tài liệu");
        (await new IngestRunner(client, TextWriter.Null).RunAsync(dir, good, "dot-5", report, CancellationToken.None)).Skipped.ShouldBe(2);
    }

    [Fact]
    public async Task a_sheet_with_one_row_per_dossier_stores_each_file_once_and_lists_extra_files_and_page_totals_as_warnings_of_the_batch()
    {
        var client = await OfficerAsync();
        var dossier = await CreateDossierAsync(client, "24-NH");
        var dir = Folder(("cover.pdf", PdfSamples.Scan(230, true)), ("stray.pdf", PdfSamples.Scan(231, true)));
        Directory.CreateDirectory(Path.Combine(dir, "hop-01"));
        File.WriteAllBytes(Path.Combine(dir, "hop-01", "to-01.pdf"), PdfSamples.Scan(232, true));
        File.WriteAllBytes(Path.Combine(dir, "hop-01", "to-02.pdf"), PdfSamples.Scan(233, true));
        var sheet = Path.Combine(dir, "hoso.csv");
        File.WriteAllText(sheet, $"""
            dossier_code,files,type_code,issued_date,issuer,subject,page_count
            {dossier},cover.pdf; hop-01,05,2019-07-23,UBND tỉnh Lai Châu,Hồ sơ kế hoạch số hóa,5
            """, Encoding.UTF8);
        var report = Path.Combine(dir, "report.jsonl");
        var progress = new StringWriter();

        var summary = await new IngestRunner(client, progress).RunAsync(dir, sheet, "dot-6", report, CancellationToken.None);

        summary.Rows.ShouldBe(3);
        summary.Stored.ShouldBe(3);
        // The sheet against the files (an extra file, the dossier's page total), and the archive's own checks of each stored scan.
        summary.Warnings.Select(w => (w.Code, w.File)).ShouldBe([
            ("file_not_in_sheet", "stray.pdf"), ("not_pdfa", "cover.pdf"), ("not_pdfa", "hop-01/to-01.pdf"), ("not_pdfa", "hop-01/to-02.pdf"),
            ("page_count_mismatch", "cover.pdf; hop-01/to-01.pdf; hop-01/to-02.pdf")]);
        summary.Warnings.ShouldAllBe(w => w.MessageVi.Length > 0 && w.MessageEn.Length > 0);
        var last = JsonDocument.Parse(File.ReadLines(report).Last()).RootElement;
        last.GetProperty("kind").GetString().ShouldBe("batch");
        last.GetProperty("batch").GetString().ShouldBe("dot-6");
        last.GetProperty("warnings").GetArrayLength().ShouldBe(5);
        progress.ToString().ShouldContain("trang/s (pages/s), còn/left");

        var subjects = new List<string>();
        foreach (var line in IngestRunner.ReadReport(report).Values)
            subjects.Add((await client.GetFromJsonAsync<JsonElement>($"/api/v1/documents/{line.DocumentId}")).GetProperty("metadata").GetProperty("subject").GetString()!);
        subjects.ShouldBe(["Hồ sơ kế hoạch số hóa – cover", "Hồ sơ kế hoạch số hóa – to-01", "Hồ sơ kế hoạch số hóa – to-02"], ignoreOrder: true);

        (await new IngestRunner(client, TextWriter.Null).RunAsync(dir, sheet, "dot-6", report, CancellationToken.None)).Skipped.ShouldBe(3);
        (await client.GetFromJsonAsync<JsonElement>($"/api/v1/dossiers/{dossier}")).GetProperty("documents").GetArrayLength().ShouldBe(3);
    }

    private sealed class StopAfter(int rows, CancellationTokenSource stop) : StringWriter
    {
        public List<string> Lines { get; } = [];

        public override Task WriteLineAsync(string? value)
        {
            Lines.Add(value ?? "");
            if (value?.StartsWith('[') == true && Lines.Count(l => l.StartsWith('[')) >= rows) stop.Cancel();
            return Task.CompletedTask;
        }
    }
}
