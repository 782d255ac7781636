using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Archive.Api.Features.Digitization;
using Archive.Api.Features.Records;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Npgsql;
using static Microsoft.Playwright.Assertions;

namespace Archive.Web.Tests.Support;

/// <summary>Steps several journeys share, taken in the browser as a person would; and API set-up for records a journey starts from.</summary>
public static partial class Journeys
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
        // ToHaveURL polls the address. WaitForURL waits for a navigation and its load event, and once (1 run in 3) timed out
        // after 45 s with the fonds page already shown.
        try { await Expect(page).ToHaveURLAsync(new Regex("/fonds/" + Regex.Escape(organ) + "$"), new() { Timeout = 45_000 }); }
        catch (PlaywrightException e)
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

    /// <summary>
    /// Takes <paramref name="jobId"/> from the digitization queue as a worker does (workers are off in these tests, so the other
    /// tests' jobs stay queued): the job is leased to <paramref name="owner"/> and counted as an attempt.
    /// </summary>
    public static async Task<WorkItem> ClaimJobAsync(WebFixture web, string jobId, string owner)
    {
        await using var claim = web.Service<NpgsqlDataSource>().CreateCommand("""
            update archive_api.digitization_queue set status = 'running', lease_owner = $2, lease_until = now() + interval '5 minutes',
                   attempts = attempts + 1, updated_at = now()
             where job_id = $1
            returning job_id, document_id, source_version, source_sha256, step, attempts, batch
            """);
        claim.Parameters.AddWithValue(jobId);
        claim.Parameters.AddWithValue(owner);
        await using var r = await claim.ExecuteReaderAsync();
        (await r.ReadAsync()).ShouldBeTrue($"job {jobId} is not in the queue");
        return new WorkItem(r.GetString(0), r.GetString(1), r.GetInt32(2), r.GetString(3), r.GetString(4), r.GetInt32(5), r.IsDBNull(6) ? null : r.GetString(6));
    }

    /// <summary>What a digitization worker does with the newest job of a document: real OCR, PDF/A and the organization's signature.</summary>
    public static async Task DigitizeAsync(WebFixture web, string documentId)
    {
        await using var find = web.Service<NpgsqlDataSource>().CreateCommand(
            "select job_id from archive_api.digitization_queue where document_id = $1 order by created_at desc limit 1");
        find.Parameters.AddWithValue(documentId);
        var jobId = (string?)await find.ExecuteScalarAsync() ?? throw new InvalidOperationException($"no digitization job for {documentId}");
        const string owner = "web-test-worker";
        var item = await ClaimJobAsync(web, jobId, owner);
        await web.Service<DigitizationProcessor>().RunAsync(item, owner, CancellationToken.None);
    }

    // Letters only Vietnamese uses (hook above, dot below, breve, horn, đ, ...): a plain acute as in "Communiqué" is English too.
    [GeneratedRegex("[ảãạăằắẳẵặâầấẩẫậđẻẽẹêềếểễệỉĩịỏõọôồốổỗộơờớởỡợủũụưừứửữựỳỷỹỵ]", RegexOptions.IgnoreCase)]
    private static partial Regex VietnameseLetter();

    /// <summary>
    /// The page's own words (headings (h1-h3), table heads, labels, buttons, terms, the menu) that are written in Vietnamese: none is
    /// expected in English. A regulatory name kept in brackets, e.g. "True copy (sao y)", is a name and is left aside, and so
    /// are the records' own data (titles, subjects, which keep their language) and the language switch "Tiếng Việt".
    /// </summary>
    public static async Task<IReadOnlyList<string>> VietnameseLabelsAsync(IPage page)
    {
        var texts = await page.EvaluateAsync<string[]>("""
            () => Array.from(document.querySelectorAll('h1, h2, h3, th, label, button, dt, summary, header.top nav a, option, legend'))
              .filter(e => !e.closest('[data-record-text]'))
              .map(e => Array.from(e.childNodes).filter(n => n.nodeType === Node.TEXT_NODE).map(n => n.textContent).join(' ').trim())
              .filter(t => t.length > 0)
            """);
        return texts.Select(t => Regex.Replace(t, @"\([^)]*\)", "")).Where(t => VietnameseLetter().IsMatch(t)).Distinct().ToList();
    }

    public static async Task ShouldShowNoVietnameseLabelsAsync(IPage page)
    {
        var labels = await VietnameseLabelsAsync(page);
        labels.ShouldBeEmpty($"{page.Url} shows Vietnamese labels in English: {string.Join(" | ", labels)}");
    }

    /// <summary>Drops files onto an element as a person dragging them from a folder does (a drop event carrying the files).</summary>
    public static async Task DropFilesAsync(IPage page, string selector, params string[] paths)
    {
        var files = paths.Select(p => new
        {
            name = Path.GetFileName(p),
            type = Path.GetExtension(p).ToLowerInvariant() switch { ".pdf" => "application/pdf", ".jpg" => "image/jpeg", _ => "application/octet-stream" },
            data = Convert.ToBase64String(File.ReadAllBytes(p)),
        }).ToArray();
        var transfer = await page.EvaluateHandleAsync("""
            files => {
              const dt = new DataTransfer();
              for (const f of files) dt.items.add(new File([Uint8Array.from(atob(f.data), c => c.charCodeAt(0))], f.name, { type: f.type }));
              return dt;
            }
            """, files);
        await page.Locator(selector).DispatchEventAsync("drop", new Dictionary<string, object> { ["dataTransfer"] = transfer });
    }
}
