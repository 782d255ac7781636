using System.Net;
using System.Text.Json;
using Archive.Api.Features.Records;
using Archive.Api.Infrastructure.Auth;
using Archive.Api.Infrastructure.Jobs;
using Archive.Api.Infrastructure.Signing;
using Archive.Api.Tests.Support;
using Archive.Domain.Documents;
using Signing.Development;
using static Archive.Api.Tests.Support.Records;

namespace Archive.Api.Tests;

/// <summary>
/// A development identity, written before the host starts (so the host reuses it), whose timestamp authority's
/// certificate expires in 30 days: inside the renewal margin (90 days) from the first signature on.
/// </summary>
public sealed class ShortLivedTsaFixture : ApiFixture
{
    protected override void Configure(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
    {
        var folder = Path.Combine(DataFolder, "signing", "development");
        var pki = new DevelopmentPki($"{OrganizationSigning.DefaultOrganizationName} (DEVELOPMENT)", crlUrlFor: DevelopmentRevocationHandler.CrlUrlFor,
            tsaLifetime: TimeSpan.FromDays(30));
        pki.Save(folder, "renewal-test");
        DevelopmentPki.WriteSecret(Path.Combine(folder, DevelopmentIdentity.PasswordFileName), "renewal-test\n"u8.ToArray());
        builder.UseSetting("Archive:Jobs:Enabled", "false"); // the test runs the job itself
    }
}

public class timestamp_renewal(ShortLivedTsaFixture api) : IClassFixture<ShortLivedTsaFixture>
{
    [Fact]
    public async Task a_tsa_certificate_close_to_expiry_gets_the_b_lta_file_a_new_timestamp_that_keeps_earlier_signatures_valid()
    {
        var client = await api.ClientAsync(Roles.RecordsOfficer);
        var dossier = await CreateDossierAsync(client, "71-LTA");
        var id = (await CreateDocumentAsync(client, dossier, confidence: "02")).GetProperty("id").GetString()!;
        var scan = PdfSamples.Scan(pixelWidth: 120, color: false, pageInches: 8.27);
        // A PDF/A made elsewhere (scan=false): not queued for conversion, so the officer signs it.
        (await client.PostAsync($"/api/v1/documents/{id}/content?scan=false", ApiFixture.Bytes(scan, "application/pdf"))).StatusCode.ShouldBe(HttpStatusCode.Created);
        var sign = await client.PostAsync($"/api/v1/documents/{id}/signatures", ApiFixture.Json("{}"));
        sign.StatusCode.ShouldBe(HttpStatusCode.Created, await sign.Content.ReadAsStringAsync());
        var firstUntil = JsonDocument.Parse(await sign.Content.ReadAsStringAsync()).RootElement.GetProperty("timestampValidUntil").GetDateTimeOffset();
        firstUntil.ShouldBeLessThan(DateTimeOffset.UtcNow.AddDays(31));

        var job = api.Service<TimestampRenewalJob>();
        (await job.DueDocumentsAsync(DateTimeOffset.UtcNow.AddDays(90), CancellationToken.None)).ShouldContain(id);
        var summary = await job.RunAsync(new JobRunContext(job.Name, 1, "test"), CancellationToken.None);

        summary.ShouldBe("renewed 1, skipped 0, failed 0");
        var events = (await api.Service<RecordsRepository>().Store.ReadStreamAsync(RecordsRepository.DocumentStream(id))).Select(e => e.Data).ToList();
        var renewed = events.OfType<DocumentTimestampRenewed>().Single();
        (renewed.Version, renewed.SourceVersion).ShouldBe((3, 2));
        renewed.PreviousValidUntil.ShouldBe(firstUntil);
        renewed.TimestampValidUntil.ShouldBeGreaterThan(DateTimeOffset.UtcNow.AddYears(4));
        renewed.TsaSubject.ShouldContain("Development Timestamp Authority");

        var signedBytes = await client.GetByteArrayAsync($"/api/v1/documents/{id}/content?version=2");
        var renewedBytes = await client.GetByteArrayAsync($"/api/v1/documents/{id}/content?version=3");
        renewedBytes[..signedBytes.Length].ShouldBe(signedBytes);
        var path = PdfTools.Save(renewedBytes);
        var nss = PdfTools.NssDbTrusting(api.Service<OrganizationSigning>().TrustAnchors[0]);
        PdfTools.PdfsigAllValid(nss, path, expectedSignatures: 3); // signature, first and renewed document timestamps
        PdfTools.QpdfCheckPasses(path);
        var verify = await client.PostAsync($"/api/v1/documents/{id}/verifications", null);
        var report = await verify.Content.ReadAsStringAsync();
        verify.StatusCode.ShouldBe(HttpStatusCode.OK, report);
        JsonDocument.Parse(report).RootElement.GetProperty("documentIndication").GetString().ShouldBe("TOTAL_PASSED", report);

        // Nothing is due any more: a second run renews nothing and records nothing.
        var before = await api.EventCountAsync();
        (await job.RunAsync(new JobRunContext(job.Name, 1, "test"), CancellationToken.None)).ShouldBe("nothing due");
        (await api.EventCountAsync()).ShouldBe(before);
    }
}
