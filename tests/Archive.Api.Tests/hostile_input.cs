using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Archive.Api.Infrastructure.Auth;
using Archive.Api.Infrastructure.Content;
using Archive.Api.Tests.Support;
using static Archive.Api.Tests.Support.Records;

namespace Archive.Api.Tests;

/// <summary>Input an attacker or a broken client sends: a clear bilingual 4xx, nothing stored, never a 500 (issue 15).</summary>
public class hostile_input(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static readonly string[] FrameworkTexts = ["Implicit body inferred", "Failed to bind parameter", "Microsoft.", "System."];

    private static async Task<JsonElement> ShouldBeOurOwnProblemAsync(HttpResponseMessage response, int status)
    {
        var text = await response.Content.ReadAsStringAsync();
        foreach (var t in FrameworkTexts) text.ShouldNotContain(t);
        return await response.ShouldBeProblemAsync(status);
    }

    [Fact]
    public async Task a_nul_or_other_control_character_in_any_text_field_or_query_is_refused_and_nothing_is_stored()
    {
        var officer = await api.ClientAsync(Roles.RecordsOfficer);
        await CreateFondsAsync(officer);
        var before = await api.EventCountAsync();
        var json = DossierJson(Organ, 2025, "NUL-01", "Hồ sơ \\u0000 có ký tự NUL");
        var problem = await ShouldBeOurOwnProblemAsync(await officer.PostAsync("/api/v1/dossiers", ApiFixture.Json(json)), 400);
        problem.ErrorFields().ShouldBe(["title"]);
        problem.GetProperty("errors")[0].GetProperty("code").GetString().ShouldBe("control-character");
        var bell = DossierJson(Organ, 2025, "NUL-02", "Hồ sơ \\u0007");
        (await ShouldBeOurOwnProblemAsync(await officer.PostAsync("/api/v1/dossiers", ApiFixture.Json(bell)), 400)).ErrorFields().ShouldBe(["title"]);
        (await ShouldBeOurOwnProblemAsync(await officer.GetAsync("/api/v1/search?q=a%00b"), 400)).ErrorFields().ShouldBe(["q"]);
        (await api.EventCountAsync()).ShouldBe(before);
        // Line breaks and tabs are text, not control: a note may hold them.
        (await officer.PostAsync("/api/v1/dossiers", ApiFixture.Json(DossierJson(Organ, 2025, "NUL-03", "Hồ sơ\\nnhiều dòng\\tcó tab"))))
            .StatusCode.ShouldBe(HttpStatusCode.Created);
    }

    [Theory]
    [InlineData("01/VP")]
    [InlineData("01?VP")]
    [InlineData("01%2FVP")]
    [InlineData("O'Neil")]
    [InlineData("..")]
    public async Task a_dossier_notation_outside_letters_digits_and_dash_dot_underscore_is_refused(string notation)
    {
        var officer = await api.ClientAsync(Roles.RecordsOfficer);
        await CreateFondsAsync(officer);
        var before = await api.EventCountAsync();
        var body = JsonSerializer.Serialize(JsonSerializer.Deserialize<Dictionary<string, object>>(DossierJson(Organ, 2025, "X", "Hồ sơ"))!
            .Select(kv => kv.Key == "fileNotation" ? new KeyValuePair<string, object>(kv.Key, notation) : kv).ToDictionary());
        var problem = await ShouldBeOurOwnProblemAsync(await officer.PostAsync("/api/v1/dossiers", ApiFixture.Json(body)), 400);
        problem.ErrorFields().ShouldContain("fileNotation");
        (await api.EventCountAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task a_vietnamese_notation_with_dash_dot_and_underscore_is_accepted_and_reachable()
    {
        var officer = await api.ClientAsync(Roles.RecordsOfficer);
        var code = await CreateDossierAsync(officer, "01.ĐT_VP-2");
        (await officer.GetAsync($"/api/v1/dossiers/{Uri.EscapeDataString(code)}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        // Decoded once: a doubly encoded dot is not the dossier.
        (await officer.GetAsync($"/api/v1/dossiers/{code.Replace("01.ĐT", "01%252EĐT")}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task a_truncated_or_lying_pdf_is_refused_at_upload_with_422_and_nothing_is_stored()
    {
        var officer = await api.ClientAsync(Roles.RecordsOfficer);
        var dossier = await CreateDossierAsync(officer, "PDF-01");
        var id = (await CreateDocumentAsync(officer, dossier, confidence: "02")).GetProperty("id").GetString()!;
        var pdf = PdfSamples.Scan(300, color: true, fill: 0x41);
        var truncated = pdf[..(pdf.Length / 2)];
        var lying = Encoding.Latin1.GetBytes(
            "%PDF-1.7\n1 0 obj\n<< /Type /XRef /Size 3 /W [1 2 1] /Length 2147483647 >>\nstream\n\u0001\u0000\u0000\u0000\nendstream\nendobj\nstartxref\n9\n%%EOF\n");
        var store = api.Service<IContentStore>();
        foreach (var bad in new[] { truncated, lying })
        {
            var before = await api.EventCountAsync();
            var r = await officer.PostAsync($"/api/v1/documents/{id}/content", ApiFixture.Bytes(bad, "application/pdf"));
            (await ShouldBeOurOwnProblemAsync(r, 422)).GetProperty("code").GetString().ShouldBe("pdf-unreadable");
            (await api.EventCountAsync()).ShouldBe(before);
            (await store.GetInfoAsync(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bad)), default)).ShouldBeNull();
        }
        (await officer.PostAsync($"/api/v1/documents/{id}/content", ApiFixture.Bytes(pdf, "application/pdf"))).StatusCode.ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task an_uploaded_file_name_keeps_only_a_safe_base_name_also_in_content_disposition()
    {
        var officer = await api.ClientAsync(Roles.RecordsOfficer);
        var dossier = await CreateDossierAsync(officer, "NAME-01");
        var id = (await CreateDocumentAsync(officer, dossier, confidence: "02")).GetProperty("id").GetString()!;
        var created = await UploadPdfAsync(officer, id, PdfSamples.Scan(300, color: true, fill: 0x42), Uri.EscapeDataString("../../../../etc/passwd"));
        created.GetProperty("fileName").GetString().ShouldBe("passwd");
        var download = await officer.GetAsync($"/api/v1/documents/{id}/content");
        download.StatusCode.ShouldBe(HttpStatusCode.OK);
        download.Content.Headers.ContentDisposition!.FileName!.Trim('"').ShouldBe("passwd");
        SafeFileName.From("..\\..\\windows\\system.ini", "x").ShouldBe("system.ini");
        SafeFileName.From("../..", "fallback.pdf").ShouldBe("fallback.pdf");
    }

    [Fact]
    public async Task a_body_that_is_not_json_an_empty_body_a_bad_query_value_and_an_impossible_date_get_our_own_words()
    {
        var officer = await api.ClientAsync(Roles.RecordsOfficer);
        // Routing answers a wrong media type before the endpoint's roles apply, under the admin-only fallback policy.
        var admin = await api.ClientAsync(Roles.Admin);
        await ShouldBeOurOwnProblemAsync(await admin.PostAsync("/api/v1/dossiers", new StringContent("not json", Encoding.UTF8, "text/plain")), 415);
        await ShouldBeOurOwnProblemAsync(await officer.PostAsync("/api/v1/dossiers", new StringContent("", Encoding.UTF8, "application/json")), 400);
        await ShouldBeOurOwnProblemAsync(await officer.PostAsync("/api/v1/dossiers", ApiFixture.Json("{not json")), 400);
        var limit = await ShouldBeOurOwnProblemAsync(await officer.GetAsync("/api/v1/search?limit=abc"), 400);
        limit.ErrorFields().ShouldBe(["limit"]);
        limit.GetProperty("errors")[0].GetProperty("message_en").GetString()!.ShouldContain("whole number");

        var dossier = await CreateDossierAsync(officer, "DATE-01");
        var impossible = DocumentJson(dossier).Replace("2025-03-04", "2025-02-30");
        var date = await ShouldBeOurOwnProblemAsync(await officer.PostAsync("/api/v1/documents", ApiFixture.Json(impossible)), 400);
        date.ErrorFields().ShouldBe(["issuedDate"]);
        date.GetProperty("errors")[0].GetProperty("message_en").GetString()!.ShouldContain("yyyy-MM-dd");
        date.GetProperty("errors")[0].GetProperty("message_vi").GetString()!.ShouldContain("yyyy-MM-dd");
        var from = await ShouldBeOurOwnProblemAsync(await officer.GetAsync("/api/v1/search?from=2025-02-30"), 400);
        from.GetProperty("errors")[0].GetProperty("message_en").GetString()!.ShouldContain("yyyy-MM-dd");
    }

    [Fact]
    public async Task a_projection_dead_letter_makes_health_degraded_and_shows_as_an_alert_to_admins()
    {
        var anonymous = api.Anonymous();
        (await anonymous.GetFromJsonAsync<JsonElement>("/health")).GetProperty("status").GetString().ShouldBe("ok");
        // What the daemon records when a read model cannot take an event (as PostgreSQL's 22021 did for a NUL).
        await using (var cmd = api.Service<Npgsql.NpgsqlDataSource>().CreateCommand("""
            insert into event_store.dead_letters (projection, position, stream_id, version, type, error)
            values ('search-index', 1, 'document-x', 1, 'document.registered.v1', '22021: invalid byte sequence for encoding "UTF8": 0x00')
            """))
            await cmd.ExecuteNonQueryAsync();
        var health = await anonymous.GetFromJsonAsync<JsonElement>("/health");
        health.GetProperty("status").GetString().ShouldBe("degraded");
        health.GetProperty("deadLetters").GetInt32().ShouldBe(1);
        var alerts = await (await api.ClientAsync(Roles.Admin)).GetFromJsonAsync<JsonElement>("/api/v1/audit/alerts");
        var alert = alerts.EnumerateArray().Single(a => a.GetProperty("problem").GetString() == "projection-dead-letter");
        alert.GetProperty("objectId").GetString().ShouldBe("document-x");
        alert.GetProperty("detail").GetString()!.ShouldContain("22021");
    }

    [Fact]
    public async Task a_document_issued_in_the_future_is_kept_with_a_warning()
    {
        var officer = await api.ClientAsync(Roles.RecordsOfficer);
        var dossier = await CreateDossierAsync(officer, "FUT-01");
        var future = DateTime.UtcNow.AddDays(30).ToString("yyyy-MM-dd");
        var r = await officer.PostAsync("/api/v1/documents", ApiFixture.Json(DocumentJson(dossier).Replace("2025-03-04", future)));
        r.StatusCode.ShouldBe(HttpStatusCode.Created, await r.Content.ReadAsStringAsync());
        var body = await r.Content.ReadFromJsonAsync<JsonElement>();
        body.GetProperty("warnings").EnumerateArray().Select(w => w.GetProperty("code").GetString()).ShouldBe(["issued_date_in_future"]);
        var past = await (await officer.PostAsync("/api/v1/documents", ApiFixture.Json(DocumentJson(dossier)))).Content.ReadFromJsonAsync<JsonElement>();
        past.GetProperty("warnings").GetArrayLength().ShouldBe(0);
    }
}
