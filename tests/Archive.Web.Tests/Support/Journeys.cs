using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Archive.Api.Features.Records;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Npgsql;
using static Microsoft.Playwright.Assertions;

namespace Archive.Web.Tests.Support;

/// <summary>Steps several journeys share, taken in the browser as a person would; and API set-up for records a journey starts from.</summary>
public static class Journeys
{
    private static int _organ = Random.Shared.Next(100, 900);

    /// <summary>A fresh, valid organisation id per call (tests share one database).</summary>
    public static string NewOrgan() => $"{Interlocked.Increment(ref _organ):000}.00.00.H29";

    /// <summary>Opens a fonds and a dossier through the pages; returns the dossier code (the page it lands on).</summary>
    public static async Task<string> OpenDossierAsync(IPage page, string organ, string notation, string title, bool screenshot = false)
    {
        await page.GotoAsync("/fonds");
        await page.FillAsync("#fonds-form [name=organId]", organ);
        await page.FillAsync("#fonds-form [name=name]", "Phông Ủy ban nhân dân tỉnh Lai Châu");
        await page.ClickAsync("#fonds-form button[type=submit]");
        try { await page.WaitForURLAsync("**/fonds/" + organ); }
        catch (TimeoutException e)
        {
            // Name what the page showed instead of the fonds (a refusal beside the form, or nothing at all).
            throw new TimeoutException($"the fonds page did not open; the form page shows: {await page.InnerTextAsync("main")}", e);
        }
        await page.ClickAsync("#new-dossier");
        await page.WaitForURLAsync("**/dossiers/new**");
        await page.FillAsync("#dossier-form [name=fileNotation]", notation);
        await page.FillAsync("#dossier-form [name=title]", title);
        await page.FillAsync("#dossier-form [name=creator]", "Văn phòng UBND tỉnh");
        await page.FillAsync("#dossier-form [name=paperFileCode]", "VP-" + notation);
        await page.FillAsync("#dossier-form [name=sheetCount]", "12");
        await page.SelectOptionAsync("#dossier-form [name=physicalCondition]", "01");
        await page.FillAsync("#dossier-form [name=startDate]", "2025-01-05");
        if (screenshot) await WebFixture.ScreenshotAsync(page, "dossier-form");
        await page.ClickAsync("#open-dossier");
        await page.WaitForURLAsync("**/dossiers/" + organ + ".*");
        await Expect(page.Locator("#dossier-title")).ToContainTextAsync(notation);
        return (await page.Locator("#dossier-title").TextContentAsync())!.Split(' ').Last().Trim();
    }

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public static async Task<JsonElement> ReadAsync(HttpResponseMessage r, HttpStatusCode expected)
    {
        r.StatusCode.ShouldBe(expected, await r.Content.ReadAsStringAsync());
        return r.StatusCode == HttpStatusCode.NoContent ? default : await r.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>A closed dossier of <paramref name="year"/> with the given retention code, made through the API.</summary>
    public static async Task<string> ClosedDossierAsync(HttpClient api, string organ, int year, string notation, string retention, string title)
    {
        var fonds = await api.PostAsync("/api/v1/fonds", Json($$"""{"organId":"{{organ}}","name":"Phông UBND huyện"}"""));
        fonds.StatusCode.ShouldBeOneOf(HttpStatusCode.Created, HttpStatusCode.Conflict);
        var opened = await ReadAsync(await api.PostAsync("/api/v1/dossiers", Json($$"""
            {"organId":"{{organ}}","year":{{year}},"fileNotation":"{{notation}}","title":"{{title}}","retentionCode":"{{retention}}",
             "accessMode":"01","languages":["01"],"creator":"Văn phòng","confidenceLevel":"01","startDate":"{{year}}-01-05"}
            """)), HttpStatusCode.Created);
        var code = opened.GetProperty("code").GetString()!;
        var close = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/dossiers/{code}/close") { Content = Json($$"""{"endDate":"{{year}}-12-20"}""") };
        close.Headers.TryAddWithoutValidation("If-Match", $"\"{opened.GetProperty("version").GetInt64()}\"");
        await ReadAsync(await api.SendAsync(close), HttpStatusCode.OK);
        return code;
    }

    /// <summary>Waits until a projection has processed every event stored so far (no sleeping: the store reports it).</summary>
    public static async Task WaitForProjectionAsync(WebFixture web, string projection)
    {
        await using var cmd = web.Service<NpgsqlDataSource>().CreateCommand("select coalesce(max(position), 0) from event_store.events");
        var last = (long)(await cmd.ExecuteScalarAsync())!;
        await web.Service<Archive.EventStore.EventStore>().WaitForProjectionAsync(projection, last, TimeSpan.FromSeconds(60));
    }

    public static Task WaitForSearchAsync(WebFixture web) => WaitForProjectionAsync(web, SearchProjection.ProjectionName);
}
