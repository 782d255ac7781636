using System.Net;
using Archive.Api.Infrastructure.Auth;
using Archive.Testing;
using Archive.Web.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Archive.Web.Tests;

/// <summary>Tách bộ from the document page: the form, its errors beside it, and the documents it makes.</summary>
[Collection(WebCollection.Name)]
public class document_splitting_page(WebFixture web)
{
    [Fact]
    public async Task an_officer_splits_a_scan_by_page_ranges_from_the_document_page_and_a_bad_range_is_explained_beside_the_form()
    {
        var organ = Journeys.NewOrgan();
        var api = await web.ApiAsync(Roles.Admin);
        await api.PostAsync("/api/v1/fonds", Journeys.Json($$"""{"organId":"{{organ}}","name":"Phông Văn phòng UBND tỉnh"}"""));
        var dossier = (await Journeys.ReadAsync(await api.PostAsync("/api/v1/dossiers", Journeys.Json($$"""
            {"organId":"{{organ}}","year":2025,"fileNotation":"15-VP","title":"Hồ sơ văn bản đi năm 2025","retentionCode":"01",
             "accessMode":"01","languages":["01"],"creator":"Văn phòng","confidenceLevel":"01","startDate":"2025-01-05"}
            """)), HttpStatusCode.Created)).GetProperty("code").GetString()!;
        var document = (await Journeys.ReadAsync(await api.PostAsync("/api/v1/documents", Journeys.Json($$"""
            {"dossierCode":"{{dossier}}","typeCode":"10","codeNumber":"7","codeNotation":"KH-UBND","issuedDate":"2025-03-04",
             "issuer":"UBND tỉnh","subject":"Tập văn bản quét chung một tệp","languages":["01"],"pageCount":3,"accessMode":"01","confidenceLevel":"01"}
            """)), HttpStatusCode.Created)).GetProperty("id").GetString()!;
        var dir = Directory.CreateTempSubdirectory("web-split-").FullName;
        var page = Path.Combine(dir, "page.pdf");
        File.WriteAllBytes(page, ScanMaker.Pdf(["Kế hoạch số hóa tài liệu lưu trữ."], pageHeightInches: 2));
        var three = Path.Combine(dir, "three.pdf");
        using (var qpdf = System.Diagnostics.Process.Start("qpdf", ["--empty", "--pages", page, page, page, "--", three])) qpdf.WaitForExit();
        var upload = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/documents/{document}/content?fileName=three.pdf")
            { Content = new ByteArrayContent(File.ReadAllBytes(three)) };
        await Journeys.ReadAsync(await api.SendAsync(upload), HttpStatusCode.Created);

        var officer = await web.SignedInAsync(Roles.RecordsOfficer, "Vũ Thị Tách");
        await officer.GotoAsync("/documents/" + document);
        var form = officer.Locator("#split-form");
        await form.Locator("input[name=ranges]").FillAsync("1-2, 2-3, 4-5");
        await officer.Locator("#split").ClickAsync();
        await Expect(form.Locator(".form-problem")).ToContainTextAsync("trùng với khoảng 1-2");
        await Expect(form.Locator(".form-problem")).ToContainTextAsync("nằm ngoài bản quét (3 trang)");

        await form.Locator("input[name=ranges]").FillAsync("1, 2-3");
        await officer.Locator("#split").ClickAsync();
        await Expect(officer.Locator("#split-parts li")).ToHaveCountAsync(2);
        await officer.Locator("#split-parts li a").Nth(1).ClickAsync();
        await Expect(officer.Locator("#split-from")).ToContainTextAsync("2–3");
        await Expect(officer.Locator("#document-subject")).ToHaveTextAsync("Tập văn bản quét chung một tệp (trang 2-3)");
    }
}
