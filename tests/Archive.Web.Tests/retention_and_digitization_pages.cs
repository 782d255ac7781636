using System.Net;
using Archive.Api.Features.Digitization;
using Archive.Api.Infrastructure.Auth;
using Archive.Web.Tests.Support;
using Microsoft.Playwright;
using Npgsql;
using static Microsoft.Playwright.Assertions;

namespace Archive.Web.Tests;

[Collection(WebCollection.Name)]
public class retention_and_digitization_pages(WebFixture web)
{
    [Fact]
    public async Task an_administrator_adds_and_edits_a_retention_schedule_group_with_errors_beside_the_fields()
    {
        var organ = Journeys.NewOrgan();
        var api = await web.ApiAsync(Roles.Admin);
        (await api.PostAsync("/api/v1/fonds", Journeys.Json($$"""{"organId":"{{organ}}","name":"Phông Sở Nội vụ"}"""))).StatusCode.ShouldBe(HttpStatusCode.Created);

        var admin = await web.SignedInAsync(Roles.Admin, "Hoàng Văn Quản");
        await admin.GotoAsync($"/fonds/{organ}");
        await admin.ClickAsync("#retention-schedule");
        await admin.WaitForURLAsync($"**/fonds/{organ}/retention-schedule");
        await Expect(admin.Locator("#schedule-empty")).ToBeVisibleAsync();

        // Nothing filled in: each error beside its field, and nothing is added.
        await admin.ClickAsync("#add-group");
        await Expect(admin.Locator("#group-form [data-error-for=code]")).Not.ToBeEmptyAsync();
        await Expect(admin.Locator("#group-form [data-error-for=name]")).Not.ToBeEmptyAsync();
        await Expect(admin.Locator("#group-form [data-error-for=retentionCode]")).Not.ToBeEmptyAsync();

        await admin.FillAsync("#group-form [name=code]", "01.1");
        await admin.FillAsync("#group-form [name=name]", "Hồ sơ về xây dựng, ban hành quy chế làm việc của cơ quan");
        await admin.SelectOptionAsync("#group-form [name=retentionCode]", "06");
        await admin.FillAsync("#group-form [name=reason]", "Ban hành bảng thời hạn bảo quản");
        await admin.ClickAsync("#add-group");
        await Expect(admin.Locator("tr[data-group='01.1'] .retention")).ToHaveTextAsync("10 năm");

        var edit = admin.Locator("tr[data-group='01.1'] form");
        await edit.Locator("[name=retentionCode]").SelectOptionAsync("04");
        await edit.Locator("button[type=submit]").ClickAsync();
        await Expect(admin.Locator("tr[data-group='01.1'] .retention")).ToHaveTextAsync("30 năm");
        await WebFixture.ScreenshotAsync(admin, "retention-schedule");

        var schedule = await Journeys.ReadAsync(await api.GetAsync($"/api/v1/fonds/{organ}/retention-schedule"), HttpStatusCode.OK);
        schedule.GetProperty("groups")[0].GetProperty("retentionYears").GetInt32().ShouldBe(30);

        // The same page in English.
        await admin.ClickAsync("#lang-switch");
        await Expect(admin.Locator("h1")).ToContainTextAsync("Retention schedule");
        await Expect(admin.Locator("tr[data-group='01.1'] .retention")).ToHaveTextAsync("30 years");

        // A records officer may not use the page.
        var officer = await web.SignedInAsync(Roles.RecordsOfficer, "Đặng Thị Lưu");
        await officer.GotoAsync($"/fonds/{organ}/retention-schedule");
        await Expect(officer.Locator("#denied")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task an_officer_sees_a_batchs_failed_file_with_its_error_and_sends_it_back_to_the_queue()
    {
        var organ = Journeys.NewOrgan();
        var batch = "lo-" + organ;
        var api = await web.ApiAsync(Roles.Admin);
        await api.PostAsync("/api/v1/fonds", Journeys.Json($$"""{"organId":"{{organ}}","name":"Phông Trung tâm Lưu trữ lịch sử"}"""));
        var dossier = (await Journeys.ReadAsync(await api.PostAsync("/api/v1/dossiers", Journeys.Json($$"""
            {"organId":"{{organ}}","year":2025,"fileNotation":"14-SH","title":"Hồ sơ số hóa tài liệu năm 2025","retentionCode":"01",
             "accessMode":"01","languages":["01"],"creator":"Văn phòng","confidenceLevel":"01","startDate":"2025-01-05"}
            """)), HttpStatusCode.Created)).GetProperty("code").GetString()!;
        var document = (await Journeys.ReadAsync(await api.PostAsync("/api/v1/documents", Journeys.Json($$"""
            {"dossierCode":"{{dossier}}","typeCode":"02","codeNumber":"12","codeNotation":"QĐ-UBND","issuedDate":"2025-03-04",
             "issuer":"UBND tỉnh","subject":"Quyết định về việc số hóa tài liệu lưu trữ","languages":["01"],"pageCount":1,"accessMode":"01","confidenceLevel":"02"}
            """)), HttpStatusCode.Created)).GetProperty("id").GetString()!;
        // A JPEG header over bytes no decoder reads: stored and queued (workers are off in these tests).
        var poison = new byte[] { 0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 0, 1, 1, 1, 0, 200, 0, 200, 0, 0 }
            .Concat(Enumerable.Repeat((byte)0x5A, 4000)).ToArray();
        var upload = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/documents/{document}/content?fileName=scan.jpg") { Content = new ByteArrayContent(poison) };
        upload.Content.Headers.ContentType = new("image/jpeg");
        upload.Headers.Add("X-Digitization-Batch", batch);
        var job = (await Journeys.ReadAsync(await api.SendAsync(upload), HttpStatusCode.Created)).GetProperty("digitizationJobId").GetString()!;

        var officer = await web.SignedInAsync(Roles.RecordsOfficer, "Vũ Thị Số");
        await officer.GotoAsync("/documents/" + document);
        await Expect(officer.Locator("#digitization-status")).ToHaveTextAsync("Đang chờ");

        const string error = "ocrmypdf: ảnh quét không đọc được (UnidentifiedImageError)";
        await DeadLetterAsync(job, error);

        await officer.GotoAsync("/digitization");
        var row = officer.Locator($"#batches tr[data-batch='{batch}']");
        await Expect(row.Locator(".failed")).ToHaveTextAsync("1");
        await Expect(row.Locator(".signed")).ToHaveTextAsync("0");
        var letter = officer.Locator($"#dead-letters tr[data-job='{job}']");
        await Expect(letter.Locator(".error-text")).ToHaveTextAsync(error);
        // Named as an officer looks for it: the document code and title, not only the id.
        await Expect(letter.Locator(".document-code")).ToHaveTextAsync($"{dossier}.0000001");
        await Expect(letter.Locator(".document-title")).ToHaveTextAsync("Quyết định 12/QĐ-UBND: Quyết định về việc số hóa tài liệu lưu trữ");
        await WebFixture.ScreenshotAsync(officer, "digitization");
        await officer.GotoAsync("/documents/" + document);
        await Expect(officer.Locator("#digitization-status")).ToHaveTextAsync("Lỗi");
        await Expect(officer.Locator("#digitization-error")).ToHaveTextAsync(error);

        await officer.GotoAsync("/digitization");
        await officer.Locator($"#dead-letters tr[data-job='{job}'] .retry").ClickAsync();
        await Expect(officer.Locator($"#dead-letters tr[data-job='{job}']")).ToHaveCountAsync(0);
        await Expect(officer.Locator($"#batches tr[data-batch='{batch}'] .failed")).ToHaveTextAsync("0");
        await officer.GotoAsync("/documents/" + document);
        await Expect(officer.Locator("#digitization-status")).ToHaveTextAsync("Đang chờ");
        (await web.Service<DigitizationQueue>().JobAsync(job, CancellationToken.None))!.Value.Status.ShouldBe(DigitizationQueue.Statuses.Queued);

        // Legal staff do not run the digitization line.
        var legal = await web.SignedInAsync(Roles.Legal, "Phan Văn Luật");
        await legal.GotoAsync("/digitization");
        await Expect(legal.Locator("#denied")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task a_dossier_just_opened_is_listed_at_once_and_a_secret_one_only_to_a_cleared_person()
    {
        var organ = Journeys.NewOrgan();
        var api = await web.ApiAsync(Roles.Admin);
        await api.PostAsync("/api/v1/fonds", Journeys.Json($$"""{"organId":"{{organ}}","name":"Phông Sở Tài chính"}"""));
        async Task<string> OpenAsync(string notation, string access) => (await Journeys.ReadAsync(await api.PostAsync("/api/v1/dossiers", Journeys.Json($$"""
            {"organId":"{{organ}}","year":2025,"fileNotation":"{{notation}}","title":"Hồ sơ {{notation}}","retentionCode":"06",
             "accessMode":"{{access}}","languages":["01"],"creator":"Văn phòng","confidenceLevel":"01","startDate":"2025-02-01"}
            """)), HttpStatusCode.Created)).GetProperty("code").GetString()!;
        var open = await OpenAsync("15-TC", "01");
        var secret = await OpenAsync("16-MAT", "03");

        // No waiting for any projection: the list is written with the events.
        var officer = await web.SignedInAsync(Roles.RecordsOfficer, "Trần Văn Danh");
        await officer.GotoAsync($"/fonds/{organ}?year=2025");
        await Expect(officer.Locator("#records")).ToContainTextAsync(open);
        await Expect(officer.Locator("#records")).Not.ToContainTextAsync(secret);

        var cleared = await web.SignedInAsync(Roles.RecordsOfficer, "Lê Thị Mật", cleared: true);
        await cleared.GotoAsync($"/fonds/{organ}?year=2025");
        await Expect(cleared.Locator("#records")).ToContainTextAsync(secret);
        await Expect(cleared.Locator("#records")).ToContainTextAsync(open);
    }

    /// <summary>What a worker does when the last attempt fails, for this one job only (other tests' jobs stay queued).</summary>
    private async Task DeadLetterAsync(string jobId, string error)
    {
        const string owner = "web-test";
        var item = await Journeys.ClaimJobAsync(web, jobId, owner);
        (await web.Service<DigitizationQueue>().FailAsync(jobId, owner, error, maxAttempts: 1, TimeSpan.Zero, CancellationToken.None))
            .ShouldBe(DigitizationQueue.Statuses.Dead);
        await web.Service<DigitizationProcessor>().RecordDeadLetterAsync(item, error, CancellationToken.None);
    }
}
