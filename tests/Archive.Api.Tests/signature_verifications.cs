using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Archive.Api.Features.Records;
using Archive.Api.Infrastructure.Auth;
using Archive.Api.Tests.Support;
using Archive.Domain.Documents;
using static Archive.Api.Tests.Support.Records;

namespace Archive.Api.Tests;

/// <summary>The API host with the signing PKI's root configured as trust anchor through settings.</summary>
public sealed class VerificationFixture : ApiFixture
{
    public SignedPdfs Signing { get; } = new();
    public string AnchorsFolder { get; } = Directory.CreateTempSubdirectory("archive-anchors-").FullName;

    public override async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(Path.Combine(AnchorsFolder, "root.pem"), Signing.RootPem);
        await base.InitializeAsync();
    }

    protected override void Configure(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder) =>
        builder.UseSetting("Archive:Validation:TrustAnchorsFolder", AnchorsFolder);
}

public class signature_verifications(VerificationFixture api) : IClassFixture<VerificationFixture>
{
    private async Task<byte[]> SignedAsync() => await api.Signing.SignAsync(PdfSamples.Scan(pixelWidth: 100, color: false));

    private static async Task<JsonElement> ReportOf(HttpResponseMessage r)
    {
        var text = await r.Content.ReadAsStringAsync();
        r.StatusCode.ShouldBe(HttpStatusCode.OK, text);
        return JsonDocument.Parse(text).RootElement;
    }

    [Fact]
    public async Task an_uploaded_b_lt_pdf_signed_under_a_configured_anchor_is_total_passed()
    {
        var client = await api.ClientAsync(Roles.ApiClient);
        var report = await ReportOf(await client.PostAsync("/api/v1/verifications", ApiFixture.Bytes(await SignedAsync(), "application/pdf")));
        report.GetProperty("documentIndication").GetString().ShouldBe("TOTAL_PASSED", report.ToString());
        report.GetProperty("signatures").GetArrayLength().ShouldBe(1);
    }

    [Fact]
    public async Task a_tampered_pdf_is_total_failed()
    {
        var pdf = await SignedAsync();
        // Byte 10 lies in the header's binary comment: still a PDF, but inside the first signed byte range.
        pdf[10] ^= 0x01;
        var client = await api.ClientAsync(Roles.Legal);
        var report = await ReportOf(await client.PostAsync("/api/v1/verifications", ApiFixture.Bytes(pdf, "application/pdf")));
        report.GetProperty("documentIndication").GetString().ShouldBe("TOTAL_FAILED", report.ToString());
    }

    [Fact]
    public async Task the_report_comes_as_html_or_pdf_when_asked()
    {
        var client = await api.ClientAsync(Roles.RecordsOfficer);
        var pdf = await SignedAsync();
        var html = new HttpRequestMessage(HttpMethod.Post, "/api/v1/verifications") { Content = ApiFixture.Bytes(pdf, "application/pdf") };
        html.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));
        var h = await client.SendAsync(html);
        h.StatusCode.ShouldBe(HttpStatusCode.OK);
        h.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        var asPdf = new HttpRequestMessage(HttpMethod.Post, "/api/v1/verifications") { Content = ApiFixture.Bytes(pdf, "application/pdf") };
        asPdf.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/pdf"));
        var p = await client.SendAsync(asPdf);
        p.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await p.Content.ReadAsByteArrayAsync())[..5].ShouldBe("%PDF-"u8.ToArray());
    }

    [Fact]
    public async Task a_body_that_is_not_a_pdf_is_refused_with_415_problem()
    {
        var client = await api.ClientAsync(Roles.Admin);
        var r = await client.PostAsync("/api/v1/verifications", ApiFixture.Bytes(Encoding.UTF8.GetBytes("hello, not a pdf"), "application/pdf"));
        r.StatusCode.ShouldBe(HttpStatusCode.UnsupportedMediaType);
        r.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }

    [Fact]
    public async Task an_auditor_may_not_upload_for_verification()
    {
        var client = await api.ClientAsync(Roles.Auditor);
        var r = await client.PostAsync("/api/v1/verifications", ApiFixture.Bytes(await SignedAsync(), "application/pdf"));
        r.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task verifying_an_archived_document_appends_a_signature_verified_event_with_the_report_hash()
    {
        var client = await api.ClientAsync(Roles.RecordsOfficer);
        var dossier = await CreateDossierAsync(client, "31-VP");
        var id = (await CreateDocumentAsync(client, dossier)).GetProperty("id").GetString()!;
        var pdf = await SignedAsync();
        await UploadPdfAsync(client, id, pdf, "signed.pdf");

        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/documents/{id}/verifications");
        request.Headers.Add(RecordsRepository.ReasonHeader, "Kiểm tra chữ ký trước khi cấp bản sao");
        var r = await client.SendAsync(request);
        var json = await r.Content.ReadAsStringAsync();
        r.StatusCode.ShouldBe(HttpStatusCode.OK, json);
        JsonDocument.Parse(json).RootElement.GetProperty("documentIndication").GetString().ShouldBe("TOTAL_PASSED", json);

        var events = await api.Service<RecordsRepository>().Store.ReadStreamAsync(RecordsRepository.DocumentStream(id));
        var recorded = events.Last();
        var verified = recorded.Data.ShouldBeOfType<SignatureVerified>();
        verified.ReportSha256.ShouldBe(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json))));
        verified.ContentSha256.ShouldBe(Convert.ToHexStringLower(SHA256.HashData(pdf)));
        verified.DocumentIndication.ShouldBe("TOTAL_PASSED");
        verified.SignatureCount.ShouldBe(1);
        recorded.Metadata.Headers["reason"].ShouldBe("Kiểm tra chữ ký trước khi cấp bản sao");
        recorded.Metadata.Actor.ShouldNotBeNull();
    }

    [Fact]
    public async Task verifying_an_unknown_document_is_404()
    {
        var client = await api.ClientAsync(Roles.Legal);
        var r = await client.PostAsync("/api/v1/documents/no-such-doc/verifications", null);
        r.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }
}
