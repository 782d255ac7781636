using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Archive.Api.Infrastructure.Auth;
using Archive.Api.Infrastructure.Search;
using Archive.Api.Tests.Support;

namespace Archive.Api.Tests;

/// <summary>Rows go in through <see cref="SearchIndex.UpsertAsync"/>; queries go through GET /api/v1/search.</summary>
public class search_index(ApiFixture api) : IClassFixture<ApiFixture>
{
    // Each test uses its own fonds id so tests do not see each other's rows.
    private static string Fonds() => "F-" + Guid.NewGuid().ToString("N")[..8];

    private Task Index(SearchRecord r) => api.Service<SearchIndex>().UpsertAsync(r, default);

    private static SearchRecord Doc(string fonds, string id, string title, string regime = "01", DateOnly? date = null) => new()
    {
        Id = id, Kind = RecordKinds.Document, FondsId = fonds, Title = title, AccessRegime = regime, Date = date,
        Year = date?.Year, DocumentType = "QĐ", RetentionCode = "10",
    };

    private static async Task<string[]> Ids(HttpClient client, string query)
    {
        var page = await client.GetFromJsonAsync<JsonElement>("/api/v1/search?" + query);
        return page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!).ToArray();
    }

    [Theory]
    [InlineData("Quyết định", "quyet dinh")]
    [InlineData("ĐƠN VỊ", "don vi")]
    [InlineData("Nghị định 30/2020", "nghi dinh")]
    public void normalization_drops_case_and_diacritics_including_d_stroke(string text, string expected) =>
        TextNormalizer.Normalize(text).ShouldContain(expected);

    [Fact]
    public async Task unaccented_queries_find_vietnamese_titles()
    {
        var fonds = Fonds();
        await Index(Doc(fonds, $"{fonds}-1", "Quyết định phê duyệt kế hoạch lưu trữ"));
        await Index(Doc(fonds, $"{fonds}-2", "Báo cáo tổng kết"));
        var client = await api.ClientAsync(Roles.ApiClient);
        (await Ids(client, $"fonds={fonds}&q=quyet%20dinh")).ShouldBe([$"{fonds}-1"]);
        (await Ids(client, $"fonds={fonds}&q={Uri.EscapeDataString("QUYẾT ĐỊNH")}")).ShouldBe([$"{fonds}-1"]);
        (await Ids(client, $"fonds={fonds}&q=bao%20cao%20tong")).ShouldBe([$"{fonds}-2"]);
    }

    [Fact]
    public async Task text_stored_decomposed_is_found_by_a_precomposed_query()
    {
        var fonds = Fonds();
        var nfd = "Công văn về việc số hóa".Normalize(NormalizationForm.FormD);
        await Index(Doc(fonds, $"{fonds}-nfd", nfd));
        var client = await api.ClientAsync(Roles.Legal);
        var query = Uri.EscapeDataString("số hóa".Normalize(NormalizationForm.FormC));
        (await Ids(client, $"fonds={fonds}&q={query}")).ShouldBe([$"{fonds}-nfd"]);
    }

    [Fact]
    public async Task secret_records_are_only_visible_to_cleared_callers()
    {
        var fonds = Fonds();
        await Index(Doc(fonds, $"{fonds}-open", "Hồ sơ công khai", AccessRegimes.Public));
        await Index(Doc(fonds, $"{fonds}-cond", "Hồ sơ có điều kiện", AccessRegimes.Conditional));
        await Index(Doc(fonds, $"{fonds}-secret", "Hồ sơ mật", AccessRegimes.Secret));
        var plain = await api.ClientAsync(Roles.RecordsOfficer);
        var cleared = await api.ClientAsync(Roles.RecordsOfficer, clearedForSecret: true);
        (await Ids(plain, $"fonds={fonds}")).ShouldBe([$"{fonds}-cond", $"{fonds}-open"], ignoreOrder: true);
        (await Ids(plain, $"fonds={fonds}&access=03")).ShouldBeEmpty();
        (await Ids(cleared, $"fonds={fonds}&access=03")).ShouldBe([$"{fonds}-secret"]);
    }

    [Fact]
    public async Task filters_narrow_by_year_type_retention_dates_and_warnings()
    {
        var fonds = Fonds();
        await Index(Doc(fonds, $"{fonds}-a", "A", date: new DateOnly(2020, 3, 1)));
        await Index(Doc(fonds, $"{fonds}-b", "B", date: new DateOnly(2021, 6, 1)) with { DocumentType = "CV", HasDigitizationWarnings = true });
        await Index(Doc(fonds, $"{fonds}-c", "C", date: new DateOnly(2021, 9, 1)) with { RetentionCode = "VV", Kind = RecordKinds.Dossier, Codes = ["HS-77"] });
        var client = await api.ClientAsync(Roles.Auditor);
        (await Ids(client, $"fonds={fonds}&year=2021")).ShouldBe([$"{fonds}-c", $"{fonds}-b"]);
        (await Ids(client, $"fonds={fonds}&documentType=CV")).ShouldBe([$"{fonds}-b"]);
        (await Ids(client, $"fonds={fonds}&retention=VV")).ShouldBe([$"{fonds}-c"]);
        (await Ids(client, $"fonds={fonds}&kind=dossier")).ShouldBe([$"{fonds}-c"]);
        (await Ids(client, $"fonds={fonds}&warnings=true")).ShouldBe([$"{fonds}-b"]);
        (await Ids(client, $"fonds={fonds}&from=2020-01-01&to=2021-07-01")).ShouldBe([$"{fonds}-b", $"{fonds}-a"]);
        (await Ids(client, $"fonds={fonds}&q=hs-77")).ShouldBe([$"{fonds}-c"]);
    }

    [Fact]
    public async Task paging_walks_every_row_once_in_a_stable_order()
    {
        var fonds = Fonds();
        for (var i = 0; i < 7; i++)
            await Index(Doc(fonds, $"{fonds}-{i}", $"Văn bản {i}", date: i % 3 == 0 ? null : new DateOnly(2020, 1, 1 + i % 2)));
        var client = await api.ClientAsync(Roles.ApiClient);
        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = await client.GetFromJsonAsync<JsonElement>($"/api/v1/search?fonds={fonds}&limit=3" + (cursor is null ? "" : $"&cursor={cursor}"));
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!));
            cursor = page.GetProperty("nextCursor").GetString();
        } while (cursor is not null);
        seen.Count.ShouldBe(7);
        seen.Distinct().Count().ShouldBe(7);
        seen.ShouldBe(await Ids(client, $"fonds={fonds}&limit=50"));
    }

    [Fact]
    public async Task an_upsert_replaces_the_row()
    {
        var fonds = Fonds();
        await Index(Doc(fonds, $"{fonds}-x", "Tờ trình"));
        await Index(Doc(fonds, $"{fonds}-x", "Biên bản họp"));
        var client = await api.ClientAsync(Roles.ApiClient);
        (await Ids(client, $"fonds={fonds}&q=to%20trinh")).ShouldBeEmpty();
        (await Ids(client, $"fonds={fonds}&q=bien%20ban")).ShouldBe([$"{fonds}-x"]);
    }

    [Fact]
    public async Task invalid_search_parameters_are_field_errors()
    {
        var client = await api.ClientAsync(Roles.ApiClient);
        var problem = await (await client.GetAsync("/api/v1/search?kind=folder&access=09&cursor=%%%&limit=0")).ShouldBeProblemAsync(400);
        problem.ErrorFields().ShouldBe(["kind", "access", "cursor", "limit"], ignoreOrder: true);
    }
}
