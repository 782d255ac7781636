using System.Net.Http.Json;
using System.Text.Json;
using Archive.Api.Features.Records;
using Archive.Api.Infrastructure.Auth;
using Archive.Api.Tests.Support;
using Archive.Testing;
using Archive.Domain.Documents;
using Npgsql;
using static Archive.Api.Tests.Support.Records;

namespace Archive.Api.Tests.Digitization;

/// <summary>Tách bộ: a scan holding several documents is split by page ranges into documents of the dossier.</summary>
public class document_splitting(DigitizationFixture api) : IClassFixture<DigitizationFixture>
{
    private static readonly string[][] Pages =
    [
        ["Kế hoạch số hóa tài liệu lưu trữ của tỉnh Lai Châu.", "Phần mềm số hóa là phần mềm dùng để lưu trữ các dữ liệu số hóa."],
        ["Báo cáo kết quả chỉnh lý tài liệu.", "Chất lượng ảnh rõ nét, đọc được dễ dàng, trung thực với bản gốc."],
        ["Dữ liệu được số hóa đảm bảo chính xác với dữ liệu bản cứng.", "Hồ sơ được bàn giao cho lưu trữ lịch sử."],
    ];

    /// <summary>A PDF of 200 dpi colour JPEG pages (as a scanner's PDF is), one page per text.</summary>
    private static byte[] ScanPdf(params string[][] pages)
    {
        var dir = Directory.CreateTempSubdirectory("split-scan-").FullName;
        var files = pages.Select((p, i) =>
        {
            var f = Path.Combine(dir, $"p{i}.jpg");
            File.WriteAllBytes(f, ScanMaker.Jpeg(p, pageHeightInches: 2.4));
            return f;
        }).ToList();
        var output = Path.Combine(dir, "scan.pdf");
        PdfTools.Run("img2pdf", [.. files, "-o", output]).ExitCode.ShouldBe(0);
        return File.ReadAllBytes(output);
    }

    private async Task<IReadOnlyList<object?>> EventsAsync(string id) =>
        (await api.Service<RecordsRepository>().Store.ReadStreamAsync(RecordsRepository.DocumentStream(id))).Select(e => e.Data).ToList();

    [Fact]
    public async Task a_scan_of_several_documents_is_split_into_documents_of_the_dossier_each_digitized_from_its_own_pages_and_the_scan_kept_whole()
    {
        var officer = await api.CallerAsync(Roles.RecordsOfficer);
        var dossier = await CreateDossierAsync(officer.Client, "31-TB");
        var scan = ScanPdf(Pages);
        var (original, _) = await DigitizationFixture.UploadScanAsync(officer.Client, dossier, scan, "tach-1", "application/pdf");

        var result = await (await officer.Scenario(s =>
        {
            s.Post.Json(new { parts = new object[] { new { pages = "1" }, new { pages = "2-3", typeCode = "11", subject = "Báo cáo kết quả chỉnh lý tài liệu" } } })
                .ToUrl($"/api/v1/documents/{original}/split");
            s.WithRequestHeader("X-Digitization-Batch", "tach-1");
            s.StatusCodeShouldBe(201);
        })).JsonAsync();

        var parts = result.GetProperty("documents").EnumerateArray().ToList();
        parts.Count.ShouldBe(2);
        parts.Select(p => p.GetProperty("documentCode").GetString()).ShouldAllBe(c => c!.StartsWith(dossier + "."));
        var split = (await EventsAsync(original)).OfType<DocumentSplit>().Single();
        split.SourceVersion.ShouldBe(1);
        split.SourcePages.ShouldBe(3);
        split.Parts.Select(p => (p.FirstPage, p.LastPage)).ShouldBe([(1, 1), (2, 3)]);
        (await officer.Client.GetByteArrayAsync($"/api/v1/documents/{original}/content?version=1")).ShouldBe(scan);

        var second = parts[1].GetProperty("id").GetString()!;
        var events = await EventsAsync(second);
        events.Take(4).Select(e => e!.GetType().Name).ShouldBe([nameof(DocumentRegistered), nameof(DocumentSplitFrom), nameof(ContentVersionAdded), nameof(DigitizationQueued)]);
        events.OfType<DocumentSplitFrom>().Single().ShouldBe(new DocumentSplitFrom(second, original, 1, split.SourceSha256, 2, 3));
        var registered = events.OfType<DocumentRegistered>().Single().Metadata;
        (registered.TypeCode, registered.Subject, registered.PageCount).ShouldBe(("11", "Báo cáo kết quả chỉnh lý tài liệu", 2));
        events.OfType<ContentVersionAdded>().First().PdfPageCount.ShouldBe(2);

        var db = api.Service<NpgsqlDataSource>();
        foreach (var p in parts)
            (await DigitizationFixture.WaitForJobAsync(db, p.GetProperty("digitizationJobId").GetString()!, TimeSpan.FromMinutes(3))).ShouldBe("done");
        var signed = PdfTools.Save(await officer.Client.GetByteArrayAsync($"/api/v1/documents/{second}/content"), "split-part.pdf");
        PdfTools.QpdfCheckPasses(signed);
        var text = PdfTools.Run("pdftotext", signed, "-").Stdout;
        text.ShouldContain("chỉnh lý");
        text.ShouldContain("bản cứng");
        text.ShouldNotContain("Phần mềm số hóa");

        var documents = (await officer.Client.GetFromJsonAsync<JsonElement>($"/api/v1/dossiers/{dossier}")).GetProperty("documents").GetArrayLength();
        documents.ShouldBe(3);
    }

    [Fact]
    public async Task overlapping_empty_and_out_of_scan_ranges_are_refused_with_bilingual_field_errors_and_nothing_is_stored()
    {
        var officer = await api.CallerAsync(Roles.RecordsOfficer);
        var dossier = await CreateDossierAsync(officer.Client, "32-TB");
        var id = (await CreateDocumentAsync(officer.Client, dossier)).GetProperty("id").GetString()!;
        var dir = Directory.CreateTempSubdirectory("split-bad-").FullName;
        var one = PdfTools.Save(PdfSamples.Scan(200, true), Path.Combine(dir, "one.pdf"));
        var four = Path.Combine(dir, "four.pdf");
        PdfTools.Run("qpdf", "--empty", "--pages", one, one, one, one, "--", four).ExitCode.ShouldBe(0);
        await UploadPdfAsync(officer.Client, id, File.ReadAllBytes(four));
        var before = await api.EventCountAsync();

        var problem = await (await officer.Scenario(s =>
        {
            s.Post.Json(new { parts = new object[] { new { pages = "1-2" }, new { pages = "2-3" }, new { pages = "4-9" }, new { pages = "3-1" }, new { pages = "x" } } })
                .ToUrl($"/api/v1/documents/{id}/split");
            s.ProblemShouldBe(400);
        })).JsonAsync();
        var errors = problem.GetProperty("errors").EnumerateArray().ToList();
        errors.Select(e => (e.GetProperty("field").GetString(), e.GetProperty("code").GetString())).ShouldBe([("parts[4].pages", "invalid")]);
        errors.ShouldAllBe(e => e.GetProperty("message_vi").GetString()!.Length > 0 && e.GetProperty("message_en").GetString()!.Length > 0);

        problem = await (await officer.Scenario(s =>
        {
            s.Post.Json(new { ranges = "1-2, 2-3, 4-9, 3-1" }).ToUrl($"/api/v1/documents/{id}/split");
            s.ProblemShouldBe(400);
        })).JsonAsync();
        problem.GetProperty("errors").EnumerateArray().Select(e => (e.GetProperty("field").GetString(), e.GetProperty("code").GetString())).ShouldBe([
            ("parts[1]", "overlapping"), ("parts[2]", "out_of_range"), ("parts[3]", "empty_range")]);
        await officer.Scenario(s =>
        {
            s.Post.Json(new { ranges = "" }).ToUrl($"/api/v1/documents/{id}/split");
            s.ProblemShouldBe(400);
        });
        (await api.EventCountAsync()).ShouldBe(before);

        var auditor = await api.CallerAsync(Roles.Auditor);
        await auditor.Scenario(s =>
        {
            s.Post.Json(new { ranges = "1-2" }).ToUrl($"/api/v1/documents/{id}/split");
            s.StatusCodeShouldBe(403);
        });
    }
}
