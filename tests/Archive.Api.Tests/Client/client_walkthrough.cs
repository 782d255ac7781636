using System.Security.Cryptography;
using Archive.Api.Client;
using Archive.Api.Client.Models;
using Archive.Api.Infrastructure.Auth;
using Archive.Api.Tests.Support;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;
using Microsoft.Kiota.Http.HttpClientLibrary.Middleware.Options;

namespace Archive.Api.Tests.Client;

/// <summary>
/// The README's walkthrough through the Kiota client generated from the served document (Client/Generated), against the real
/// host and a real PostgreSQL: fonds → dossier → document → upload → search → download → sign → copy → verify.
/// </summary>
public class client_walkthrough(ApiFixture api) : IClassFixture<ApiFixture>
{
    private readonly Dictionary<ArchiveClient, IRequestAdapter> adapters = [];

    private IRequestAdapter Adapter(ArchiveClient client) => adapters[client];

    private async Task<ArchiveClient> ClientAsync(string role)
    {
        // Kiota's own handler chain (headers inspection, retries...) over the test server; its API-key provider insists on
        // https and the test host speaks http, so the key rides on the HttpClient.
        var http = KiotaClientFactory.Create(api.Host.Server.CreateHandler());
        http.BaseAddress = api.Host.Server.BaseAddress;
        http.DefaultRequestHeaders.Add(ApiKeyAuthentication.Header, (await api.KeyAsync(role)).Key);
        var adapter = new HttpClientRequestAdapter(new AnonymousAuthenticationProvider(), httpClient: http)
        {
            BaseUrl = http.BaseAddress!.ToString().TrimEnd('/'),
        };
        var client = new ArchiveClient(adapter);
        adapters[client] = adapter;
        return client;
    }

    [Fact]
    public async Task the_generated_client_runs_the_readme_walkthrough_from_fonds_to_verified_copy()
    {
        var archive = await ClientAsync(Roles.RecordsOfficer);
        const string organ = "000.00.00.K01";

        var fonds = await archive.Api.V1.Fonds.PostAsync(new CreateFondsRequest { OrganId = organ, Name = "Phông Ủy ban nhân dân tỉnh", Reason = "Lập phông" });
        fonds!.OrganId.ShouldBe(organ);

        var dossier = await archive.Api.V1.Dossiers.PostAsync(new OpenDossierRequest
        {
            OrganId = organ, Year = 2025, FileNotation = "02-VP", Title = "Hồ sơ ban hành quy chế làm việc", RetentionCode = "01", AccessMode = "01",
            Languages = ["01"], Creator = "Văn phòng", ConfidenceLevel = "02", PaperFileCode = "VP-2025-01", SheetCount = 12, PhysicalCondition = "01",
            StartDate = new Date(2025, 1, 5), EndDate = new Date(2025, 12, 20),
        });
        dossier!.Code.ShouldBe($"{organ}.2025.02-VP");
        dossier.Version.ShouldBe(1);

        var document = await archive.Api.V1.Documents.PostAsync(new CreateDocumentRequest
        {
            DossierCode = dossier.Code, TypeCode = "02", CodeNumber = "12", CodeNotation = "QĐ-UBND", IssuedDate = new Date(2025, 3, 4),
            Issuer = "UBND tỉnh", Subject = "Quyết định ban hành quy chế làm việc", Languages = ["01"], PageCount = 1, AccessMode = "01", ConfidenceLevel = "02",
        });
        var id = document!.Id!;
        document.Filings!.Single().DocumentCode.ShouldBe($"{dossier.Code}.0000001");

        // The generated client sends the file as multipart/form-data, as a browser does.
        var scan = PdfSamples.Scan(pixelWidth: 200, color: true, pageInches: 8.27);
        var upload = new MultipartBody();
        upload.AddOrReplacePart("file", "application/pdf", new MemoryStream(scan), "qd-12.pdf");
        // scan=false: a finished PDF the officer signs, not a scan for the digitization line (which signs its own PDF/A).
        var content = await archive.Api.V1.Documents[id].Content.PostAsync(upload, c => c.QueryParameters.Scan = false);
        content!.Sha256.ShouldBe(Convert.ToHexStringLower(SHA256.HashData(scan)));
        content.FileName.ShouldBe("qd-12.pdf");
        content.Version.ShouldBe(1);

        var listed = await archive.Api.V1.Documents.GetAsync(c => c.QueryParameters.DossierCode = dossier.Code);
        listed!.Items!.Select(d => d.Id).ShouldBe([id]);
        listed.Items![0].HasContent.ShouldBe(true);

        await api.WaitForSearchAsync();
        var hits = await archive.Api.V1.Search.GetAsync(c => c.QueryParameters.Q = "quyet dinh quy che");
        hits!.Items!.ShouldContain(h => h.Id == id && h.Kind == "document");

        // The download answers PDF or an image type; Kiota generates no typed body for those, so the request it builds is
        // sent for the raw stream.
        var downloadRequest = archive.Api.V1.Documents[id].Content.ToGetRequestInformation(c => c.QueryParameters.Purpose = "Tra cứu");
        await using (var download = await Adapter(archive).SendPrimitiveAsync<Stream>(downloadRequest))
        {
            using var bytes = new MemoryStream();
            await download!.CopyToAsync(bytes);
            bytes.ToArray().ShouldBe(scan);
        }

        var signed = await archive.Api.V1.Documents[id].Signatures.PostAsync(new SignDocumentRequest { Reason = "Ký số bản số hóa" });
        signed!.Version.ShouldBe(2);
        signed.SourceVersion.ShouldBe(1);
        signed.Level.ShouldBe("B-LTA");

        var headers = new HeadersInspectionHandlerOption { InspectResponseHeaders = true };
        byte[] copy;
        await using (var copyStream = await archive.Api.V1.Documents[id].Copies.PostAsync(new CopyRequest { Kind = "sao-y", Purpose = "Cung cấp cho Tòa án nhân dân tỉnh" },
            c => c.Options.Add(headers)))
        {
            using var bytes = new MemoryStream();
            await copyStream!.CopyToAsync(bytes);
            copy = bytes.ToArray();
        }
        headers.ResponseHeaders["X-Copy-Sha256"].Single().ShouldBe(Convert.ToHexStringLower(SHA256.HashData(copy)));

        var verified = await archive.Api.V1.Documents[id].Verifications.PostAsync();
        verified!.DocumentIndication.ShouldBe(Indication.TOTAL_PASSED);
        verified.Signatures!.Count.ShouldBeGreaterThanOrEqualTo(1);

        var copyPart = new MultipartBody();
        copyPart.AddOrReplacePart("file", "application/pdf", new MemoryStream(copy), "sao-y.pdf");
        var copyReport = await archive.Api.V1.Verifications.PostAsync(copyPart);
        copyReport!.DocumentIndication.ShouldBe(Indication.TOTAL_PASSED);
        copyReport.Signatures!.Count.ShouldBeGreaterThanOrEqualTo(1);
    }

    [Fact]
    public async Task the_generated_client_raises_the_bilingual_problem_the_api_answers()
    {
        var archive = await ClientAsync(Roles.RecordsOfficer);
        var problem = await Should.ThrowAsync<Problem>(() => archive.Api.V1.Dossiers.PostAsync(new OpenDossierRequest { OrganId = "000.00.00.K99", Year = 2025 }));
        problem.ResponseStatusCode.ShouldBe(400);
        problem.TitleEn.ShouldBe("Invalid data");
        problem.Errors!.Select(e => e.Field).ShouldContain("title");
        problem.Errors!.ShouldAllBe(e => !string.IsNullOrEmpty(e.MessageVi) && !string.IsNullOrEmpty(e.MessageEn));

        var auditor = await ClientAsync(Roles.Auditor);
        (await Should.ThrowAsync<Problem>(() => auditor.Api.V1.Fonds.PostAsync(new CreateFondsRequest { OrganId = "000.00.00.K98", Name = "Phông" })))
            .ResponseStatusCode.ShouldBe(403);
    }
}
