using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Archive.Api.Infrastructure.Access;
using Archive.Api.Infrastructure.Auth;
using Archive.Api.Tests.Support;

namespace Archive.Api.Tests;

public class blob_download(ApiFixture api) : IClassFixture<ApiFixture>
{
    private async Task<(HttpClient Admin, string Sha, byte[] Bytes)> UploadAsync(byte fill)
    {
        var admin = await api.ClientAsync(Roles.Admin);
        var pdf = PdfSamples.Scan(300, color: true, fill: fill);
        var response = await admin.PostAsync("/api/v1/blobs", ApiFixture.Bytes(pdf, "image/png"));
        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        body.GetProperty("mediaType").GetString().ShouldBe("application/pdf");
        return (admin, body.GetProperty("sha256").GetString()!, pdf);
    }

    [Fact]
    public async Task a_download_returns_the_exact_bytes_with_the_hash_as_etag_and_is_logged()
    {
        var (admin, sha, bytes) = await UploadAsync(0x21);
        var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/blobs/{sha}?purpose=tra%20c%E1%BB%A9u%20h%E1%BB%93%20s%C6%A1");
        var response = await admin.SendAsync(request);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Headers.ETag!.Tag.ShouldBe($"\"{sha}\"");
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/pdf");
        (await response.Content.ReadAsByteArrayAsync()).ShouldBe(bytes);

        var log = await api.Service<AccessLog>().ListAsync("blob", sha, 10, true, default);
        var entry = log.ShouldHaveSingleItem();
        entry.Action.ShouldBe(AccessActions.Download);
        entry.Purpose.ShouldBe("tra cứu hồ sơ");
        entry.Role.ShouldBe(Roles.Admin);
        entry.Status.ShouldBe(200);
    }

    [Fact]
    public async Task a_range_request_returns_206_with_that_slice()
    {
        var (admin, sha, bytes) = await UploadAsync(0x22);
        var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/blobs/{sha}");
        request.Headers.Range = new RangeHeaderValue(10, 19);
        request.Headers.Add(AccessLog.PurposeHeader, "kiểm tra");
        var response = await admin.SendAsync(request);
        response.StatusCode.ShouldBe(HttpStatusCode.PartialContent);
        response.Content.Headers.ContentRange!.ToString().ShouldBe($"bytes 10-19/{bytes.Length}");
        (await response.Content.ReadAsByteArrayAsync()).ShouldBe(bytes[10..20]);
        (await api.Service<AccessLog>().ListAsync("blob", sha, 10, true, default)).ShouldHaveSingleItem().Purpose.ShouldBe("kiểm tra");
    }

    [Fact]
    public async Task if_none_match_with_the_hash_is_304()
    {
        var (admin, sha, _) = await UploadAsync(0x23);
        var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/blobs/{sha}");
        request.Headers.IfNoneMatch.Add(new EntityTagHeaderValue($"\"{sha}\""));
        (await admin.SendAsync(request)).StatusCode.ShouldBe(HttpStatusCode.NotModified);
        (await api.Service<AccessLog>().ListAsync("blob", sha, 10, true, default)).ShouldHaveSingleItem().Status.ShouldBe(304);
    }

    [Fact]
    public async Task an_unknown_hash_is_404()
    {
        var admin = await api.ClientAsync(Roles.Admin);
        await (await admin.GetAsync($"/api/v1/blobs/{new string('a', 64)}")).ShouldBeProblemAsync(404);
        await (await admin.GetAsync("/api/v1/blobs/..%2F..%2Fadmin.key")).ShouldBeProblemAsync(404);
    }

    [Fact]
    public async Task an_oversized_upload_is_413_and_a_wrong_type_415()
    {
        var admin = await api.ClientAsync(Roles.Admin);
        var big = new byte[ApiFixture.ContentLimit + 1];
        "%PDF-1.7"u8.CopyTo(big);
        await (await admin.PostAsync("/api/v1/blobs", ApiFixture.Bytes(big, "application/pdf"))).ShouldBeProblemAsync(413);
        await (await admin.PostAsync("/api/v1/blobs", ApiFixture.Bytes(PdfSamples.Zip, "application/pdf"))).ShouldBeProblemAsync(415);
        Directory.GetFiles(Path.Combine(api.DataFolder, "content"), ".tmp-*").ShouldBeEmpty();
    }

    [Fact]
    public async Task an_upload_reports_pdf_facts_and_digitization_warnings()
    {
        var admin = await api.ClientAsync(Roles.Admin);
        var response = await admin.PostAsync("/api/v1/blobs", ApiFixture.Bytes(PdfSamples.Scan(100, color: false)));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        body.GetProperty("pdf").GetProperty("minImageDpi").GetInt32().ShouldBe(100);
        body.GetProperty("warnings").EnumerateArray().Select(w => w.GetProperty("code").GetString())
            .ShouldBe(["not-color", "resolution-too-low"], ignoreOrder: true);
    }

    [Fact]
    public async Task auditors_read_the_access_log_over_http()
    {
        var (admin, sha, _) = await UploadAsync(0x24);
        await admin.GetAsync($"/api/v1/blobs/{sha}?purpose=audit");
        var auditor = await api.ClientAsync(Roles.Auditor);
        var entries = await auditor.GetFromJsonAsync<JsonElement>($"/api/v1/access-log?resourceKind=blob&resourceId={sha}");
        entries.GetArrayLength().ShouldBe(1);
        entries[0].GetProperty("purpose").GetString().ShouldBe("audit");
        entries[0].GetProperty("clientAddress").ValueKind.ShouldNotBe(JsonValueKind.Undefined);
    }
}

public class blob_views(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task viewing_facts_is_logged_as_a_view_but_a_miss_is_not()
    {
        var admin = await api.ClientAsync(Roles.Admin);
        var created = await (await admin.PostAsync("/api/v1/blobs", ApiFixture.Bytes(PdfSamples.Scan(300, true, fill: 0x31))))
            .Content.ReadFromJsonAsync<JsonElement>();
        var sha = created.GetProperty("sha256").GetString()!;
        var facts = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/blobs/{sha}/facts?purpose=xem");
        facts.GetProperty("pdf").GetProperty("pageCount").GetInt32().ShouldBe(1);
        var missing = new string('b', 64);
        await (await admin.GetAsync($"/api/v1/blobs/{missing}/facts")).ShouldBeProblemAsync(404);

        var log = api.Service<AccessLog>();
        var entry = (await log.ListAsync("blob", sha, 10, true, default)).ShouldHaveSingleItem();
        entry.Action.ShouldBe(AccessActions.View);
        entry.Purpose.ShouldBe("xem");
        (await log.ListAsync("blob", missing, 10, true, default)).ShouldBeEmpty();
    }
}
