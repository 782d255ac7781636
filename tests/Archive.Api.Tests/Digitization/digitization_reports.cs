using System.Net.Http.Json;
using System.Text.Json;
using Archive.Api.Infrastructure.Auth;
using Archive.Api.Tests.Support;
using Npgsql;
using static Archive.Api.Tests.Support.Records;

namespace Archive.Api.Tests.Digitization;

/// <summary>What the provinces report (seed 000:585-605): progress per unit, the checks' warnings per batch, failed files by name.</summary>
public class digitization_reports(DigitizationFixture api) : IClassFixture<DigitizationFixture>
{
    private static readonly byte[] Poison = new byte[] { 0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 0, 1, 1, 1, 0, 200, 0, 200, 0, 0 }
        .Concat(Enumerable.Repeat((byte)0x5A, 4000)).ToArray();

    private static async Task<(string Id, string Job)> UploadAsync(HttpClient client, string dossier, byte[] scan, string batch, string type = "02")
    {
        var r = await client.PostAsync("/api/v1/documents", ApiFixture.Json(DocumentJson(dossier, "Kế hoạch số hóa tài liệu lưu trữ", type: type, confidence: "02")));
        var id = (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var upload = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/documents/{id}/content?fileName=scan.jpg") { Content = new ByteArrayContent(scan) };
        upload.Headers.Add("X-Digitization-Batch", batch);
        var added = await (await client.SendAsync(upload)).Content.ReadFromJsonAsync<JsonElement>();
        return (id, added.GetProperty("digitizationJobId").GetString()!);
    }

    [Fact]
    public async Task progress_per_unit_counts_pages_received_converted_signed_and_failed_with_throughput_and_estimated_end()
    {
        var officer = await api.CallerAsync(Roles.RecordsOfficer);
        var office = await CreateDossierAsync(officer.Client, "41-VP");
        var planning = await CreateDossierAsync(officer.Client, "42-KH");
        var jobs = new[]
        {
            await UploadAsync(officer.Client, office, DigitizationFixture.Scan(), "don-vi-1"),
            await UploadAsync(officer.Client, planning, DigitizationFixture.Scan("Hồ sơ được bàn giao cho lưu trữ lịch sử."), "don-vi-1"),
            await UploadAsync(officer.Client, planning, Poison, "don-vi-1"),
        };
        var db = api.Service<NpgsqlDataSource>();
        foreach (var (_, job) in jobs) await DigitizationFixture.WaitForJobAsync(db, job, TimeSpan.FromMinutes(3));

        var units = (await (await officer.Scenario(s => s.Get.Url("/api/v1/digitization/progress/units?batch=don-vi-1"))).JsonAsync()).EnumerateArray().ToList();
        units.Select(u => u.GetProperty("unit").GetString()).ShouldBe(["KH", "VP"]);
        units.ShouldAllBe(u => u.GetProperty("fonds").GetString() == Organ);
        var (kh, vp) = (units[0], units[1]);
        (vp.GetProperty("files").GetInt64(), vp.GetProperty("pagesReceived").GetInt64(), vp.GetProperty("pagesConverted").GetInt64(),
            vp.GetProperty("pagesSigned").GetInt64(), vp.GetProperty("pagesFailed").GetInt64()).ShouldBe((1L, 1L, 1L, 1L, 0L));
        (kh.GetProperty("files").GetInt64(), kh.GetProperty("filesSigned").GetInt64(), kh.GetProperty("filesFailed").GetInt64(),
            kh.GetProperty("pagesReceived").GetInt64(), kh.GetProperty("pagesSigned").GetInt64(), kh.GetProperty("pagesFailed").GetInt64())
            .ShouldBe((2L, 1L, 1L, 2L, 1L, 1L));
        vp.GetProperty("pagesPerHour").GetDouble().ShouldBeGreaterThan(0);
        vp.GetProperty("estimatedEnd").GetDateTimeOffset().ShouldBeLessThanOrEqualTo(DateTimeOffset.UtcNow);

        var other = await (await officer.Scenario(s => s.Get.Url("/api/v1/digitization/progress/units?batch=don-vi-1&fonds=000.00.00.X99"))).JsonAsync();
        other.GetArrayLength().ShouldBe(0);

        // The failed file is named by its document's code and title, not only its id.
        var dead = (await (await officer.Scenario(s => s.Get.Url("/api/v1/digitization/dead-letters?batch=don-vi-1"))).JsonAsync()).EnumerateArray().Single();
        dead.GetProperty("documentId").GetString().ShouldBe(jobs[2].Id);
        dead.GetProperty("documentCode").GetString().ShouldBe($"{planning}.0000002");
        dead.GetProperty("title").GetString().ShouldBe("Quyết định 12/QĐ-UBND: Kế hoạch số hóa tài liệu lưu trữ");

        var client = await api.CallerAsync(Roles.ApiClient);
        await client.Scenario(s => { s.Get.Url("/api/v1/digitization/progress/units"); s.StatusCodeShouldBe(403); });
    }

    [Fact]
    public async Task a_scan_below_the_resolution_rule_for_its_kind_and_a_blank_page_are_warnings_listed_for_their_batch()
    {
        var officer = await api.CallerAsync(Roles.RecordsOfficer);
        var dossier = await CreateDossierAsync(officer.Client, "43-BD");
        // A map (type 30) needs 300 dpi (TT 05/2025 Điều 8); an administrative paper needs 200 (the same 200 dpi scan passes).
        var map = await UploadAsync(officer.Client, dossier, DigitizationFixture.Scan(), "kiem-tra-1", type: "30");
        var paper = await UploadAsync(officer.Client, dossier, DigitizationFixture.Scan(), "kiem-tra-1");
        var blank = await UploadAsync(officer.Client, dossier, Archive.Testing.ScanMaker.Jpeg([], pageHeightInches: 2.4), "kiem-tra-1");
        var db = api.Service<NpgsqlDataSource>();
        foreach (var (_, job) in new[] { map, paper, blank }) (await DigitizationFixture.WaitForJobAsync(db, job, TimeSpan.FromMinutes(3))).ShouldBe("done");

        var warnings = (await (await officer.Scenario(s => s.Get.Url("/api/v1/digitization/warnings?batch=kiem-tra-1"))).JsonAsync()).EnumerateArray()
            .Select(w => (w.GetProperty("documentId").GetString(), w.GetProperty("code").GetString(), w.GetProperty("version").GetInt32())).ToList();
        warnings.ShouldBe([(map.Id, "dpi_too_low", 2), (blank.Id, "ocr_empty_page", 2)], ignoreOrder: true);

        await officer.Scenario(s => { s.Get.Url("/api/v1/digitization/warnings"); s.ProblemShouldBe(400); });
    }
}
