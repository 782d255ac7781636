using Archive.Api.Infrastructure.Auth;
using Archive.Api.Tests.Support;
using Signing.Development;
using static Archive.Api.Tests.Support.Records;

namespace Archive.Api.Tests;

/// <summary>
/// The README's check with poppler's pdfsig, as a user runs it: an NSS database made with certutil trusting the
/// development root the archive wrote (<c>signing/development/development-root.pem</c>), then pdfsig on a file the
/// archive signed and on an authenticated copy. NSS judges the certificate chain on its own (its own path building,
/// its own revocation policy), independently of our validator.
/// </summary>
public class pdfsig_trust(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static readonly byte[] Scan = PdfSamples.Scan(pixelWidth: 120, color: false, pageInches: 8.27);

    [Fact]
    public async Task pdfsig_trusts_the_archives_development_signature_on_a_signed_file_and_on_a_copy()
    {
        var officer = await api.CallerAsync(Roles.RecordsOfficer);
        var dossier = await CreateDossierAsync(officer.Client, "81-NSS");
        var id = (await CreateDocumentAsync(officer.Client, dossier, confidence: "02")).GetProperty("id").GetString()!;
        await UploadPdfAsync(officer.Client, id, Scan, scan: false); // a PDF/A made elsewhere: signed by the officer, not queued
        await officer.Scenario(s =>
        {
            s.Post.RawJson("""{"reason":"Ký số bản số hóa"}""").ToUrl($"/api/v1/documents/{id}/signatures");
            s.StatusCodeShouldBe(201);
            s.JsonPath("$.level").ShouldBe("B-LTA");
        });
        var signed = await (await officer.Scenario(s => s.Get.Url($"/api/v1/documents/{id}/content"))).ReadAsBytesAsync();
        var copy = await (await officer.Scenario(s =>
            s.Post.RawJson("""{"kind":"sao-y","purpose":"Cung cấp cho Tòa án nhân dân tỉnh"}""").ToUrl($"/api/v1/documents/{id}/copies"))).ReadAsBytesAsync();

        var root = Path.Combine(api.DataFolder, "signing", "development", DevelopmentPki.RootPemFile);
        File.Exists(root).ShouldBeTrue();
        var nss = Directory.CreateTempSubdirectory("archive-nss-").FullName;
        PdfTools.Run("certutil", "-N", "--empty-password", "-d", "sql:" + nss).ExitCode.ShouldBe(0);
        PdfTools.Run("certutil", "-A", "-n", "dev-root", "-t", "CT,C,C", "-i", root, "-d", "sql:" + nss).ExitCode.ShouldBe(0);

        // The B-LTA file: the organization's signature, trusted, then the document timestamp pdfsig cannot judge.
        var signedOut = PdfTools.PdfsigAllValid(nss, PdfTools.Save(signed, "signed.pdf"), expectedSignatures: 2);
        signedOut.ShouldContain("Certificate Validation: Certificate is Trusted.");
        signedOut.ShouldContain("Signature Type: unknown");
        signedOut.ShouldNotContain("Unknown issue with Certificate");

        var copyOut = PdfTools.PdfsigAllValid(nss, PdfTools.Save(copy, "sao-y.pdf"), expectedSignatures: 1, lastCoversWholeFile: false);
        copyOut.ShouldContain("Certificate Validation: Certificate is Trusted.");
        copyOut.ShouldContain("DEVELOPMENT");
    }
}
