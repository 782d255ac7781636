using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Archive.Api.Infrastructure.Auth;
using Archive.Api.Tests.Support;
using static Archive.Api.Tests.Support.Records;

namespace Archive.Api.Tests;

public class dossier_lists(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static string EntryJson(string notation, string title = "Hồ sơ kế hoạch công tác năm", string retention = "01") => $$"""
        {"fileNotation":"{{notation}}","title":"{{title}}","retentionCode":"{{retention}}","creator":"Văn phòng"}
        """;

    [Fact]
    public async Task added_entries_are_read_back_in_order_with_the_fonds_version_as_etag()
    {
        const string organ = "000.00.00.D01";
        var client = await api.ClientAsync(Roles.RecordsOfficer);
        await CreateFondsAsync(client, organ);
        foreach (var (notation, retention) in new[] { ("01-VP", "01"), ("02-VP", "06"), ("03-TC", "04") })
        {
            var added = await client.PostAsync($"/api/v1/fonds/{organ}/dossier-lists/2025/entries", ApiFixture.Json(EntryJson(notation, retention: retention)));
            added.StatusCode.ShouldBe(HttpStatusCode.Created, await added.Content.ReadAsStringAsync());
        }
        var other = await client.PostAsync($"/api/v1/fonds/{organ}/dossier-lists/2024/entries", ApiFixture.Json(EntryJson("09-VP")));
        other.StatusCode.ShouldBe(HttpStatusCode.Created);

        var auditor = await api.ClientAsync(Roles.Auditor);
        var read = await auditor.GetAsync($"/api/v1/fonds/{organ}/dossier-lists/2025");
        read.StatusCode.ShouldBe(HttpStatusCode.OK);
        read.Headers.ETag!.Tag.ShouldBe("\"5\"");
        var body = await read.Content.ReadFromJsonAsync<JsonElement>();
        var entries = body.GetProperty("entries").EnumerateArray().ToList();
        entries.Select(e => e.GetProperty("fileNotation").GetString()).ShouldBe(["01-VP", "02-VP", "03-TC"]);
        entries.Select(e => e.GetProperty("position").GetInt32()).ShouldBe([1, 2, 3]);
        entries[1].GetProperty("retentionYears").GetInt32().ShouldBe(10);
        entries[0].GetProperty("creator").GetString().ShouldBe("Văn phòng");

        var empty = await auditor.GetFromJsonAsync<JsonElement>($"/api/v1/fonds/{organ}/dossier-lists/2030");
        empty.GetProperty("entries").GetArrayLength().ShouldBe(0);
        await (await auditor.GetAsync("/api/v1/fonds/000.00.00.Z98/dossier-lists/2025")).ShouldBeProblemAsync(404);
    }

    [Fact]
    public async Task a_bad_entry_reports_every_failing_field_and_appends_nothing()
    {
        const string organ = "000.00.00.D02";
        var client = await api.ClientAsync(Roles.RecordsOfficer);
        await CreateFondsAsync(client, organ);
        var before = await api.EventCountAsync();
        var problem = await (await client.PostAsync($"/api/v1/fonds/{organ}/dossier-lists/1800/entries",
            ApiFixture.Json("""{"fileNotation":"a b","retentionCode":"07"}"""))).ShouldBeProblemAsync(400);
        problem.ErrorFields().ShouldBe(["year", "fileNotation", "title", "creator", "retention"], ignoreOrder: true);
        (await api.EventCountAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task a_duplicate_notation_in_the_same_year_is_409_and_unknown_fonds_is_404()
    {
        const string organ = "000.00.00.D03";
        var client = await api.ClientAsync(Roles.RecordsOfficer);
        await CreateFondsAsync(client, organ);
        (await client.PostAsync($"/api/v1/fonds/{organ}/dossier-lists/2025/entries", ApiFixture.Json(EntryJson("01-VP")))).StatusCode
            .ShouldBe(HttpStatusCode.Created);
        var before = await api.EventCountAsync();
        await (await client.PostAsync($"/api/v1/fonds/{organ}/dossier-lists/2025/entries", ApiFixture.Json(EntryJson("01-VP", "Khác"))))
            .ShouldBeProblemAsync(409);
        (await api.EventCountAsync()).ShouldBe(before);
        (await client.PostAsync($"/api/v1/fonds/{organ}/dossier-lists/2026/entries", ApiFixture.Json(EntryJson("01-VP")))).StatusCode
            .ShouldBe(HttpStatusCode.Created);
        await (await client.PostAsync("/api/v1/fonds/000.00.00.Z97/dossier-lists/2025/entries", ApiFixture.Json(EntryJson("01-VP"))))
            .ShouldBeProblemAsync(404);
    }

    [Fact]
    public async Task a_reader_can_get_the_list_but_not_add_to_it()
    {
        const string organ = "000.00.00.D04";
        var officer = await api.ClientAsync(Roles.RecordsOfficer);
        await CreateFondsAsync(officer, organ);
        var auditor = await api.ClientAsync(Roles.Auditor);
        (await auditor.GetAsync($"/api/v1/fonds/{organ}/dossier-lists/2025")).StatusCode.ShouldBe(HttpStatusCode.OK);
        await (await auditor.PostAsync($"/api/v1/fonds/{organ}/dossier-lists/2025/entries", ApiFixture.Json(EntryJson("01-VP"))))
            .ShouldBeProblemAsync(403);
    }
}
