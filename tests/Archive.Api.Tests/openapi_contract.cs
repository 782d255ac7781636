using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Archive.Api.Infrastructure.Auth;
using Archive.Api.Tests.Support;
using static Archive.Api.Tests.Support.Records;

namespace Archive.Api.Tests;

/// <summary>The served OpenAPI document is the contract: what it says holds, and an independent linter accepts it.</summary>
public class openapi_contract(ApiFixture api) : IClassFixture<ApiFixture>
{
    private async Task<JsonElement> DocumentAsync() => await api.Anonymous().GetFromJsonAsync<JsonElement>("/openapi/v1.json");

    private static IEnumerable<(string Path, string Method, JsonElement Operation)> Operations(JsonElement doc) =>
        doc.GetProperty("paths").EnumerateObject().SelectMany(p => p.Value.EnumerateObject().Select(m => (p.Name, m.Name, m.Value)));

    private static JsonElement Operation(JsonElement doc, string method, string path) => doc.GetProperty("paths").GetProperty(path).GetProperty(method);

    private static string[] Required(JsonElement doc, string schema) =>
        doc.GetProperty("components").GetProperty("schemas").GetProperty(schema).TryGetProperty("required", out var r)
            ? r.EnumerateArray().Select(x => x.GetString()!).ToArray() : [];

    [Fact]
    public async Task every_operation_has_a_bilingual_summary_a_description_with_its_roles_and_an_operation_id()
    {
        var doc = await DocumentAsync();
        var operations = Operations(doc).ToList();
        operations.Count.ShouldBeGreaterThan(70);
        var missing = operations.Where(o => !o.Operation.TryGetProperty("summary", out var s) || !s.GetString()!.Contains(" / ")
                || !o.Operation.TryGetProperty("description", out var d) || !d.GetString()!.Contains("Roles")
                || !o.Operation.TryGetProperty("operationId", out _))
            .Select(o => $"{o.Method} {o.Path}").ToList();
        missing.ShouldBeEmpty();
        Operation(doc, "post", "/api/v1/documents/{id}/signatures").GetProperty("description").GetString()!
            .ShouldContain("Vai trò / Roles: records-officer, admin.");
    }

    [Fact]
    public async Task creating_operations_document_the_201_they_answer()
    {
        var doc = await DocumentAsync();
        foreach (var path in new[] { "/api/v1/fonds", "/api/v1/dossiers", "/api/v1/documents", "/api/v1/documents/{id}/content", "/api/v1/documents/{id}/signatures" })
        {
            var responses = Operation(doc, "post", path).GetProperty("responses");
            responses.TryGetProperty("201", out var created).ShouldBeTrue(path);
            responses.TryGetProperty("200", out _).ShouldBeFalse(path);
            created.GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString().ShouldNotBeNull();
        }
    }

    [Fact]
    public async Task every_error_response_is_problem_json_with_the_bilingual_schema()
    {
        var doc = await DocumentAsync();
        var wrong = new List<string>();
        foreach (var (path, method, op) in Operations(doc))
            foreach (var response in op.GetProperty("responses").EnumerateObject().Where(r => r.Name[0] is '4' or '5' && r.Name != "503" || path != "/health" && r.Name == "503"))
                if (!response.Value.TryGetProperty("content", out var c) || !c.TryGetProperty("application/problem+json", out var p)
                    || p.GetProperty("schema").GetProperty("$ref").GetString() != "#/components/schemas/Problem")
                    wrong.Add($"{method} {path} {response.Name}");
        wrong.ShouldBeEmpty();
        var upload = Operation(doc, "post", "/api/v1/documents/{id}/content").GetProperty("responses");
        foreach (var status in new[] { "400", "401", "403", "404", "409", "413", "415", "422", "500" }) upload.TryGetProperty(status, out _).ShouldBeTrue(status);
        var edit = Operation(doc, "put", "/api/v1/documents/{id}");
        edit.GetProperty("responses").TryGetProperty("412", out _).ShouldBeTrue();
        edit.GetProperty("responses").TryGetProperty("428", out _).ShouldBeTrue();
        edit.GetProperty("parameters").EnumerateArray().ShouldContain(p => p.GetProperty("name").GetString() == "If-Match" && p.GetProperty("required").GetBoolean());
        var problem = doc.GetProperty("components").GetProperty("schemas").GetProperty("Problem").GetProperty("properties");
        foreach (var field in new[] { "title_vi", "title_en", "detail_vi", "detail_en", "code", "errors" }) problem.TryGetProperty(field, out _).ShouldBeTrue(field);
    }

    [Fact]
    public async Task optional_fields_are_not_listed_as_required()
    {
        var doc = await DocumentAsync();
        Required(doc, "SignDocumentRequest").ShouldBeEmpty();
        Required(doc, "CloseDossierRequest").ShouldBeEmpty();
        Required(doc, "CopyRequest").ShouldBe(["kind", "purpose"], ignoreOrder: true);
        Required(doc, "CreateApiKey").ShouldBe(["name", "role"], ignoreOrder: true);
        Required(doc, "DocumentResponse").ShouldContain("id");
        Required(doc, "DocumentResponse").ShouldNotContain("metadata");
    }

    [Fact]
    public async Task uploads_and_verification_take_the_file_as_bytes_or_as_multipart_form_data()
    {
        var doc = await DocumentAsync();
        foreach (var path in new[] { "/api/v1/documents/{id}/content", "/api/v1/verifications" })
        {
            var body = Operation(doc, "post", path).GetProperty("requestBody");
            body.GetProperty("required").GetBoolean().ShouldBeTrue();
            var content = body.GetProperty("content");
            foreach (var media in new[] { "application/pdf", "image/jpeg", "image/png", "image/tiff", "application/octet-stream" })
                content.GetProperty(media).GetProperty("schema").GetProperty("format").GetString().ShouldBe("binary");
            content.GetProperty("multipart/form-data").GetProperty("schema").GetProperty("properties").GetProperty("file")
                .GetProperty("format").GetString().ShouldBe("binary");
        }
        var report = Operation(doc, "post", "/api/v1/documents/{id}/verifications").GetProperty("responses").GetProperty("200").GetProperty("content");
        report.EnumerateObject().Select(c => c.Name).ShouldBe(["application/json", "text/html", "application/pdf"], ignoreOrder: true);
    }

    [Fact]
    public async Task the_api_key_scheme_applies_except_to_anonymous_operations()
    {
        var doc = await DocumentAsync();
        doc.GetProperty("security")[0].TryGetProperty("ApiKey", out _).ShouldBeTrue();
        Operation(doc, "get", "/health").GetProperty("security").GetArrayLength().ShouldBe(0);
        Operation(doc, "post", "/api/v1/dossiers").GetProperty("requestBody").GetProperty("content").GetProperty("application/json")
            .GetProperty("example").GetProperty("organId").GetString().ShouldBe("000.00.00.H29");
    }

    [Fact]
    public async Task a_browser_style_multipart_upload_is_stored_byte_for_byte_with_the_parts_file_name()
    {
        var client = await api.ClientAsync(Roles.RecordsOfficer);
        var dossier = await CreateDossierAsync(client, "71-MP");
        var id = (await CreateDocumentAsync(client, dossier)).GetProperty("id").GetString()!;
        var pdf = PdfSamples.Scan(pixelWidth: 300, color: true);
        using var form = new MultipartFormDataContent();
        var part = new ByteArrayContent(pdf);
        part.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        form.Add(new StringContent("ghi chú"), "note");
        form.Add(part, "file", "quyết-định-12.pdf");

        var upload = await client.PostAsync($"/api/v1/documents/{id}/content", form);

        upload.StatusCode.ShouldBe(HttpStatusCode.Created, await upload.Content.ReadAsStringAsync());
        var body = await upload.Content.ReadFromJsonAsync<JsonElement>();
        body.GetProperty("sha256").GetString().ShouldBe(Convert.ToHexStringLower(SHA256.HashData(pdf)));
        body.GetProperty("mediaType").GetString().ShouldBe("application/pdf");
        body.GetProperty("fileName").GetString().ShouldBe("quyết-định-12.pdf");
        (await client.GetByteArrayAsync($"/api/v1/documents/{id}/content")).ShouldBe(pdf);
    }

    [Fact]
    public async Task a_multipart_body_without_a_file_part_or_cut_short_is_400_and_records_nothing()
    {
        var client = await api.ClientAsync(Roles.RecordsOfficer);
        var dossier = await CreateDossierAsync(client, "72-MP");
        var id = (await CreateDocumentAsync(client, dossier)).GetProperty("id").GetString()!;
        var before = await api.EventCountAsync();
        using var noFile = new MultipartFormDataContent { { new StringContent("chỉ có chữ"), "note" } };
        (await (await client.PostAsync($"/api/v1/documents/{id}/content", noFile)).ShouldBeProblemAsync(400))
            .GetProperty("code").GetString().ShouldBe("no-file-part");

        var truncated = new ByteArrayContent("--b1\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\n\r\n%PDF-1.7 cut"u8.ToArray());
        truncated.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=b1");
        (await (await client.PostAsync($"/api/v1/documents/{id}/content", truncated)).ShouldBeProblemAsync(400))
            .GetProperty("code").GetString().ShouldBe("malformed-multipart");
        (await api.EventCountAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task a_multipart_verification_reads_the_pdf_in_the_file_part()
    {
        var client = await api.ClientAsync(Roles.Legal);
        using var form = new MultipartFormDataContent();
        var part = new ByteArrayContent(PdfSamples.Scan(pixelWidth: 100, color: false));
        part.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        form.Add(part, "file", "unsigned.pdf");
        var response = await client.PostAsync("/api/v1/verifications", form);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("signatures").GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task the_served_document_passes_the_redocly_linter_with_no_errors()
    {
        var lint = Path.Combine(RepositoryRoot.Path, "tools", "openapi-lint");
        var redocly = Path.Combine(lint, "node_modules", ".bin", "redocly");
        File.Exists(redocly).ShouldBeTrue("Redocly CLI is installed by scripts/setup.sh (npm ci in tools/openapi-lint)");
        var file = Path.Combine(Path.GetTempPath(), $"archive-openapi-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, await api.Anonymous().GetStringAsync("/openapi/v1.json"));
        try
        {
            var psi = new ProcessStartInfo(redocly, ["lint", file, "--config", Path.Combine(lint, "redocly.yaml"), "--format", "stylish"])
            {
                RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = lint,
            };
            psi.Environment["REDOCLY_TELEMETRY"] = "off";
            psi.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
            using var process = Process.Start(psi)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            var text = await output + await errors;
            process.ExitCode.ShouldBe(0, text);
            text.ShouldNotContain(" error ");
        }
        finally { File.Delete(file); }
    }
}
