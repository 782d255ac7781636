using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Archive.Api.Infrastructure.Access;
using Archive.Api.Infrastructure.Auth;
using Archive.Api.Tests.Support;
using static Archive.Api.Tests.Support.Records;

namespace Archive.Api.Tests;

public class document_content(ApiFixture api) : IClassFixture<ApiFixture>
{
    private async Task<(HttpClient Client, string Id)> ScannedDocumentAsync(string notation)
    {
        var client = await api.ClientAsync(Roles.RecordsOfficer);
        var dossier = await CreateDossierAsync(client, notation);
        var id = (await CreateDocumentAsync(client, dossier, confidence: "02")).GetProperty("id").GetString()!;
        return (client, id);
    }

    [Fact]
    public async Task an_uploaded_scan_records_pdf_facts_and_warnings_and_downloads_byte_for_byte()
    {
        var (client, id) = await ScannedDocumentAsync("20-VP");
        var pdf = PdfSamples.Scan(pixelWidth: 150, color: false, version: 17);
        var sha = Convert.ToHexStringLower(SHA256.HashData(pdf));

        var upload = await client.PostAsync($"/api/v1/documents/{id}/content?fileName=scan.pdf", ApiFixture.Bytes(pdf, "application/pdf"));
        upload.StatusCode.ShouldBe(HttpStatusCode.Created, await upload.Content.ReadAsStringAsync());
        var body = await upload.Content.ReadFromJsonAsync<JsonElement>();
        body.GetProperty("sha256").GetString().ShouldBe(sha);
        body.GetProperty("pdfVersion").GetString().ShouldBe("1.7");
        body.GetProperty("imageDpi").GetInt32().ShouldBe(150);
        body.GetProperty("warnings").EnumerateArray().Select(w => w.GetProperty("code").GetString())
            .ShouldBe(["not_pdfa", "not_colour", "dpi_too_low"], ignoreOrder: true);

        var doc = await client.GetFromJsonAsync<JsonElement>($"/api/v1/documents/{id}");
        doc.GetProperty("contents")[0].GetProperty("sha256").GetString().ShouldBe(sha);

        var download = await client.GetAsync($"/api/v1/documents/{id}/content?purpose=Tra%20c%E1%BB%A9u%20h%E1%BB%93%20s%C6%A1");
        download.StatusCode.ShouldBe(HttpStatusCode.OK);
        download.Headers.ETag!.Tag.ShouldBe($"\"{sha}\"");
        (await download.Content.ReadAsByteArrayAsync()).ShouldBe(pdf);

        var range = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/documents/{id}/content");
        range.Headers.Range = new RangeHeaderValue(5, 14);
        var partial = await client.SendAsync(range);
        partial.StatusCode.ShouldBe(HttpStatusCode.PartialContent);
        (await partial.Content.ReadAsByteArrayAsync()).ShouldBe(pdf[5..15]);

        var log = await api.Service<AccessLog>().ListAsync("document", id, 10, true, CancellationToken.None);
        log.ShouldContain(e => e.Action == AccessActions.Download && e.Purpose == "Tra cứu hồ sơ" && e.Status == 200);
        log.ShouldContain(e => e.Action == AccessActions.View);
    }

    [Fact]
    public async Task a_scan_too_large_for_the_facts_reader_is_stored_with_its_facts_marked_unread()
    {
        // A 1 GB upload once ran PDFsharp out of memory and answered 500; large files are stored without facts.
        var (client, id) = await ScannedDocumentAsync("29-VP");
        var pdf = new byte[ApiFixture.FactsLimit + 1];
        "%PDF-1.7\n"u8.CopyTo(pdf);
        new Random(3).NextBytes(pdf.AsSpan(9));

        var upload = await client.PostAsync($"/api/v1/documents/{id}/content?fileName=large.pdf", ApiFixture.Bytes(pdf, "application/pdf"));

        upload.StatusCode.ShouldBe(HttpStatusCode.Created, await upload.Content.ReadAsStringAsync());
        var body = await upload.Content.ReadFromJsonAsync<JsonElement>();
        body.GetProperty("sizeBytes").GetInt64().ShouldBe(pdf.Length);
        body.GetProperty("sha256").GetString().ShouldBe(Convert.ToHexStringLower(SHA256.HashData(pdf)));
        body.GetProperty("pdfVersion").ValueKind.ShouldBe(JsonValueKind.Null);
    }

    [Fact]
    public async Task a_wrong_type_is_refused_with_415_and_records_nothing()
    {
        var (client, id) = await ScannedDocumentAsync("21-VP");
        var before = await api.EventCountAsync();
        await (await client.PostAsync($"/api/v1/documents/{id}/content", ApiFixture.Bytes(PdfSamples.Zip, "application/pdf"))).ShouldBeProblemAsync(415);
        (await api.EventCountAsync()).ShouldBe(before);
        (await client.GetFromJsonAsync<JsonElement>($"/api/v1/documents/{id}")).GetProperty("contents").GetArrayLength().ShouldBe(0);
        await (await client.GetAsync($"/api/v1/documents/{id}/content")).ShouldBeProblemAsync(404);
    }

    [Fact]
    public async Task an_oversized_upload_is_refused_with_413_and_records_nothing()
    {
        var (client, id) = await ScannedDocumentAsync("22-VP");
        var big = new byte[ApiFixture.ContentLimit + 1];
        "%PDF-1.7\n"u8.CopyTo(big);
        var before = await api.EventCountAsync();
        await (await client.PostAsync($"/api/v1/documents/{id}/content", ApiFixture.Bytes(big, "application/pdf"))).ShouldBeProblemAsync(413);
        (await api.EventCountAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task an_upload_to_an_unknown_document_is_404()
    {
        var client = await api.ClientAsync(Roles.RecordsOfficer);
        await (await client.PostAsync("/api/v1/documents/nope/content", ApiFixture.Bytes(PdfSamples.Png, "image/png"))).ShouldBeProblemAsync(404);
    }

    [Fact]
    public async Task an_idempotent_upload_retry_records_one_content_version()
    {
        var (client, id) = await ScannedDocumentAsync("23-VP");
        var pdf = PdfSamples.Scan(pixelWidth: 300, color: true, pdfA: "2b");
        HttpRequestMessage Upload()
        {
            var r = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/documents/{id}/content") { Content = ApiFixture.Bytes(pdf, "application/pdf") };
            r.Headers.Add("Idempotency-Key", "scan-23");
            return r;
        }
        var first = await client.SendAsync(Upload());
        first.StatusCode.ShouldBe(HttpStatusCode.Created, await first.Content.ReadAsStringAsync());
        var warnings = (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("warnings").EnumerateArray().Select(w => w.GetProperty("code").GetString()).ToList();
        warnings.ShouldBeEmpty(); // a 200 dpi colour PDF/A-2b of the one page described
        var count = await api.EventCountAsync();
        var retry = await client.SendAsync(Upload());
        retry.StatusCode.ShouldBe(HttpStatusCode.Created);
        (await retry.Content.ReadAsStringAsync()).ShouldBe(await first.Content.ReadAsStringAsync());
        (await api.EventCountAsync()).ShouldBe(count);
        (await client.GetFromJsonAsync<JsonElement>($"/api/v1/documents/{id}")).GetProperty("contents").GetArrayLength().ShouldBe(1);
    }
}
