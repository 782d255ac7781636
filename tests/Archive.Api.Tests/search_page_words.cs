using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json;
using Archive.Api.Features.Records;
using Archive.Api.Infrastructure.Auth;
using Archive.Api.Infrastructure.Search;
using Archive.Api.Tests.Support;
using Archive.Domain.Documents;
using Archive.EventStore;
using Npgsql;
using static Archive.Api.Tests.Support.Records;

namespace Archive.Api.Tests;

/// <summary>
/// The main search over the words of documents' recognised pages (page_terms beside the metadata terms, one index), the
/// matching of several words, and the best page shown with a marked snippet.
/// </summary>
public class search_page_words(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static readonly ClaimsPrincipal Officer = new(new ClaimsIdentity([new Claim(ClaimTypes.Role, Roles.RecordsOfficer)], "test"));

    private static string Fonds() => "F-" + Guid.NewGuid().ToString("N")[..8];

    private static SearchRecord Doc(string fonds, string id, string title, DateOnly date) => new()
    {
        Id = id, Kind = RecordKinds.Document, FondsId = fonds, Title = title, Date = date, Year = date.Year,
    };

    /// <summary>Rows as the projection writes them, then their page texts as a conversion writes them (which gives the rows their page words).</summary>
    private async Task IndexAsync(IReadOnlyList<(SearchRecord Row, string[] Pages)> docs)
    {
        await api.Service<SearchIndex>().WriteAsync([.. docs.Select(d => SearchIndex.Write.Upsert(d.Row))], null, default);
        await using var conn = await api.Service<NpgsqlDataSource>().OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        foreach (var (row, pages) in docs)
            if (pages.Length > 0) await PageTextIndex.WriteAsync(conn, tx, row.Id, 2, pages, default);
        await tx.CommitAsync();
    }

    private static async Task<string[]> Ids(HttpClient client, string query)
    {
        var page = await client.GetFromJsonAsync<JsonElement>("/api/v1/search?" + query);
        return [.. page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!)];
    }

    [Fact]
    public async Task more_than_a_thousand_documents_found_by_their_page_text_all_come_back_newest_first()
    {
        // The main search used to consider at most 1,000 documents found by page text, whichever PostgreSQL gave first.
        var fonds = Fonds();
        var docs = Enumerable.Range(0, 1100).Select(i => (Doc(fonds, $"{fonds}-{i:D4}", "Công văn", new DateOnly(2024, 12, 31).AddDays(-i)),
            i % 50 == 7 ? ["Trang một không có"] : new[] { "Trang một", $"Báo cáo về kho lưu trữ chuyên dụng số {i}" })).ToList();
        await IndexAsync(docs);
        var expected = docs.Where((_, i) => i % 50 != 7).Select(d => d.Item1.Id).ToList();

        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = await api.Service<SearchIndex>().QueryAsync(new SearchQuery { Text = "kho lưu trữ chuyên dụng", FondsId = fonds }, Officer, cursor, 200, default);
            page.Items.ShouldAllBe(h => h.PageMatch != null && h.PageMatch.Page == 2 && h.PageMatch.ExactPhrase);
            seen.AddRange(page.Items.Select(h => h.Id));
            cursor = page.NextCursor;
        } while (cursor is not null);
        seen.ShouldBe(expected);
    }

    [Fact]
    public async Task several_words_are_matched_as_whole_words_while_one_word_alone_may_start_a_word()
    {
        var fonds = Fonds();
        await api.Service<SearchIndex>().WriteAsync([
            SearchIndex.Write.Upsert(Doc(fonds, $"{fonds}-qd", "Quyết định phê duyệt", new(2020, 1, 3))),
            SearchIndex.Write.Upsert(Doc(fonds, $"{fonds}-quy", "Quy định chung", new(2020, 1, 2))),
            SearchIndex.Write.Upsert(Doc(fonds, $"{fonds}-cv", "Công văn", new(2020, 1, 1)) with { Codes = ["000.00.07.H29.2019.05-VP.0000012"] }),
        ], null, default);
        var client = await api.ClientAsync(Roles.ApiClient);

        (await Ids(client, $"fonds={fonds}&q=quy")).ShouldBe([$"{fonds}-qd", $"{fonds}-quy"]);
        (await Ids(client, $"fonds={fonds}&q=quy%20dinh")).ShouldBe([$"{fonds}-quy"]);
        (await Ids(client, $"fonds={fonds}&q=quyet%20dinh")).ShouldBe([$"{fonds}-qd"]);
        (await Ids(client, $"fonds={fonds}&q=quyet%20di")).ShouldBeEmpty();
        // A term with digits or punctuation (a code, a number) still starts a word or a part of a code.
        (await Ids(client, $"fonds={fonds}&q=h29.2019%20cong%20van")).ShouldBe([$"{fonds}-cv"]);
        SearchTerms.MatchQuery(["quyet", "h29.2019", "dinh"]).ShouldBe("'quyet' & 'h29.2019':* & 'dinh'");
        SearchTerms.MatchQuery(["quy"]).ShouldBe("'quy':*");
    }

    [Fact]
    public async Task a_word_followed_by_punctuation_is_found_as_a_whole_word()
    {
        SearchTerms.Of("quyet dinh, so 12/qd-ubnd. (2019).").ShouldBe(
            ["quyet", "dinh,", "dinh", "so", "12/qd-ubnd.", "qd-ubnd.", "ubnd.", "12/qd-ubnd", "qd-ubnd", "ubnd", "(2019).", "2019).", "(2019", "2019"],
            ignoreOrder: true);
        var fonds = Fonds();
        await api.Service<SearchIndex>().UpsertAsync(Doc(fonds, $"{fonds}-1", "Quyết định, số 12/QĐ-UBND. (2019).", new(2019, 5, 1)), default);
        var client = await api.ClientAsync(Roles.ApiClient);
        (await Ids(client, $"fonds={fonds}&q=quyet%20dinh%20so%2012")).ShouldBe([$"{fonds}-1"]);
        (await Ids(client, $"fonds={fonds}&q=ubnd%202019")).ShouldBe([$"{fonds}-1"]);
    }

    [Fact]
    public async Task the_page_shown_is_the_exact_phrase_then_the_page_holding_most_of_the_words()
    {
        var fonds = Fonds();
        await IndexAsync([
            (Doc(fonds, $"{fonds}-phrase", "Công văn", new(2021, 3, 3)),
                ["Kho của tỉnh", "Lưu trữ: kho chuyên dụng", "Xây dựng kho lưu trữ chuyên dụng của tỉnh"]),
            (Doc(fonds, $"{fonds}-most", "Công văn", new(2021, 3, 2)), ["Kho của tỉnh", "Lưu trữ tại kho chuyên dụng"]),
            (Doc(fonds, $"{fonds}-title", "Kho lưu trữ chuyên dụng", new(2021, 3, 1)), ["Trang bìa", "Dự án xây dựng kho"]),
        ]);

        var page = await api.Service<SearchIndex>().QueryAsync(new SearchQuery { Text = "kho luu tru chuyen dung", FondsId = fonds }, Officer, null, 20, default);

        page.Items.Select(h => h.Id).ShouldBe([$"{fonds}-phrase", $"{fonds}-most", $"{fonds}-title"]);
        var (phrase, most, title) = (page.Items[0].PageMatch!, page.Items[1].PageMatch!, page.Items[2].PageMatch!);
        (phrase.Page, phrase.ExactPhrase).ShouldBe((3, true));
        phrase.Snippet.ShouldContain("<mark>kho lưu trữ chuyên dụng</mark>");
        (most.Page, most.ExactPhrase).ShouldBe((2, false));
        most.Snippet.ShouldBe("<mark>Lưu trữ</mark> tại <mark>kho chuyên dụng</mark>");
        // Found by its title; only its second page holds some of the words ("dựng" is "dung" without its marks), shown marked.
        (title.Page, title.ExactPhrase).ShouldBe((2, false));
        title.Snippet.ShouldBe("Dự án xây <mark>dựng kho</mark>");
    }

    [Fact]
    public async Task a_document_converted_while_its_search_row_is_missing_gets_the_words_of_its_pages_from_the_projection()
    {
        var officer = await api.ClientAsync(Roles.RecordsOfficer);
        var dossier = await CreateDossierAsync(officer, "31-TK");
        var id = (await CreateDocumentAsync(officer, dossier)).GetProperty("id").GetString()!;
        await api.WaitForSearchAsync();
        var db = api.Service<NpgsqlDataSource>();
        await using (var conn = await db.OpenConnectionAsync())
        await using (var tx = await conn.BeginTransactionAsync())
        {
            // As a rebuilt or lagging read model would be: no row yet when the conversion commits, so the conversion's own
            // update of the row finds nothing; the projection must bring the page words when it writes the row.
            await using (var gone = new NpgsqlCommand("delete from archive_api.search_index where id = $1", conn, tx) { Parameters = { new() { Value = id } } })
                (await gone.ExecuteNonQueryAsync()).ShouldBe(1);
            var converted = new DocumentDigitized(id, "job-31", 1, 2, new string('a', 64), "ocrmypdf", "tesseract", "vie", "vie", "pdfa-2", 2,
                [new PageRecognition(1, 90, 3, 20), new PageRecognition(2, 90, 6, 40)], new string('b', 64), 60, 1000, []);
            await api.Service<RecordsRepository>().Store.AppendAsync(conn, tx, RecordsRepository.DocumentStream(id), ExpectedVersion.Any, [converted],
                new EventMetadata { Actor = "system:digitization" }, default);
            await PageTextIndex.WriteAsync(conn, tx, id, 2, ["Trang một", "Hồ sơ địa chính xã Mường Tè năm 1998"], default);
            await tx.CommitAsync();
        }
        await api.WaitForSearchAsync();

        var found = await officer.GetFromJsonAsync<JsonElement>($"/api/v1/search?q={Uri.EscapeDataString("địa chính mường tè")}&limit=200");
        var hit = found.GetProperty("items").EnumerateArray().Single(h => h.GetProperty("id").GetString() == id);
        hit.GetProperty("pageMatch").GetProperty("page").GetInt32().ShouldBe(2);
        hit.GetProperty("pageMatch").GetProperty("snippet").GetString()!.ShouldContain("<mark>địa chính</mark>");
    }
}
