using Microsoft.Playwright;
using Archive.Api.Infrastructure.Auth;
using Archive.Testing;
using Archive.Web.Tests.Support;
using Archive.Api.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Archive.Web.Tests;

/// <summary>
/// The records officer's journeys. They were skipped once because "Sign" sometimes got no answer: the browser never sent
/// it. Chromium shows the PDF in a frame of another process, placed above the forms; right after Playwright scrolled the
/// button into view, the click was routed to where that frame had been before the scroll (the PDF viewer got the click,
/// no request left the page). The viewer is now the last thing on the page, below every form.
/// </summary>
[Collection(WebCollection.Name)]
public class records_officer_journey(WebFixture web)
{
    private static readonly string[] PlanText =
    [
        "Kế hoạch số hóa tài liệu lưu trữ của tỉnh Lai Châu năm 2025.",
        "Dữ liệu được số hóa đảm bảo chính xác với dữ liệu bản cứng.",
    ];

    [Fact]
    public async Task an_officer_opens_a_dossier_drops_two_scans_that_become_two_documents_sees_the_archive_sign_the_pdfa_and_finds_it_by_search()
    {
        var page = await web.SignedInAsync(Roles.RecordsOfficer, "Nguyễn Thị Lan");
        var organ = Journeys.NewOrgan();

        // A dossier form sent without its title shows the domain's message beside the title field, and stores nothing.
        await page.GotoAsync($"/dossiers/new?organId={organ}");
        await page.ClickAsync("#open-dossier");
        await Expect(page.Locator("#dossier-form [data-error-for=title]")).Not.ToBeEmptyAsync();
        await Expect(page.Locator("#dossier-form .form-problem")).ToBeVisibleAsync();
        page.Url.ShouldContain("/dossiers/new");

        var code = await Journeys.OpenDossierAsync(page, organ, "01-VP", "Hồ sơ kế hoạch số hóa tài liệu lưu trữ năm 2025", screenshot: true);
        code.ShouldBe($"{organ}.{DateTime.UtcNow.Year}.01-VP");
        // An open dossier: its start date and no end date yet.
        await Expect(page.Locator("#dossier-dates")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\s*05/01/2025 –\s*$"));

        // Two scans dropped at once: one document each, each file with its own progress and a link to its document.
        var scans = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "web-scans-" + Guid.NewGuid().ToString("N"))).FullName;
        var first = Path.Combine(scans, "Kế hoạch số hóa tài liệu lưu trữ của tỉnh Lai Châu.jpg");
        var second = Path.Combine(scans, "Báo cáo kết quả số hóa quý I.pdf");
        await File.WriteAllBytesAsync(first, ScanMaker.Jpeg(PlanText, pageHeightInches: 2.4));
        await File.WriteAllBytesAsync(second, PdfSamples.Scan(200, color: true));
        await page.SelectOptionAsync("#scan-batch-form [name=typeCode]", "10");
        await page.FillAsync("#scan-batch-form [name=issuer]", "UBND tỉnh Lai Châu");
        await page.FillAsync("#scan-batch-form [name=issuedDate]", "2025-03-04");
        await Journeys.DropFilesAsync(page, "#scan-dropzone", first, second);
        var rows = page.Locator("#scan-dropzone .uploads li");
        await Expect(page.Locator("#scan-dropzone")).ToHaveAttributeAsync("data-done", "ok");
        await Expect(rows).ToHaveCountAsync(2);
        await Expect(rows.Nth(0)).ToContainTextAsync(code + ".0000001");
        await Expect(rows.Nth(1)).ToContainTextAsync(code + ".0000002");
        (await rows.Locator("progress").EvaluateAllAsync<int[]>("bars => bars.map(b => b.value)")).ShouldBe([100, 100]);
        await page.ReloadAsync();
        await Expect(page.Locator("#documents tbody tr")).ToHaveCountAsync(2);
        await Expect(page.Locator("#documents")).ToContainTextAsync("Kế hoạch số hóa tài liệu lưu trữ của tỉnh Lai Châu");
        await Expect(page.Locator("#documents")).ToContainTextAsync("Báo cáo kết quả số hóa quý I.pdf");
        await WebFixture.ScreenshotAsync(page, "dossier");

        // The scan of a digitized record waits for OCR and PDF/A; the page says the archive will sign the PDF/A, instead of a
        // "Sign" button that could only sign the raw scan.
        await page.ClickAsync($"#documents a:text-is('{code}.0000001')");
        await page.WaitForURLAsync("**/documents/*");
        var documentId = page.Url.Split('/').Last();
        await Expect(page.Locator("#versions tbody tr")).ToHaveCountAsync(1);
        await Expect(page.Locator("#digitization-status")).ToHaveTextAsync("Đang chờ");
        await Expect(page.Locator("#sign-pending")).ToContainTextAsync("tự ký số bản PDF/A");
        await Expect(page.Locator("#sign")).ToHaveCountAsync(0);

        // The worker's turn (real OCR, PDF/A and the organization's signature); the open page updates itself.
        var since = DateTimeOffset.UtcNow;
        await Journeys.DigitizeAsync(web, documentId);
        try { await Expect(page.Locator("#versions tbody tr")).ToHaveCountAsync(3, new() { Timeout = 60_000 }); }
        catch (PlaywrightException e)
        {
            throw new PlaywrightException($"no PDF/A and signature on the page; it shows: {await page.InnerTextAsync("main")}\nserver log:\n{web.Log.Since(since)}", e);
        }
        await Expect(page.Locator("#digitization-status")).ToHaveTextAsync("Đã ký số");
        await Expect(page.Locator("#versions tbody tr").Nth(1)).ToContainTextAsync(code + ".0000001.pdf");
        await Expect(page.Locator("#versions tbody tr").Nth(1)).ToContainTextAsync("PDF/A có lớp chữ (OCR)");
        await Expect(page.Locator("#versions tbody tr").Last).ToContainTextAsync("Đã ký số");
        await WebFixture.ScreenshotAsync(page, "document");
        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("#versions tbody tr").Last.Locator("a[download]").ClickAsync());
        var signed = await File.ReadAllBytesAsync((await download.PathAsync())!);
        System.Text.Encoding.ASCII.GetString(signed).ShouldContain("/ByteRange");

        await Journeys.WaitForSearchAsync(web);
        await page.GotoAsync("/search");
        await page.FillAsync("#q", "so hoa lai chau");
        await page.ClickAsync("#search");
        await Expect(page.Locator("#results")).ToContainTextAsync(code + ".0000001");
        await Expect(page.Locator("#results mark").First).ToBeVisibleAsync();
        (await page.Locator("#results mark").AllTextContentsAsync()).ShouldContain("Lai");
        await WebFixture.ScreenshotAsync(page, "search");
    }

    [Fact]
    public async Task an_officer_working_in_english_adds_a_born_digital_document_uploads_its_file_and_signs_it_by_clicking()
    {
        var page = await web.SignedInAsync(Roles.RecordsOfficer, "Trần Minh Đức");
        await page.ClickAsync("#lang-switch");
        await Expect(page.Locator("#lang-switch")).ToHaveTextAsync("Tiếng Việt");
        var organ = Journeys.NewOrgan();
        var code = await Journeys.OpenDossierAsync(page, organ, "02-VP", "Hồ sơ văn bản điện tử năm 2025");
        await Expect(page.Locator("#scans h2")).ToHaveTextAsync("Drop several scans: one document per file");
        await Journeys.ShouldShowNoVietnameseLabelsAsync(page);

        await page.SelectOptionAsync("#document-form [name=typeCode]", "01");
        await page.FillAsync("#document-form [name=codeNumber]", "27");
        await page.FillAsync("#document-form [name=codeNotation]", "QĐ-UBND");
        await page.FillAsync("#document-form [name=issuedDate]", "2025-05-12");
        await page.FillAsync("#document-form [name=issuer]", "UBND tỉnh Lai Châu");
        await page.FillAsync("#document-form [name=subject]", "Quyết định ban hành quy chế công tác văn thư, lưu trữ");
        await page.SelectOptionAsync("#document-form [name=confidenceLevel]", "01");
        await page.ClickAsync("#add-document");
        await page.WaitForURLAsync("**/documents/*");
        await Expect(page.Locator("#versions thead")).ToContainTextAsync("File");
        await Expect(page.Locator("#dropzone")).ToContainTextAsync("Drop one file here");

        // Two files dropped on one document are refused with the way to make a document of each; one is a version.
        var files = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "web-files-" + Guid.NewGuid().ToString("N"))).FullName;
        var decision = Path.Combine(files, "qd-27.pdf");
        var other = Path.Combine(files, "qd-28.pdf");
        await File.WriteAllBytesAsync(decision, ScanMaker.Pdf(["Quyết định ban hành quy chế công tác văn thư, lưu trữ."], pageHeightInches: 2.4));
        await File.WriteAllBytesAsync(other, PdfSamples.Scan(200, color: false));
        await Journeys.DropFilesAsync(page, "#dropzone", decision, other);
        await Expect(page.Locator("#dropzone .uploads li.refused")).ToContainTextAsync("One file at a time");
        await Expect(page.Locator("#upload-version")).ToBeDisabledAsync();
        await page.SetInputFilesAsync("#upload-input", [decision]);
        await page.ClickAsync("#upload-version");
        await Expect(page.Locator("#versions tbody tr")).ToHaveCountAsync(1);
        await Expect(page.Locator("#versions tbody tr").First).ToContainTextAsync("Original");
        await Expect(page.Locator("#upload-version")).ToHaveTextAsync("Upload as a new version");
        await Journeys.ShouldShowNoVietnameseLabelsAsync(page);

        await page.SelectOptionAsync("#sign-form [name=level]", "B-T");
        await page.FillAsync("#sign-form [name=reason]", "Signed for the archive");
        await page.ClickAsync("#sign");
        await Expect(page.Locator("#versions tbody tr")).ToHaveCountAsync(2);
        await Expect(page.Locator("#versions tbody tr").Last).ToContainTextAsync("Signed (B-T)");
        await Expect(page.Locator("#versions tbody tr").Last).ToContainTextAsync("qd-27.signed.pdf");

        // Signing the signed version again: the domain's refusal, in English, beside the form.
        await page.ClickAsync("#sign");
        await Expect(page.Locator("#sign-form .form-problem")).ToContainTextAsync("already carries the organization's signature");
        await Expect(page.Locator("#versions tbody tr")).ToHaveCountAsync(2);
        code.ShouldStartWith(organ);
    }
}
