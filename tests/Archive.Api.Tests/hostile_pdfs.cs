using System.Diagnostics;
using System.Net;
using Archive.Api.Infrastructure.Auth;
using Archive.Api.Infrastructure.Content;
using Archive.Api.Tests.Support;
using Archive.Testing;
using static Archive.Api.Tests.Support.Records;

namespace Archive.Api.Tests;

/// <summary>
/// The hostile-PDF run at a small size (the bench's <c>fuzz</c> suite runs it at full size): seeded mutations of a valid
/// scan uploaded as a document's content. Every answer is 201 or a 4xx problem, never a 5xx; a refused file leaves no
/// event and no blob.
/// </summary>
public class hostile_pdfs(ApiFixture api) : IClassFixture<ApiFixture>
{
    private const int Seed = 15, Count = 48;

    [Fact]
    public async Task seeded_mutated_pdfs_are_stored_or_refused_with_a_4xx_never_a_5xx_and_refusals_store_nothing()
    {
        PdfFactsReader.Read(new MemoryStream(HostilePdfs.Valid())).Readable.ShouldBeTrue(); // the base is a real PDF
        var officer = await api.ClientAsync(Roles.RecordsOfficer);
        var dossier = await CreateDossierAsync(officer, "FUZZ-01");
        var id = (await CreateDocumentAsync(officer, dossier, confidence: "02")).GetProperty("id").GetString()!;
        var store = api.Service<IContentStore>();
        var clock = Stopwatch.StartNew();
        var refused = 0;
        for (var i = 0; i < Count && clock.Elapsed < TimeSpan.FromSeconds(90); i++)
        {
            var pdf = HostilePdfs.Mutate(HostilePdfs.Valid(i), Seed, i);
            var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(pdf));
            var before = await api.EventCountAsync();
            var r = await officer.PostAsync($"/api/v1/documents/{id}/content", ApiFixture.Bytes(pdf, "application/pdf"));
            var status = (int)r.StatusCode;
            status.ShouldBeLessThan(500, $"mutation {i} (seed {Seed}): {await r.Content.ReadAsStringAsync()}");
            if (r.StatusCode == HttpStatusCode.Created) continue;
            refused++;
            await r.ShouldBeProblemAsync(status);
            (await api.EventCountAsync()).ShouldBe(before, $"mutation {i}");
            if (status == 422) (await store.GetInfoAsync(sha, default)).ShouldBeNull($"mutation {i}");
        }
        refused.ShouldBeGreaterThan(Count / 4); // most mutations break the file; the run is not vacuous
    }
}
