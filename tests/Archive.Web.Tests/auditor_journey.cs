using Archive.Api.Infrastructure.Auth;
using Archive.Web.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Archive.Web.Tests;

[Collection(WebCollection.Name)]
public class auditor_journey(WebFixture web)
{
    [Fact]
    public async Task an_auditor_sees_the_officers_name_on_the_timeline_and_replays_an_earlier_state()
    {
        var officer = await web.SignedInAsync(Roles.RecordsOfficer, "Vũ Thị Hồng Nhung");
        var code = await Journeys.OpenDossierAsync(officer, Journeys.NewOrgan(), "03-VP", "Hồ sơ hội nghị tổng kết công tác văn thư");
        await officer.ClickAsync("details:has(#dossier-edit) summary");
        await officer.FillAsync("#dossier-edit [name=title]", "Hồ sơ hội nghị tổng kết công tác văn thư, lưu trữ năm 2025");
        await officer.FillAsync("#dossier-edit [name=reason]", "Bổ sung tiêu đề");
        await officer.ClickAsync("#dossier-edit button[type=submit]");
        await Expect(officer.Locator("section.card h2").First).ToHaveTextAsync("Hồ sơ hội nghị tổng kết công tác văn thư, lưu trữ năm 2025");

        var auditor = await web.SignedInAsync(Roles.Auditor, "Đặng Văn Kiểm");
        await auditor.GotoAsync("/audit");
        await auditor.FillAsync("#record", code);
        await auditor.ClickAsync("#show-timeline");
        var rows = auditor.Locator("#timeline tbody tr");
        await Expect(rows).ToHaveCountAsync(2);
        await Expect(rows.Nth(0).Locator(".actor")).ToContainTextAsync("Vũ Thị Hồng Nhung");
        await Expect(rows.Nth(1).Locator(".actor")).ToContainTextAsync("Vũ Thị Hồng Nhung");
        await Expect(rows.Nth(1)).ToContainTextAsync("Bổ sung tiêu đề");
        await Expect(rows.Nth(1)).ToContainTextAsync("lưu trữ năm 2025");
        await WebFixture.ScreenshotAsync(auditor, "audit-timeline");

        // Replay as of the opening: the title before the officer's change.
        await rows.Nth(0).Locator(".replay-link").ClickAsync();
        await Expect(auditor.Locator("#replay [data-field=title]")).ToHaveTextAsync("Hồ sơ hội nghị tổng kết công tác văn thư");

        await auditor.GotoAsync("/audit/integrity");
        await auditor.ClickAsync("#run-check");
        await Expect(auditor.Locator("#fixity-result")).ToContainTextAsync("\"intact\": true", new() { Timeout = 60_000 });
        await WebFixture.ScreenshotAsync(auditor, "integrity");
    }
}
