using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Archive.Api.Infrastructure.Auth;
using Archive.Api.Tests.Support;
using Archive.Cli.Ingest;
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
