using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Archive.Api.Features.Records;
using Archive.Api.Infrastructure.Auth;
using Archive.Api.Infrastructure.Signing;
using Archive.Api.Tests.Support;
using Archive.Domain.Documents;
using static Archive.Api.Tests.Support.Records;

namespace Archive.Api.Tests;

public class authenticated_copies(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static readonly byte[] Scan = PdfSamples.Scan(pixelWidth: 120, color: false, pageInches: 8.27);
    private string? _nss;
    private string Nss => _nss ??= PdfTools.NssDbTrusting(api.Service<OrganizationSigning>().TrustAnchors[0]);

    private async Task<string> DocumentWithScanAsync(string notation, string access = "01")
    {
        var officer = await api.ClientAsync(Roles.RecordsOfficer, clearedForSecret: true);
        var dossier = await CreateDossierAsync(officer, notation, access: access);
        var id = (await CreateDocumentAsync(officer, dossier, access: access)).GetProperty("id").GetString()!;
        await UploadPdfAsync(officer, id, Scan);
        return id;
    }

    private static Task<HttpResponseMessage> CopyAsync(HttpClient client, string id, string json) =>
        client.PostAsync($"/api/v1/documents/{id}/copies", ApiFixture.Json(json));

    [Fact]
    public async Task a_sao_y_copy_is_signed_by_the_archive_shows_its_kind_and_records_the_exact_bytes_issued()
    {
        var id = await DocumentWithScanAsync("51-BS");
        var key = await api.KeyAsync(Roles.ApiClient);
        var client = api.ClientWithKey(key.Key);

        var r = await CopyAsync(client, id, """{"kind":"sao-y","purpose":"Cung cấp cho Tòa án nhân dân tỉnh"}""");

        r.StatusCode.ShouldBe(HttpStatusCode.OK, await r.Content.ReadAsStringAsync());
        r.Content.Headers.ContentType!.MediaType.ShouldBe("application/pdf");
        var copy = await r.Content.ReadAsByteArrayAsync();
        var sha = Convert.ToHexStringLower(SHA256.HashData(copy));
        r.Headers.GetValues("X-Copy-Sha256").Single().ShouldBe(sha);

        var path = PdfTools.Save(copy, "sao-y.pdf");
        PdfTools.PdfsigAllValid(Nss, path, expectedSignatures: 1, lastCoversWholeFile: false);
        PdfTools.QpdfCheckPasses(path);
        var text = PdfTools.FirstPageText(path);
        text.ShouldContain("SAO Y");
        text.ShouldContain(OrganizationSigning.DefaultOrganizationName);
        text.ShouldMatch(@"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+07:00");

        var recorded = (await api.Service<RecordsRepository>().Store.ReadStreamAsync(RecordsRepository.DocumentStream(id))).Last();
        var issued = recorded.Data.ShouldBeOfType<CopyIssued>();
        issued.CopySha256.ShouldBe(sha);
        issued.CopySizeBytes.ShouldBe(copy.LongLength);
        issued.Kind.ShouldBe("sao-y");
        issued.Purpose.ShouldBe("Cung cấp cho Tòa án nhân dân tỉnh");
        issued.IssuedBy.ShouldBe(key.Info.Id);
        issued.SourceVersion.ShouldBe(1);
        issued.SourceSha256.ShouldBe(Convert.ToHexStringLower(SHA256.HashData(Scan)));
    }

    [Theory]
    [InlineData("sao-luc", "SAO LỤC")]
    [InlineData("trich-sao", "TRÍCH SAO")]
    public async Task each_kind_of_copy_prints_its_own_words(string kind, string words)
    {
        var id = await DocumentWithScanAsync("52-" + kind);
        var client = await api.ClientAsync(Roles.Legal);

        var r = await CopyAsync(client, id, $$"""{"kind":"{{kind}}","purpose":"Hồ sơ thanh tra"}""");

        r.StatusCode.ShouldBe(HttpStatusCode.OK, await r.Content.ReadAsStringAsync());
        PdfTools.FirstPageText(PdfTools.Save(await r.Content.ReadAsByteArrayAsync())).ShouldContain(words);
    }

    [Fact]
    public async Task a_copy_of_a_document_the_archive_signed_is_made_from_its_unsigned_content_so_the_boxes_do_not_overlap()
    {
        var id = await DocumentWithScanAsync("56-BS");
        var officer = await api.ClientAsync(Roles.RecordsOfficer);
        (await officer.PostAsync($"/api/v1/documents/{id}/signatures", ApiFixture.Json("""{"level":"B-T"}"""))).StatusCode.ShouldBe(HttpStatusCode.Created);

        var r = await CopyAsync(officer, id, """{"kind":"sao-y","purpose":"Cung cấp cho công dân"}""");

        r.StatusCode.ShouldBe(HttpStatusCode.OK, await r.Content.ReadAsStringAsync());
        var copy = await r.Content.ReadAsByteArrayAsync();
        copy[..Scan.Length].ShouldBe(Scan);
        var path = PdfTools.Save(copy);
        PdfTools.PdfsigAllValid(Nss, path, expectedSignatures: 1, lastCoversWholeFile: false);
        PdfTools.FirstPageText(path).ShouldStartWith("SAO Y");
        var issued = (await api.Service<RecordsRepository>().Store.ReadStreamAsync(RecordsRepository.DocumentStream(id))).Last().Data.ShouldBeOfType<CopyIssued>();
        issued.SourceVersion.ShouldBe(1);
    }

    [Fact]
    public async Task a_secret_document_is_404_for_an_uncleared_caller_and_copied_for_a_cleared_one()
    {
        var id = await DocumentWithScanAsync("53-BS", access: "03");
        var before = await api.EventCountAsync();

        var uncleared = await CopyAsync(await api.ClientAsync(Roles.ApiClient), id, """{"kind":"sao-y","purpose":"x"}""");
        await uncleared.ShouldBeProblemAsync(404);
        (await api.EventCountAsync()).ShouldBe(before);

        var cleared = await CopyAsync(await api.ClientAsync(Roles.ApiClient, clearedForSecret: true), id, """{"kind":"sao-y","purpose":"x"}""");
        cleared.StatusCode.ShouldBe(HttpStatusCode.OK, await cleared.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task a_copy_without_purpose_or_of_an_unknown_kind_is_a_400_naming_both_fields_and_records_nothing()
    {
        var id = await DocumentWithScanAsync("54-BS");
        var before = await api.EventCountAsync();

        var r = await CopyAsync(await api.ClientAsync(Roles.RecordsOfficer), id, """{"kind":"ban-chinh"}""");

        (await r.ShouldBeProblemAsync(400)).ErrorFields().ShouldBe(["purpose", "kind"], ignoreOrder: true);
        (await api.EventCountAsync()).ShouldBe(before);
        (await CopyAsync(await api.ClientAsync(Roles.Auditor), id, """{"kind":"sao-y","purpose":"x"}""")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task the_pdf_verification_report_is_signed_by_the_archive()
    {
        var id = await DocumentWithScanAsync("55-BS");
        var client = await api.ClientAsync(Roles.Legal);
        var copy = await (await CopyAsync(client, id, """{"kind":"sao-y","purpose":"Đối chiếu"}""")).Content.ReadAsByteArrayAsync();

        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/verifications") { Content = ApiFixture.Bytes(copy, "application/pdf") };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/pdf"));
        var r = await client.SendAsync(request);

        r.StatusCode.ShouldBe(HttpStatusCode.OK, await r.Content.ReadAsStringAsync());
        var path = PdfTools.Save(await r.Content.ReadAsByteArrayAsync(), "report.pdf");
        var pdfsig = PdfTools.PdfsigAllValid(Nss, path, expectedSignatures: 1, lastCoversWholeFile: false);
        pdfsig.ShouldContain("DEVELOPMENT");
        PdfTools.QpdfAddsNoWarningsToTheOriginal(path);
        PdfTools.FirstPageText(path).ShouldContain("TOTAL_PASSED");
    }
}

/// <summary>A configured organization identity whose timestamp authority does not answer (nothing listens on port 9).</summary>
public sealed class UnreachableTsaFixture : ApiFixture
{
    private readonly string _secrets = Directory.CreateTempSubdirectory("archive-identity-").FullName;

    protected override void Configure(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
    {
        var pki = new Signing.Development.DevelopmentPki("Trung tâm Lưu trữ thử nghiệm");
        File.WriteAllBytes(Path.Combine(_secrets, "org.p12"), pki.ExportPkcs12(pki.Organization, "secret-password"));
        File.WriteAllText(Path.Combine(_secrets, "password"), "secret-password\n");
        Directory.CreateDirectory(Path.Combine(_secrets, "anchors"));
        File.WriteAllText(Path.Combine(_secrets, "anchors", "root.pem"), pki.Root.ExportCertificatePem());
        builder.UseSetting("Archive:Signing:Pkcs12Path", Path.Combine(_secrets, "org.p12"))
            .UseSetting("Archive:Signing:PasswordFile", Path.Combine(_secrets, "password"))
            .UseSetting("Archive:Signing:TrustAnchorsFolder", Path.Combine(_secrets, "anchors"))
            .UseSetting("Archive:Signing:TsaUrl", "http://127.0.0.1:9/tsa")
            .UseSetting("Archive:Signing:TimeoutSeconds", "3");
    }
}

public class signing_without_a_timestamp_authority(UnreachableTsaFixture api) : IClassFixture<UnreachableTsaFixture>
{
    [Fact]
    public async Task signing_and_copying_answer_503_problems_and_store_nothing_when_the_tsa_is_down()
    {
        var officer = await api.ClientAsync(Roles.RecordsOfficer);
        var dossier = await CreateDossierAsync(officer, "61-TSA");
        var id = (await CreateDocumentAsync(officer, dossier)).GetProperty("id").GetString()!;
        var scan = PdfSamples.Scan(pixelWidth: 60, color: false, pageInches: 8.27);
        (await officer.PostAsync($"/api/v1/documents/{id}/content", ApiFixture.Bytes(scan, "application/pdf"))).StatusCode.ShouldBe(HttpStatusCode.Created);
        var before = await api.EventCountAsync();
        var blobs = Directory.GetFiles(api.DataFolder, "*", SearchOption.AllDirectories).Length;

        var sign = await officer.PostAsync($"/api/v1/documents/{id}/signatures", ApiFixture.Json("""{"level":"B-LT"}"""));
        var problem = await sign.ShouldBeProblemAsync(503);
        problem.GetProperty("code").GetString().ShouldBe("tsa-unavailable");
        problem.GetRawText().ShouldNotContain("secret-password");
        var copy = await officer.PostAsync($"/api/v1/documents/{id}/copies", ApiFixture.Json("""{"kind":"sao-y","purpose":"x"}"""));
        (await copy.ShouldBeProblemAsync(503)).GetProperty("code").GetString().ShouldBe("tsa-unavailable");

        (await api.EventCountAsync()).ShouldBe(before);
        Directory.GetFiles(api.DataFolder, "*", SearchOption.AllDirectories).Length.ShouldBe(blobs);
    }
}
