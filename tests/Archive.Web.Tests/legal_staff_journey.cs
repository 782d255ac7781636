using System.Net;
using Archive.Api.Infrastructure.Auth;
using Archive.Api.Tests.Support;
using Archive.Web.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Archive.Web.Tests;

[Collection(WebCollection.Name)]
public class legal_staff_journey(WebFixture web)
{
    [Fact]
    public async Task legal_staff_read_total_failed_with_its_reason_for_a_tampered_pdf()
    {
        // A document the archive signed, then altered outside it.
        var api = await web.ApiAsync(Roles.Admin);
        var organ = Journeys.NewOrgan();
        var code = await Journeys.ClosedDossierAsync(api, organ, 2024, "05-PC", "06", "Hồ sơ hợp đồng");
        // A closed dossier takes no new documents: open another one for the document.
        var open = await Journeys.ReadAsync(await api.PostAsync("/api/v1/dossiers", Journeys.Json($$"""
            {"organId":"{{organ}}","year":2025,"fileNotation":"06-PC","title":"Hồ sơ hợp đồng thuê kho lưu trữ","retentionCode":"06",
             "accessMode":"01","languages":["01"],"creator":"Phòng Pháp chế","confidenceLevel":"01","startDate":"2025-01-05"}
            """)), HttpStatusCode.Created);
        var doc = await Journeys.ReadAsync(await api.PostAsync("/api/v1/documents", Journeys.Json($$"""
            {"dossierCode":"{{open.GetProperty("code").GetString()}}","typeCode":"21","codeNumber":"7","codeNotation":"HĐ","issuedDate":"2025-02-01",
             "issuer":"UBND tỉnh","subject":"Hợp đồng thuê kho lưu trữ","languages":["01"],"pageCount":1,"accessMode":"01","confidenceLevel":"01"}
            """)), HttpStatusCode.Created);
        var id = doc.GetProperty("id").GetString()!;
        var content = new ByteArrayContent(PdfSamples.Scan(200, color: false));
        content.Headers.ContentType = new("application/pdf");
        await Journeys.ReadAsync(await api.PostAsync($"/api/v1/documents/{id}/content?fileName=hop-dong.pdf", content), HttpStatusCode.Created);
        var signed = await Journeys.ReadAsync(await api.PostAsync($"/api/v1/documents/{id}/signatures", Journeys.Json("""{"level":"B-T"}""")), HttpStatusCode.Created);
        var pdf = await api.GetByteArrayAsync($"/api/v1/documents/{id}/content?version={signed.GetProperty("version").GetInt32()}");
        pdf[10] ^= 0x01; // inside the signed byte range
        var tampered = Path.Combine(Path.GetTempPath(), $"hop-dong-da-sua-{Guid.NewGuid():N}.pdf");
        await File.WriteAllBytesAsync(tampered, pdf);
        code.ShouldNotBeNullOrEmpty();

        var page = await web.SignedInAsync(Roles.Legal, "Hoàng Minh Pháp");
        await page.GotoAsync("/verify");
        await page.SetInputFilesAsync("#verify-file", tampered);
        await page.ClickAsync("#verify");
        var report = page.FrameLocator("#report");
        await Expect(report.Locator("h2")).ToContainTextAsync("TOTAL_FAILED", new() { Timeout = 60_000 });
        (await report.Locator("p[lang=vi]").First.TextContentAsync())!.Length.ShouldBeGreaterThan(10);
        await WebFixture.ScreenshotAsync(page, "verify");

        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#verify-pdf"), new() { Timeout = 60_000 });
        var bytes = await File.ReadAllBytesAsync((await download.PathAsync())!);
        System.Text.Encoding.ASCII.GetString(bytes, 0, 5).ShouldBe("%PDF-");
        System.Text.Encoding.ASCII.GetString(bytes).ShouldContain("/ByteRange");
    }
}
