using Archive.Api.Features.Disposition;
using Archive.Api.Infrastructure.Auth;
using Archive.Web.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Archive.Web.Tests;

[Collection(WebCollection.Name)]
public class disposition_journey(WebFixture web)
{
    [Fact]
    public async Task a_disposition_runs_from_proposal_to_execution_with_each_step_by_its_role()
    {
        var organ = Journeys.NewOrgan();
        var expired = await Journeys.ClosedDossierAsync(await web.ApiAsync(Roles.Admin), organ, 2005, "07-HC", "06", "Hồ sơ giấy mời hội nghị năm 2005");
        await Journeys.WaitForProjectionAsync(web, ReviewProjection.ProjectionName);

        var officer = await web.SignedInAsync(Roles.RecordsOfficer, "Bùi Thị Thu");
        await officer.GotoAsync("/disposition");
        await Expect(officer.Locator("#review")).ToContainTextAsync(expired);
        await Expect(officer.Locator("#review")).ToContainTextAsync("Xem xét hủy");
        await officer.FillAsync("#proposal-form [name=organId]", organ);
        await officer.FillAsync("#proposal-items", $"dossier {expired}: Hết thời hạn bảo quản 10 năm");
        await officer.FillAsync("#proposal-form [name=reason]", "Đề nghị hủy tài liệu hết giá trị năm 2016");
        await WebFixture.ScreenshotAsync(officer, "disposition");
        await officer.ClickAsync("#propose");
        await officer.WaitForURLAsync("**/disposition/proposals/*");
        var proposal = officer.Url;
        await Expect(officer.Locator("#proposal-records")).ToContainTextAsync(expired);
        await officer.ClickAsync("#give-opinion");
        await Expect(officer.Locator("#opinions tbody tr")).ToHaveCountAsync(1);
        await Expect(officer.Locator("#decision-form")).ToHaveCountAsync(0); // only the head of the agency signs

        var legal = await web.SignedInAsync(Roles.Legal, "Ngô Văn Hội");
        await legal.GotoAsync(proposal);
        await legal.ClickAsync("#give-opinion");
        await Expect(legal.Locator("#opinions")).ToContainTextAsync("Ngô Văn Hội");
        await Expect(legal.Locator("#execution-form")).ToHaveCountAsync(0);

        var head = await web.SignedInAsync(Roles.Admin, "Trịnh Văn Thủ Trưởng");
        await head.GotoAsync(proposal);
        await head.FillAsync("#decision-form [name=decisionNumber]", "25/QĐ-UBND");
        await head.ClickAsync("#sign-decision");
        await Expect(head.Locator("#decision")).ToContainTextAsync("25/QĐ-UBND");

        await officer.GotoAsync(proposal);
        officer.Dialog += async (_, dialog) => await dialog.AcceptAsync();
        await officer.ClickAsync("#execute");
        await Expect(officer.Locator("#proposal-status")).ToHaveTextAsync("Đã thi hành hủy", new() { Timeout = 60_000 });
        await Expect(officer.Locator("#destruction-file")).ToContainTextAsync(expired);
        await WebFixture.ScreenshotAsync(officer, "disposition-executed");

        // The destroyed dossier is gone for everyone.
        await officer.GotoAsync("/dossiers/" + expired);
        await Expect(officer.Locator("h1")).ToHaveTextAsync("Không có hồ sơ này");
    }

    [Fact]
    public async Task a_permanent_records_destruction_is_refused_on_screen_with_its_reason()
    {
        var organ = Journeys.NewOrgan();
        var permanent = await Journeys.ClosedDossierAsync(await web.ApiAsync(Roles.Admin), organ, 2004, "01-QĐ", "01", "Hồ sơ thành lập Ủy ban nhân dân huyện");

        var officer = await web.SignedInAsync(Roles.RecordsOfficer, "Lý Thị Mai");
        await officer.GotoAsync("/disposition");
        await officer.FillAsync("#proposal-form [name=organId]", organ);
        await officer.FillAsync("#proposal-items", $"dossier {permanent}: Thử hủy");
        await officer.ClickAsync("#propose");
        await Expect(officer.Locator("#proposal-problem")).ToContainTextAsync("vĩnh viễn");
        await Expect(officer.Locator("#proposal-problem")).ToContainTextAsync(permanent);
        officer.Url.ShouldEndWith("/disposition");

        // The same refusal in English, one click away.
        await officer.ClickAsync("#lang-switch");
        await officer.FillAsync("#proposal-form [name=organId]", organ);
        await officer.FillAsync("#proposal-items", $"dossier {permanent}: Try to destroy");
        await officer.ClickAsync("#propose");
        await Expect(officer.Locator("#proposal-problem")).ToContainTextAsync("permanent");
        await Expect(officer.Locator("#proposal-problem")).ToContainTextAsync("Destruction refused");

        var auditor = await web.SignedInAsync(Roles.Auditor, "Phan Văn Soát");
        await auditor.GotoAsync("/disposition");
        await Expect(auditor.Locator("#blocked")).ToContainTextAsync(permanent);
        await Expect(auditor.Locator("#blocked")).ToContainTextAsync("Lý Thị Mai");
        await Expect(auditor.Locator("#proposal-form")).ToHaveCountAsync(0);
    }
}
