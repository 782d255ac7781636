using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Archive.Api.Features.Records;
using Archive.Api.Infrastructure.Auth;
using Archive.Api.Infrastructure.Signing;
using Archive.Api.Tests.Support;
using Archive.Domain.Documents;
using static Archive.Api.Tests.Support.Records;

namespace Archive.Api.Tests;

public class document_signing(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static readonly byte[] Scan = PdfSamples.Scan(pixelWidth: 120, color: false, pageInches: 8.27);
    private string? _nss;
    private string Nss => _nss ??= PdfTools.NssDbTrusting(api.Service<OrganizationSigning>().TrustAnchors[0]);

    private async Task<(HttpClient Client, string Id)> DocumentWithScanAsync(string notation, string confidence = "01", string access = "01",
        bool cleared = false, bool? scan = null)
    {
        var client = await api.ClientAsync(Roles.RecordsOfficer, cleared);
        var dossier = await CreateDossierAsync(client, notation);
        var id = (await CreateDocumentAsync(client, dossier, access: access, confidence: confidence)).GetProperty("id").GetString()!;
        await UploadPdfAsync(client, id, Scan, scan: scan);
        return (client, id);
    }

    private async Task<IReadOnlyList<object?>> EventsAsync(string id) =>
        (await api.Service<RecordsRepository>().Store.ReadStreamAsync(RecordsRepository.DocumentStream(id))).Select(e => e.Data).ToList();

    [Fact]
    public async Task signing_stores_the_signed_file_as_a_new_version_and_keeps_the_original_downloadable()
    {
        var (client, id) = await DocumentWithScanAsync("41-KS");

        var r = await client.PostAsync($"/api/v1/documents/{id}/signatures", ApiFixture.Json("""{"level":"B-LT","reason":"Ký số bản số hóa"}"""));
        var text = await r.Content.ReadAsStringAsync();
        r.StatusCode.ShouldBe(HttpStatusCode.Created, text);
        var body = JsonDocument.Parse(text).RootElement;
        body.GetProperty("version").GetInt32().ShouldBe(2);
        body.GetProperty("sourceVersion").GetInt32().ShouldBe(1);

        var signedPdf = await client.GetByteArrayAsync($"/api/v1/documents/{id}/content?version=2");
        (await client.GetByteArrayAsync($"/api/v1/documents/{id}/content?version=1")).ShouldBe(Scan);
        signedPdf[..Scan.Length].ShouldBe(Scan); // incremental update: the original is a byte-exact prefix

        var signed = (await EventsAsync(id)).OfType<DocumentSigned>().Single();
        signed.Level.ShouldBe("B-LT");
        signed.Sha256.ShouldBe(Convert.ToHexStringLower(SHA256.HashData(signedPdf)));
        signed.SourceSha256.ShouldBe(Convert.ToHexStringLower(SHA256.HashData(Scan)));
        signed.CertificateSha256.ShouldBe(Convert.ToHexStringLower(SHA256.HashData(api.Service<OrganizationSigning>().Certificate.RawData)));
        signed.CertificateSubject.ShouldContain("DEVELOPMENT");
        signed.SignatureSha256.Length.ShouldBe(64);
        signed.TimestampTime.ShouldNotBeNull();

        var path = PdfTools.Save(signedPdf);
        PdfTools.PdfsigAllValid(Nss, path, expectedSignatures: 1, lastCoversWholeFile: false);
        PdfTools.QpdfCheckPasses(path);
        PdfTools.FirstPageText(path).ShouldContain(OrganizationSigning.DefaultOrganizationName);

        // Our own validator, through the API, trusts the archive's identity without extra configuration.
        var v = await client.PostAsync($"/api/v1/documents/{id}/verifications", null);
        var report = await v.Content.ReadAsStringAsync();
        v.StatusCode.ShouldBe(HttpStatusCode.OK, report);
        JsonDocument.Parse(report).RootElement.GetProperty("documentIndication").GetString().ShouldBe("TOTAL_PASSED", report);
    }

    [Fact]
    public async Task a_digitized_document_is_signed_b_lta_by_default()
    {
        // A PDF/A made elsewhere (scan=false): nothing to convert, so the officer signs it.
        var (client, id) = await DocumentWithScanAsync("42-KS", confidence: "02", scan: false);

        var r = await client.PostAsync($"/api/v1/documents/{id}/signatures", ApiFixture.Json("{}"));

        r.StatusCode.ShouldBe(HttpStatusCode.Created, await r.Content.ReadAsStringAsync());
        var signed = (await EventsAsync(id)).OfType<DocumentSigned>().Single();
        signed.Level.ShouldBe("B-LTA");
        signed.TimestampValidUntil.ShouldNotBeNull();
        var path = PdfTools.Save(await client.GetByteArrayAsync($"/api/v1/documents/{id}/content"));
        PdfTools.PdfsigAllValid(Nss, path, expectedSignatures: 2); // the signature and the document timestamp
    }

    [Fact]
    public async Task signing_a_scan_that_is_still_being_digitized_is_refused_with_the_reason_and_nothing_is_stored()
    {
        // Workers are off in this host: the scan of the digitized record stays queued for OCR, PDF/A and the automatic signature.
        var (client, id) = await DocumentWithScanAsync("49-KS", confidence: "02");
        var before = await api.EventCountAsync();

        var r = await client.PostAsync($"/api/v1/documents/{id}/signatures", ApiFixture.Json("{}"));

        var problem = await r.ShouldBeProblemAsync(409);
        problem.GetProperty("code").GetString().ShouldBe(DigitizationRules.InProgress);
        problem.GetProperty("detail_en").GetString()!.ShouldContain("the archive signs the PDF/A");
        (await api.EventCountAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task a_signed_version_is_not_signed_again_and_nothing_is_stored()
    {
        var (client, id) = await DocumentWithScanAsync("43-KS");
        (await client.PostAsync($"/api/v1/documents/{id}/signatures", ApiFixture.Json("""{"level":"B-T"}"""))).StatusCode.ShouldBe(HttpStatusCode.Created);
        var before = await api.EventCountAsync();

        var again = await client.PostAsync($"/api/v1/documents/{id}/signatures", ApiFixture.Json("""{"level":"B-T"}"""));

        (await again.ShouldBeProblemAsync(409)).GetProperty("code").GetString().ShouldBe(DocumentSigningRules.AlreadySigned);
        (await api.EventCountAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task an_unknown_level_is_a_bilingual_400_and_an_auditor_may_not_sign()
    {
        var (client, id) = await DocumentWithScanAsync("44-KS");
        var before = await api.EventCountAsync();

        var bad = await client.PostAsync($"/api/v1/documents/{id}/signatures", ApiFixture.Json("""{"level":"B-X"}"""));
        (await bad.ShouldBeProblemAsync(400)).ErrorFields().ShouldContain("level");
        var auditor = await api.ClientAsync(Roles.Auditor);
        (await auditor.PostAsync($"/api/v1/documents/{id}/signatures", ApiFixture.Json("{}"))).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await api.EventCountAsync()).ShouldBe(before);
    }
}
