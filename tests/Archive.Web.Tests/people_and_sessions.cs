using System.Net;
using Archive.Api.Hosting;
using Archive.Api.Infrastructure.Auth;
using Archive.Api.Web.People;
using Archive.Web.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Archive.Web.Tests;

[Collection(WebCollection.Name)]
public class people_and_sessions(WebFixture web)
{
    [Fact]
    public async Task the_root_without_a_session_shows_the_login_page()
    {
        var page = await web.PageAsync();
        await page.GotoAsync("/");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/login"));
        await Expect(page.Locator("h1")).ToHaveTextAsync("Đăng nhập");
        await WebFixture.ScreenshotAsync(page, "login");
    }

    [Fact]
    public async Task the_first_admin_signs_in_with_the_password_from_the_owner_only_file()
    {
        var path = Path.Combine(web.DataFolder, WebStartup.AdminPasswordFile);
        if (!OperatingSystem.IsWindows()) File.GetUnixFileMode(path).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var lines = await File.ReadAllLinesAsync(path);
        var page = await web.PageAsync();
        await WebFixture.SignInAsync(page, lines[0], lines[1]);
        await Expect(page.Locator("#who")).ToContainTextAsync("Quản trị viên");
        await Expect(page.Locator("header nav")).ToContainTextAsync("Quản trị");
    }

    [Fact]
    public async Task five_wrong_passwords_lock_the_account_even_for_the_right_one()
    {
        var (user, password, _) = await web.PersonAsync(Roles.RecordsOfficer, "Nguyễn Văn Khóa");
        var page = await web.PageAsync();
        for (var i = 1; i <= PersonStore.MaxFailures; i++)
        {
            await WebFixture.SignInAsync(page, user, "sai-mat-khau-" + i);
            await Expect(page.Locator("#login-error")).ToBeVisibleAsync();
        }
        await Expect(page.Locator("#login-error")).ToContainTextAsync("tạm khóa");
        await WebFixture.SignInAsync(page, user, password);
        await Expect(page.Locator("#login-error")).ToContainTextAsync("tạm khóa");
        await Expect(page.Locator("#who")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task a_person_without_the_role_neither_sees_nor_reaches_the_page()
    {
        var page = await web.SignedInAsync(Roles.Auditor, "Trần Thị Kiểm");
        await Expect(page.Locator("header nav a[href='/admin/people']")).ToHaveCountAsync(0);
        await Expect(page.Locator("header nav a[href='/verify']")).ToHaveCountAsync(0);
        foreach (var url in new[] { "/admin/people", "/verify", "/dossiers/new" })
        {
            await page.GotoAsync(url);
            await Expect(page.Locator("#denied")).ToBeVisibleAsync();
            page.Url.ShouldContain("/denied");
        }
        var legal = await web.SignedInAsync(Roles.Legal, "Lê Văn Luật");
        await Expect(legal.Locator("header nav a[href='/audit']")).ToHaveCountAsync(0);
        await legal.GotoAsync("/audit");
        await Expect(legal.Locator("#denied")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task a_form_posted_without_its_antiforgery_token_is_refused()
    {
        var (user, password, _) = await web.PersonAsync(Roles.RecordsOfficer, "Phạm Văn Form");
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true }) { BaseAddress = new Uri(web.BaseUrl) };
        var login = await client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login", ["userName"] = user, ["password"] = password,
        }));
        login.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        login.Headers.TryGetValues("Set-Cookie", out var cookies);
        (cookies ?? []).ShouldNotContain(c => c.StartsWith(PersonSession.CookieName));

        // Signed in through the page, the session's own API calls need the token too.
        var page = await web.SignedInAsync(Roles.RecordsOfficer, "Phạm Thị Phiên");
        var without = await page.APIRequest.PostAsync("/api/v1/fonds", new APIRequestContextOptions
        {
            DataObject = new { organId = "000.00.00.X99", name = "Phông không có mã chống giả mạo" },
        });
        without.Status.ShouldBe(400);
        (await without.TextAsync()).ShouldContain("antiforgery");
        var fonds = await (await web.ApiAsync(Roles.Admin)).GetAsync("/api/v1/fonds/000.00.00.X99");
        fonds.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task english_is_one_click_away()
    {
        var page = await web.SignedInAsync(Roles.RecordsOfficer, "Đỗ Thị Ngôn");
        await page.ClickAsync("#lang-switch");
        await Expect(page.Locator("h1")).ToContainTextAsync("Welcome");
        await Expect(page.Locator("#logout")).ToHaveTextAsync("Sign out");
        await page.ClickAsync("#lang-switch");
        await Expect(page.Locator("h1")).ToContainTextAsync("Xin chào");
    }
}
