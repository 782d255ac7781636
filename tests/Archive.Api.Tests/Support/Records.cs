using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Archive.Api.Features.Records;
using Npgsql;

namespace Archive.Api.Tests.Support;

/// <summary>Builders for fonds, dossiers and documents through the real HTTP API.</summary>
public static class Records
{
    public const string Organ = "000.00.00.H29";

    public static string DossierJson(string organ, int year, string notation, string title = "Hồ sơ kế hoạch công tác năm", string access = "01",
        string retention = "01") => $$"""
        {"organId":"{{organ}}","year":{{year}},"fileNotation":"{{notation}}","title":"{{title}}","retentionCode":"{{retention}}",
         "accessMode":"{{access}}","languages":["01"],"creator":"Văn phòng","confidenceLevel":"01","startDate":"{{year}}-01-05","endDate":"{{year}}-12-20"}
        """;

    public static string DocumentJson(string dossierCode, string subject = "Quyết định về việc ban hành quy chế", string access = "01",
        string type = "02", string confidence = "01") => $$"""
        {"dossierCode":"{{dossierCode}}","typeCode":"{{type}}","codeNumber":"12","codeNotation":"QĐ-UBND","issuedDate":"2025-03-04",
         "issuer":"UBND tỉnh","subject":"{{subject}}","languages":["01"],"pageCount":1,"accessMode":"{{access}}","confidenceLevel":"{{confidence}}"}
        """;

    public static async Task<JsonElement> CreateFondsAsync(HttpClient client, string organ = Organ)
    {
        var r = await client.PostAsync("/api/v1/fonds", ApiFixture.Json($$"""{"organId":"{{organ}}","name":"Phông UBND tỉnh"}"""));
        r.StatusCode.ShouldBeOneOf(HttpStatusCode.Created, HttpStatusCode.Conflict);
        return await r.Content.ReadFromJsonAsync<JsonElement>();
    }

    public static async Task<string> CreateDossierAsync(HttpClient client, string notation, int year = 2025, string access = "01", string organ = Organ,
        string title = "Hồ sơ kế hoạch công tác năm")
    {
        await CreateFondsAsync(client, organ);
        var r = await client.PostAsync("/api/v1/dossiers", ApiFixture.Json(DossierJson(organ, year, notation, title, access)));
        r.StatusCode.ShouldBe(HttpStatusCode.Created, await r.Content.ReadAsStringAsync());
        return (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString()!;
    }

    public static async Task<JsonElement> CreateDocumentAsync(HttpClient client, string dossierCode, string subject = "Quyết định về việc ban hành quy chế",
        string access = "01", string confidence = "01")
    {
        var r = await client.PostAsync("/api/v1/documents", ApiFixture.Json(DocumentJson(dossierCode, subject, access, confidence: confidence)));
        r.StatusCode.ShouldBe(HttpStatusCode.Created, await r.Content.ReadAsStringAsync());
        return await r.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>Uploads a PDF as the document's content; returns the created content's JSON (<c>sha256</c>, …).</summary>
    /// <param name="scan">false: a finished file (not queued for digitization even in a digitized record); null: as the record's confidence level says.</param>
    public static async Task<JsonElement> UploadPdfAsync(HttpClient client, string documentId, byte[] pdf, string fileName = "scan.pdf", bool? scan = null)
    {
        var r = await client.PostAsync($"/api/v1/documents/{documentId}/content?fileName={fileName}{(scan is { } s ? "&scan=" + (s ? "true" : "false") : "")}",
            ApiFixture.Bytes(pdf, "application/pdf"));
        r.StatusCode.ShouldBe(HttpStatusCode.Created, await r.Content.ReadAsStringAsync());
        return await r.Content.ReadFromJsonAsync<JsonElement>();
    }

    public static Task<long> EventCountAsync(this ApiFixture api) => api.Service<RecordsRepository>().CountEventsAsync(CancellationToken.None);

    /// <summary>Waits until the search projection has processed every event stored so far.</summary>
    public static async Task WaitForSearchAsync(this ApiFixture api)
    {
        await using var cmd = api.Service<NpgsqlDataSource>().CreateCommand("select coalesce(max(position), 0) from event_store.events");
        var last = (long)(await cmd.ExecuteScalarAsync())!;
        await api.Service<Archive.EventStore.EventStore>().WaitForProjectionAsync(SearchProjection.ProjectionName, last, TimeSpan.FromSeconds(30));
    }

    public static HttpRequestMessage WithIfMatch(this HttpRequestMessage r, string? etag)
    {
        if (etag is not null) r.Headers.TryAddWithoutValidation("If-Match", etag);
        return r;
    }

    public static HttpRequestMessage Put(string url, string json, string? ifMatch) =>
        new HttpRequestMessage(HttpMethod.Put, url) { Content = ApiFixture.Json(json) }.WithIfMatch(ifMatch);

    public static HttpRequestMessage Post(string url, string? json, string? ifMatch) =>
        new HttpRequestMessage(HttpMethod.Post, url) { Content = json is null ? null : ApiFixture.Json(json) }.WithIfMatch(ifMatch);
}
