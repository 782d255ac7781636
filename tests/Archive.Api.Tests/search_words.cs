using System.Net.Http.Json;
using System.Text.Json;
using Archive.Api.Infrastructure.Auth;
using Archive.Api.Infrastructure.Search;
using Archive.Api.Tests.Support;

namespace Archive.Api.Tests;

/// <summary>The word index (SearchTerms) and the query's two paths: reading the date order first, then the index.</summary>
public class search_words(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static string Fonds() => "F-" + Guid.NewGuid().ToString("N")[..8];

    private static SearchRecord Doc(string fonds, string id, string title, DateOnly date, params string[] codes) => new()
    {
        Id = id, Kind = RecordKinds.Document, FondsId = fonds, Title = title, Date = date, Year = date.Year, Codes = codes,
    };

    private static async Task<(string[] Ids, string? Next)> Page(HttpClient client, string query)
    {
        var page = await client.GetFromJsonAsync<JsonElement>("/api/v1/search?" + query);
        return (page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!).ToArray(),
            page.GetProperty("nextCursor").GetString());
    }

    [Fact]
    public async Task a_code_is_found_whole_or_from_the_start_of_any_part_but_not_from_inside_a_word()
    {
        var fonds = Fonds();
        await api.Service<SearchIndex>().WriteAsync([
            SearchIndex.Write.Upsert(Doc(fonds, $"{fonds}-12", "Quyết định", new(2020, 1, 2), "000.00.07.H29.2019.05-VP.0000012")),
            SearchIndex.Write.Upsert(Doc(fonds, $"{fonds}-13", "Công văn", new(2020, 1, 1), "000.00.07.H29.2019.05-VP.0000013")),
        ], null, default);
        var client = await api.ClientAsync(Roles.ApiClient);

        (await Page(client, $"fonds={fonds}&q=000.00.07.H29.2019.05-VP.0000012")).Ids.ShouldBe([$"{fonds}-12"]);
        (await Page(client, $"fonds={fonds}&q=h29.2019.05-vp")).Ids.ShouldBe([$"{fonds}-12", $"{fonds}-13"]);
        (await Page(client, $"fonds={fonds}&q=vp.0000013")).Ids.ShouldBe([$"{fonds}-13"]);
        (await Page(client, $"fonds={fonds}&q=quyet")).Ids.ShouldBe([$"{fonds}-12"]);
        (await Page(client, $"fonds={fonds}&q=quy")).Ids.ShouldBe([$"{fonds}-12"]);
        // Prefix of a word or part, not any substring: "uyet" is inside "quyet".
        (await Page(client, $"fonds={fonds}&q=uyet")).Ids.ShouldBeEmpty();
    }

    [Fact]
    public async Task sparse_dense_and_unique_matches_among_many_rows_come_back_complete_and_in_order()
    {
        // 520 rows, newest first; every 40th is "hiếm" (13, sparser than a page of 20 among the newest 500 rows read
        // first), and only the oldest holds "duynhất" (found through the index after the date-order read finds none).
        var fonds = Fonds();
        var rows = Enumerable.Range(0, 520).Select(i => Doc(fonds, $"{fonds}-{i:D3}",
            (i % 40 == 0 ? "Văn bản hiếm" : "Công văn thường") + (i == 519 ? " duynhất" : ""), new DateOnly(2020, 1, 1).AddDays(-i))).ToList();
        await api.Service<SearchIndex>().WriteAsync(rows.Select(SearchIndex.Write.Upsert).ToList(), null, default);
        var client = await api.ClientAsync(Roles.ApiClient);
        var rare = Enumerable.Range(0, 520).Where(i => i % 40 == 0).Select(i => $"{fonds}-{i:D3}").ToArray();

        (await Page(client, $"fonds={fonds}&q=hiem&limit=20")).Ids.ShouldBe(rare);
        (await Page(client, $"fonds={fonds}&q=duynhat")).Ids.ShouldBe([$"{fonds}-519"]);
        (await Page(client, $"fonds={fonds}&q=cong%20van&limit=3")).Ids.ShouldBe([$"{fonds}-001", $"{fonds}-002", $"{fonds}-003"]);

        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var (ids, next) = await Page(client, $"fonds={fonds}&q=hiem&limit=4" + (cursor is null ? "" : $"&cursor={cursor}"));
            seen.AddRange(ids);
            cursor = next;
        } while (cursor is not null);
        seen.ShouldBe(rare);
    }

    [Fact]
    public void terms_are_the_words_and_the_tails_of_coded_words_that_start_a_part()
    {
        SearchTerms.Of("quyet dinh 000.00.h29 (ke").ShouldBe(
            ["quyet", "dinh", "000.00.h29", "00.h29", "h29", "(ke", "ke"], ignoreOrder: true);
        SearchTerms.Query(["quyet", "o'k"]).ShouldBe("'quyet':* & 'o''k':*");
    }
}
