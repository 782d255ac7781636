using System.Net;
using Archive.Api.Infrastructure.Auth;
using Archive.Web.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Archive.Web.Tests;

/// <summary>English is one click away on every page: the pages' own words are then all English (records keep their language).</summary>
[Collection(WebCollection.Name)]
public class pages_in_english(WebFixture web)
{
    [Fact]
    public async Task after_one_click_on_english_the_main_pages_show_no_vietnamese_only_labels()
    {
        var organ = Journeys.NewOrgan();
        var api = await web.ApiAsync(Roles.Admin);
        (await api.PostAsync("/api/v1/fonds", Journeys.Json($$"""{"organId":"{{organ}}","name":"Phông Sở Văn hóa"}"""))).StatusCode.ShouldBe(HttpStatusCode.Created);
        var dossier = (await Journeys.ReadAsync(await api.PostAsync("/api/v1/dossiers", Journeys.Json($$"""
            {"organId":"{{organ}}","year":2024,"fileNotation":"07-VH","title":"Hồ sơ lễ hội văn hóa năm 2024","retentionCode":"06",
             "accessMode":"01","languages":["01"],"creator":"Văn phòng Sở","confidenceLevel":"01","startDate":"2024-01-05"}
            """)), HttpStatusCode.Created)).GetProperty("code").GetString()!;
        var document = (await Journeys.ReadAsync(await api.PostAsync("/api/v1/documents", Journeys.Json($$"""
            {"dossierCode":"{{dossier}}","typeCode":"02","codeNumber":"31","codeNotation":"QĐ-SVH","issuedDate":"2024-06-04",
             "issuer":"Sở Văn hóa","subject":"Quyết định tổ chức lễ hội","languages":["01"],"pageCount":1,"accessMode":"01","confidenceLevel":"01"}
            """)), HttpStatusCode.Created)).GetProperty("id").GetString()!;

        var admin = await web.SignedInAsync(Roles.Admin, "Đỗ Văn Quản");
        // In Vietnamese (the default) the same reading finds the page's words: the check sees what it looks for.
        (await Journeys.VietnameseLabelsAsync(admin)).ShouldNotBeEmpty();
        await admin.GotoAsync($"/documents/{document}");
        (await Journeys.VietnameseLabelsAsync(admin)).ShouldContain("Các phiên bản tệp");
        await admin.ClickAsync("#lang-switch");
        await Expect(admin.Locator("#lang-switch")).ToHaveTextAsync("Tiếng Việt");
        var found = new List<string>();
        foreach (var path in new[]
        {
            "/", "/fonds", $"/fonds/{organ}?year=2024", $"/dossiers/{dossier}", $"/documents/{document}", $"/dossiers/new?organId={organ}",
            "/search?q=le+hoi", "/verify", $"/audit?record={document}", "/audit/integrity", "/disposition", "/digitization",
            "/admin/people", $"/fonds/{organ}/retention-schedule",
        })
        {
            await admin.GotoAsync(path);
            await Expect(admin.Locator("main")).Not.ToBeEmptyAsync();
            found.AddRange((await Journeys.VietnameseLabelsAsync(admin)).Select(l => $"{path}: {l}"));
        }
        found.ShouldBeEmpty(string.Join("\n", found));
        await admin.GotoAsync($"/dossiers/{dossier}");
        await WebFixture.ScreenshotAsync(admin, "dossier-en");
    }
}
