using Archive.Api.Infrastructure.Auth;
using Archive.Api.Web.People;
using Archive.Web.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Archive.Web.Tests;

[Collection(WebCollection.Name)]
public class people_administration(WebFixture web)
{
    [Fact]
    public async Task an_admin_adds_a_person_whose_role_change_applies_on_their_next_page()
    {
        var admin = await web.SignedInAsync(Roles.Admin, "Quản trị viên thử nghiệm");
        await admin.GotoAsync("/admin/people");
        var userName = "canbo-" + Guid.NewGuid().ToString("N")[..6];
        await admin.FillAsync("#create-person [name=userName]", userName);
        await admin.FillAsync("#create-person [name=fullName]", "Cao Thị Văn Thư");
        await admin.SelectOptionAsync("#create-person [name=role]", Roles.RecordsOfficer);
        await admin.ClickAsync("#add-person");
        await Expect(admin.Locator("#people-message")).ToContainTextAsync(userName);
        var password = (await admin.Locator("#new-password code").TextContentAsync())!.Trim();
        password.Length.ShouldBeGreaterThanOrEqualTo(PersonStore.MinPasswordLength);
        await WebFixture.ScreenshotAsync(admin, "people");

        var person = await web.PageAsync();
        await WebFixture.SignInAsync(person, userName, password);
        await Expect(person.Locator("#who")).ToContainTextAsync("Văn thư – lưu trữ");
        await Expect(person.Locator("header nav a[href='/audit']")).ToHaveCountAsync(0);

        var row = admin.Locator($"#people tr[data-user='{userName}']");
        await row.Locator("select[name=role]").SelectOptionAsync(Roles.Auditor);
        await row.Locator("button[type=submit]").First.ClickAsync();
        await Expect(admin.Locator("#people-message")).ToBeVisibleAsync();

        // Each step is an event of the person's stream whose actor is the administrator.
        var id = (await web.Service<PersonStore>().FindByUserNameAsync(userName, CancellationToken.None))!.Id;
        await using var events = web.Service<Npgsql.NpgsqlDataSource>().CreateCommand(
            "select type, metadata->'headers'->>'actorName' from event_store.events where stream_id = $1 order by position");
        events.Parameters.AddWithValue("person-" + id);
        var recorded = new List<string>();
        await using (var r = await events.ExecuteReaderAsync())
            while (await r.ReadAsync()) recorded.Add($"{r.GetString(0)} by {r.GetString(1)}");
        recorded.ShouldBe(["person.created.v1 by Quản trị viên thử nghiệm", "person.access.changed.v1 by Quản trị viên thử nghiệm"]);

        await person.ReloadAsync();
        await Expect(person.Locator("#who")).ToContainTextAsync("Kiểm tra – thanh tra");
        await Expect(person.Locator("header nav a[href='/audit']")).ToHaveCountAsync(1);
    }
}
