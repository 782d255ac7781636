using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Archive.Api.Features.Records;
using Archive.Api.Infrastructure.Auth;
using Archive.Api.Tests.Support;
using Npgsql;
using static Archive.Api.Tests.Support.Records;

namespace Archive.Api.Tests;

/// <summary>GET /api/v1/dossiers and /api/v1/documents: filters, keyset paging, a stable order, and access decided on committed data.</summary>
public class record_lists(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static async Task<List<JsonElement>> AllPagesAsync(HttpClient client, string url, int limit)
    {
        var items = new List<JsonElement>();
        string? cursor = null;
        for (var page = 0; page < 100; page++)
        {
            var sep = url.Contains('?') ? '&' : '?';
            var r = await client.GetAsync($"{url}{sep}limit={limit}" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}"));
            r.StatusCode.ShouldBe(HttpStatusCode.OK, await r.Content.ReadAsStringAsync());
            var body = await r.Content.ReadFromJsonAsync<JsonElement>();
            items.AddRange(body.GetProperty("items").EnumerateArray());
            if (body.GetProperty("nextCursor").ValueKind == JsonValueKind.Null) return items;
            cursor = body.GetProperty("nextCursor").GetString();
        }
        throw new InvalidOperationException("paging did not end");
    }

    [Fact]
    public async Task dossiers_are_listed_by_fonds_year_and_status_newest_first_across_keyset_pages()
    {
        const string organ = "000.00.00.L01";
        var client = await api.ClientAsync(Roles.RecordsOfficer);
        var codes = new List<string>();
        foreach (var (notation, year) in new[] { ("01-VP", 2023), ("02-VP", 2024), ("03-VP", 2024), ("04-TC", 2025), ("05-TC", 2025) })
            codes.Add(await CreateDossierAsync(client, notation, year, organ: organ));
        await CreateDossierAsync(client, "01-VP", 2025, organ: "000.00.00.L02");
        await DispositionRecords.CloseAsync(client, codes[1]);

        var all = await AllPagesAsync(client, $"/api/v1/dossiers?organId={organ}", limit: 2);
        all.Select(d => d.GetProperty("code").GetString()).ShouldBe([codes[4], codes[3], codes[2], codes[1], codes[0]]);
        all.ShouldAllBe(d => d.GetProperty("organId").GetString() == organ);
        all[0].GetProperty("title").GetString().ShouldBe("Hồ sơ kế hoạch công tác năm");

        var of2024 = await AllPagesAsync(client, $"/api/v1/dossiers?organId={organ}&year=2024", limit: 50);
        of2024.Select(d => d.GetProperty("code").GetString()).ShouldBe([codes[2], codes[1]]);
        var closed = await AllPagesAsync(client, $"/api/v1/dossiers?organId={organ}&status=closed", limit: 50);
        closed.Select(d => d.GetProperty("code").GetString()).ShouldBe([codes[1]]);
        closed[0].GetProperty("version").GetInt64().ShouldBe(2);
    }

    [Fact]
    public async Task documents_are_listed_by_dossier_type_and_year_with_their_codes_and_content_flag()
    {
        const string organ = "000.00.00.L03";
        var client = await api.ClientAsync(Roles.RecordsOfficer);
        var dossier = await CreateDossierAsync(client, "01-VP", organ: organ);
        var other = await CreateDossierAsync(client, "02-VP", organ: organ);
        var ids = new List<string>();
        for (var i = 0; i < 3; i++) ids.Add((await CreateDocumentAsync(client, dossier, $"Quyết định số {i}")).GetProperty("id").GetString()!);
        var elsewhere = (await CreateDocumentAsync(client, other)).GetProperty("id").GetString()!;
        await UploadPdfAsync(client, ids[0], PdfSamples.Scan(pixelWidth: 100, color: false));

        var listed = await AllPagesAsync(client, $"/api/v1/documents?dossierCode={dossier}", limit: 2);
        listed.Select(d => d.GetProperty("id").GetString()).ShouldBe(ids.OrderDescending(StringComparer.Ordinal));
        var first = listed.Single(d => d.GetProperty("id").GetString() == ids[0]);
        first.GetProperty("hasContent").GetBoolean().ShouldBeTrue();
        first.GetProperty("organId").GetString().ShouldBe(organ);
        first.GetProperty("dossierCodes").EnumerateArray().Select(x => x.GetString()).ShouldBe([dossier]);
        first.GetProperty("documentCodes")[0].GetString().ShouldStartWith(dossier + ".");
        first.GetProperty("numberAndNotation").GetString().ShouldBe("12/QĐ-UBND");

        (await AllPagesAsync(client, $"/api/v1/documents?organId={organ}&type=02&year=2025", limit: 10)).Count.ShouldBe(4);
        (await AllPagesAsync(client, $"/api/v1/documents?organId={organ}&year=2024", limit: 10)).ShouldBeEmpty();
        (await AllPagesAsync(client, $"/api/v1/documents?dossierCode={other}", limit: 10)).Select(d => d.GetProperty("id").GetString()).ShouldBe([elsewhere]);
    }

    [Fact]
    public async Task secret_records_are_listed_only_to_cleared_callers_and_a_change_of_regime_applies_at_once()
    {
        const string organ = "000.00.00.L04";
        var cleared = await api.ClientAsync(Roles.RecordsOfficer, clearedForSecret: true);
        var uncleared = await api.ClientAsync(Roles.RecordsOfficer);
        var secret = await CreateDossierAsync(cleared, "01-MAT", access: "03", organ: organ);
        var open = await CreateDossierAsync(cleared, "02-VP", organ: organ);
        var secretDocument = (await CreateDocumentAsync(cleared, secret, access: "03")).GetProperty("id").GetString()!;

        (await AllPagesAsync(uncleared, $"/api/v1/dossiers?organId={organ}", 50)).Select(d => d.GetProperty("code").GetString()).ShouldBe([open]);
        (await AllPagesAsync(uncleared, $"/api/v1/dossiers?organId={organ}&access=03", 50)).ShouldBeEmpty();
        (await AllPagesAsync(uncleared, $"/api/v1/documents?organId={organ}", 50)).ShouldBeEmpty();
        (await AllPagesAsync(cleared, $"/api/v1/dossiers?organId={organ}&access=03", 50)).Select(d => d.GetProperty("code").GetString()).ShouldBe([secret]);
        (await AllPagesAsync(cleared, $"/api/v1/documents?organId={organ}", 50)).Select(d => d.GetProperty("id").GetString()).ShouldBe([secretDocument]);

        // No projection to wait for: the list row commits with the event, so the next request already sees the new regime.
        var etag = (await cleared.GetAsync($"/api/v1/dossiers/{open}")).Headers.ETag!.Tag;
        var json = DossierJson(organ, 2025, "02-VP", access: "03");
        var changed = await cleared.SendAsync(Put($"/api/v1/dossiers/{open}", json, etag));
        changed.StatusCode.ShouldBe(HttpStatusCode.OK, await changed.Content.ReadAsStringAsync());
        (await AllPagesAsync(uncleared, $"/api/v1/dossiers?organId={organ}", 50)).ShouldBeEmpty();
    }

    [Fact]
    public async Task bad_list_parameters_are_one_bilingual_400_naming_each()
    {
        var client = await api.ClientAsync(Roles.Auditor);
        var problem = await (await client.GetAsync("/api/v1/dossiers?limit=0&year=12&access=09&status=lost&cursor=%21%21")).ShouldBeProblemAsync(400);
        problem.ErrorFields().ShouldBe(["limit", "year", "access", "status", "cursor"], ignoreOrder: true);
        (await (await client.GetAsync("/api/v1/documents?limit=201")).ShouldBeProblemAsync(400)).ErrorFields().ShouldBe(["limit"]);
    }

    [Fact]
    public async Task an_archive_with_records_but_an_empty_list_gets_every_row_back_from_the_streams()
    {
        const string organ = "000.00.00.L05";
        var client = await api.ClientAsync(Roles.RecordsOfficer);
        var dossier = await CreateDossierAsync(client, "01-VP", organ: organ);
        await CreateDocumentAsync(client, dossier);
        await DispositionRecords.CloseAsync(client, dossier);
        var dossiersBefore = (await AllPagesAsync(client, "/api/v1/dossiers", 200)).Select(d => d.ToString()).ToList();
        var documentsBefore = (await AllPagesAsync(client, "/api/v1/documents", 200)).Select(d => d.ToString()).ToList();

        await using (var wipe = api.Service<NpgsqlDataSource>().CreateCommand("delete from archive_api.record_list")) await wipe.ExecuteNonQueryAsync();
        (await AllPagesAsync(client, "/api/v1/dossiers", 200)).ShouldBeEmpty();
        await RecordList.EnsureAsync(api.Host.Services, CancellationToken.None);

        (await AllPagesAsync(client, "/api/v1/dossiers", 200)).Select(d => d.ToString()).ShouldBe(dossiersBefore);
        (await AllPagesAsync(client, "/api/v1/documents", 200)).Select(d => d.ToString()).ShouldBe(documentsBefore);
    }
}
