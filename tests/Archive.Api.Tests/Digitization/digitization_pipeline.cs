using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Archive.Api.Features.Records;
using Archive.Api.Infrastructure.Auth;
using Archive.Api.Infrastructure.Signing;
using Archive.Api.Tests.Support;
using Archive.Domain.Documents;
using Npgsql;
using static Archive.Api.Tests.Support.Records;

namespace Archive.Api.Tests.Digitization;

public class digitization_pipeline(DigitizationFixture api) : IClassFixture<DigitizationFixture>
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static (HttpClient Client, string Id, byte[] Scan)? _converted;

    /// <summary>One scan converted once for the tests that look at its result (OCR is the expensive part).</summary>
    private async Task<(HttpClient Client, string Id, byte[] Scan)> ConvertedAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (_converted is { } done) return done;
            var client = await api.ClientAsync(Roles.RecordsOfficer);
            var dossier = await CreateDossierAsync(client, "12-SH");
            var scan = DigitizationFixture.Scan();
            var (id, job) = await DigitizationFixture.UploadScanAsync(client, dossier, scan);
            (await DigitizationFixture.WaitForJobAsync(api.Service<NpgsqlDataSource>(), job, TimeSpan.FromMinutes(3))).ShouldBe("done");
            _converted = (client, id, scan);
            return _converted.Value;
        }
        finally { Gate.Release(); }
    }

    private async Task<IReadOnlyList<object?>> EventsAsync(string id) =>
        (await api.Service<RecordsRepository>().Store.ReadStreamAsync(RecordsRepository.DocumentStream(id))).Select(e => e.Data).ToList();

    [Fact]
    public async Task a_scan_becomes_a_pdfa_with_text_and_then_the_organization_signs_it_keeping_the_upload_as_version_one()
    {
        var (client, id, scan) = await ConvertedAsync();

        var events = await EventsAsync(id);
        events.Select(e => e!.GetType().Name).Where(n => n != nameof(DocumentRegistered)).ShouldBe([
            nameof(ContentVersionAdded), nameof(DigitizationQueued), nameof(ContentVersionAdded), nameof(DocumentDigitized),
            nameof(ContentVersionAdded), nameof(DocumentSigned), nameof(DigitizationSigned)]);
        var digitized = events.OfType<DocumentDigitized>().Single();
        digitized.SourceVersion.ShouldBe(1);
        digitized.Version.ShouldBe(2);
        digitized.Engine.ShouldStartWith("ocrmypdf ");
        digitized.OcrEngine.ShouldStartWith("tesseract ");
        digitized.Language.ShouldBe("vie");
        digitized.LanguageData.ShouldContain("tesseract-ocr-vie");
        digitized.Pages.ShouldBe(1);
        digitized.PageResults.Single().MeanConfidence.ShouldBeGreaterThan(60);
        digitized.PageResults.Single().Words.ShouldBeGreaterThan(20);
        digitized.TextSha256.Length.ShouldBe(64);
        digitized.Warnings.ShouldBeEmpty();
        var signed = events.OfType<DocumentSigned>().Single();
        signed.SourceVersion.ShouldBe(2);
        signed.Level.ShouldBe(SignatureLevels.BLTA);
        signed.SignedBy.ShouldBe("system:digitization");

        (await client.GetByteArrayAsync($"/api/v1/documents/{id}/content?version=1")).ShouldBe(scan);
        var pdfa = await client.GetByteArrayAsync($"/api/v1/documents/{id}/content?version=2");
        var final = await client.GetByteArrayAsync($"/api/v1/documents/{id}/content?version=3");
        final[..pdfa.Length].ShouldBe(pdfa); // signed by an incremental update: the PDF/A is a byte-exact prefix
        var added = events.OfType<ContentVersionAdded>().ToList();
        added[1].PdfAConformance.ShouldNotBeNull().ShouldContain("2");
        added[1].IsColour.ShouldBe(true);
        added[1].ImageDpi.ShouldBe(200);

        var path = PdfTools.Save(final, "digitized.pdf");
        PdfTools.QpdfCheckPasses(path);
        var text = string.Join(' ', PdfTools.Run("pdftotext", path, "-").Stdout.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        text.ShouldContain("dữ liệu bản cứng");
        var nss = PdfTools.NssDbTrusting(api.Service<OrganizationSigning>().TrustAnchors[0]);
        PdfTools.PdfsigAllValid(nss, path, expectedSignatures: 2, lastCoversWholeFile: true);

        var status = await client.GetFromJsonAsync<JsonElement>($"/api/v1/documents/{id}/digitization");
        status.GetProperty("status").GetString().ShouldBe("signed");
    }

    [Theory]
    [InlineData("dữ liệu bản cứng")]
    [InlineData("du lieu ban cung")]
    [InlineData("TRUNG THỰC VỚI BẢN GỐC")]
    public async Task the_recognised_text_is_found_by_search_with_or_without_diacritics_with_page_and_marked_snippet(string phrase)
    {
        var (client, id, _) = await ConvertedAsync();

        var r = await client.GetFromJsonAsync<JsonElement>($"/api/v1/search/pages?q={Uri.EscapeDataString(phrase)}");
        var hit = r.GetProperty("items").EnumerateArray().Single(h => h.GetProperty("documentId").GetString() == id);
        hit.GetProperty("page").GetInt32().ShouldBe(1);
        hit.GetProperty("exactPhrase").GetBoolean().ShouldBeTrue();
        hit.GetProperty("snippet").GetString()!.ShouldContain("<mark>");
        // The snippet keeps the page's own spelling; without diacritics it reads as the query, the phrase marked whole.
        Archive.Api.Infrastructure.Search.TextNormalizer.Normalize(hit.GetProperty("snippet").GetString())
            .ShouldContain("<mark>" + Archive.Api.Infrastructure.Search.TextNormalizer.Normalize(phrase));
    }

    [Fact]
    public async Task an_empty_text_search_is_refused_with_a_field_error()
    {
        var client = await api.ClientAsync(Roles.Legal);
        var r = await client.GetAsync("/api/v1/search/pages?q=&limit=0");
        r.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var problem = await r.Content.ReadAsStringAsync();
        problem.ShouldContain("\"q\"");
        problem.ShouldContain("\"limit\"");
    }

    [Fact]
    public async Task a_poison_file_is_dead_lettered_while_the_rest_of_the_batch_completes()
    {
        var client = await api.ClientAsync(Roles.RecordsOfficer);
        var dossier = await CreateDossierAsync(client, "13-SH");
        // A JPEG header over bytes no decoder can read: stored (it is sniffed as a JPEG), but no engine can convert it.
        var poison = new byte[] { 0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 0, 1, 1, 1, 0, 200, 0, 200, 0, 0 }
            .Concat(Enumerable.Repeat((byte)0x5A, 4000)).ToArray();
        var (badId, badJob) = await DigitizationFixture.UploadScanAsync(client, dossier, poison, batch: "dot-1");
        var (goodId, goodJob) = await DigitizationFixture.UploadScanAsync(client, dossier, DigitizationFixture.Scan("Đảm bảo dữ liệu được tích hợp đã đầy đủ."), batch: "dot-1");
        var db = api.Service<NpgsqlDataSource>();

        (await DigitizationFixture.WaitForJobAsync(db, badJob, TimeSpan.FromMinutes(3))).ShouldBe("dead");
        (await DigitizationFixture.WaitForJobAsync(db, goodJob, TimeSpan.FromMinutes(3))).ShouldBe("done");

        var dead = await client.GetFromJsonAsync<JsonElement>("/api/v1/digitization/dead-letters?batch=dot-1");
        var letter = dead.EnumerateArray().Single();
        letter.GetProperty("jobId").GetString().ShouldBe(badJob);
        letter.GetProperty("attempts").GetInt32().ShouldBe(2);
        letter.GetProperty("error").GetString()!.ShouldContain("ocrmypdf");
        (await EventsAsync(badId)).OfType<DigitizationFailed>().Single().Attempts.ShouldBe(2);
        (await EventsAsync(goodId)).OfType<DigitizationSigned>().Count().ShouldBe(1);
        var status = await client.GetFromJsonAsync<JsonElement>($"/api/v1/documents/{badId}/digitization");
        status.GetProperty("status").GetString().ShouldBe("failed");

        var progress = await client.GetFromJsonAsync<JsonElement>("/api/v1/digitization/progress?batch=dot-1");
        progress.GetProperty("received").GetInt64().ShouldBe(2);
        progress.GetProperty("signed").GetInt64().ShouldBe(1);
        progress.GetProperty("failed").GetInt64().ShouldBe(1);

        // Officers see the list; API clients do not.
        (await (await api.ClientAsync(Roles.ApiClient)).GetAsync("/api/v1/digitization/dead-letters")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        // Wolverine stopped retrying: its message is in Wolverine's own dead letters (moved just after the row was marked).
        var until = DateTime.UtcNow.AddSeconds(60);
        while (await WolverineDeadLettersAsync(db, badJob) == 0)
        {
            if (DateTime.UtcNow > until) throw new TimeoutException("the poison job's message never reached Wolverine's dead letters");
            await Task.Delay(100);
        }
    }

    private static async Task<long> WolverineDeadLettersAsync(NpgsqlDataSource db, string jobId)
    {
        await using var cmd = db.CreateCommand("select count(*) from wolverine.wolverine_dead_letters " +
            "where exception_type like '%DigitizationDeadLetteredException%' and position(convert_to($1, 'UTF8') in body) > 0");
        cmd.Parameters.AddWithValue(jobId);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task a_blank_page_raises_a_warning_that_officers_can_filter_on()
    {
        var client = await api.ClientAsync(Roles.RecordsOfficer);
        var dossier = await CreateDossierAsync(client, "16-SH");
        var (id, job) = await DigitizationFixture.UploadScanAsync(client, dossier, Archive.Testing.ScanMaker.Jpeg([], pageHeightInches: 2.4));
        (await DigitizationFixture.WaitForJobAsync(api.Service<NpgsqlDataSource>(), job, TimeSpan.FromMinutes(3))).ShouldBe("done");

        var digitized = (await EventsAsync(id)).OfType<DocumentDigitized>().Single();
        digitized.PageResults.Single().Words.ShouldBe(0);
        digitized.Warnings.Select(w => w.Code).ShouldBe(["ocr_empty_page"]);
        await api.WaitForSearchAsync();
        var found = await client.GetFromJsonAsync<JsonElement>("/api/v1/search/?kind=document&warnings=true");
        found.GetProperty("items").EnumerateArray().Select(h => h.GetProperty("id").GetString()).ShouldContain(id);
    }

    [Fact]
    public async Task fields_read_from_an_nd30_page_are_proposed_and_the_officers_review_is_recorded_with_the_change()
    {
        var client = await api.ClientAsync(Roles.RecordsOfficer);
        var dossier = await CreateDossierAsync(client, "17-SH");
        var scan = Archive.Testing.ScanMaker.Jpeg(["ỦY BAN NHÂN DÂN", "TỈNH LAI CHÂU", "Số: 1437/KH-UBND", "Lai Châu, ngày 23 tháng 7 năm 2019", "KẾ HOẠCH",
            "Thực hiện Chương trình mục tiêu Công nghệ thông tin năm 2020", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Trần Tiến Dũng"], pageHeightInches: 4.5);
        var (id, job) = await DigitizationFixture.UploadScanAsync(client, dossier, scan);
        (await DigitizationFixture.WaitForJobAsync(api.Service<NpgsqlDataSource>(), job, TimeSpan.FromMinutes(3))).ShouldBe("done");

        var proposed = (await EventsAsync(id)).OfType<DocumentMetadataProposed>().Single().Fields.ToDictionary(f => f.Field);
        proposed["codeNumber"].Value.ShouldBe("1437");
        proposed["codeNotation"].Value.ShouldBe("KH-UBND");
        proposed["issuedDate"].Value.ShouldBe("2019-07-23");
        proposed["typeCode"].Value.ShouldBe("10");
        proposed["codeNumber"].Confidence.ShouldBeInRange(0.5, 1);

        // The officer confirms the number and date, corrects the subject, rejects the rest.
        var review = await client.PostAsync($"/api/v1/documents/{id}/digitization/{job}/proposal/review", ApiFixture.Json("""
            {"fields":{"codeNumber":"1437","codeNotation":"KH-UBND","issuedDate":"2019-07-23","subject":"Kế hoạch CNTT năm 2020"}}
            """));
        review.StatusCode.ShouldBe(HttpStatusCode.OK, await review.Content.ReadAsStringAsync());
        var events = await EventsAsync(id);
        var reviewed = events.OfType<DocumentMetadataProposalReviewed>().Single();
        reviewed.Kept["subject"].ShouldBe("Kế hoạch CNTT năm 2020");
        reviewed.Proposed.Count.ShouldBe(proposed.Count);
        var changed = events.OfType<DocumentMetadataChanged>().Single();
        changed.Metadata.CodeNumber.ShouldBe("1437");
        changed.Metadata.IssuedDate.ShouldBe(new DateOnly(2019, 7, 23));
        changed.Metadata.Subject.ShouldBe("Kế hoạch CNTT năm 2020");
        (await client.PostAsync($"/api/v1/documents/{id}/digitization/{job}/proposal/review", ApiFixture.Json("""{"fields":{}}""")))
            .StatusCode.ShouldBe(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task an_upload_to_a_born_digital_record_is_not_queued()
    {
        var client = await api.ClientAsync(Roles.RecordsOfficer);
        var dossier = await CreateDossierAsync(client, "14-SH");
        var id = (await CreateDocumentAsync(client, dossier)).GetProperty("id").GetString()!;
        var body = await UploadPdfAsync(client, id, PdfSamples.Scan(pixelWidth: 200, color: true));
        body.TryGetProperty("digitizationJobId", out var job).ShouldBeTrue();
        job.ValueKind.ShouldBe(JsonValueKind.Null);
        (await EventsAsync(id)).OfType<DigitizationQueued>().ShouldBeEmpty();
    }
    [Theory]
    [InlineData("dữ liệu bản cứng")]
    [InlineData("du lieu ban cung")]
    public async Task the_main_search_finds_a_document_by_the_text_of_its_scan_with_the_page_and_a_marked_snippet(string phrase)
    {
        var (client, id, _) = await ConvertedAsync();
        await api.WaitForSearchAsync(); // its metadata (a "Quyết định về việc ban hành quy chế") does not hold the phrase; the scan does

        var r = await client.GetFromJsonAsync<JsonElement>($"/api/v1/search?kind=document&q={Uri.EscapeDataString(phrase)}&limit=200");
        var hit = r.GetProperty("items").EnumerateArray().Single(h => h.GetProperty("id").GetString() == id);
        var match = hit.GetProperty("pageMatch");
        match.GetProperty("page").GetInt32().ShouldBe(1);
        match.GetProperty("exactPhrase").GetBoolean().ShouldBeTrue();
        Archive.Api.Infrastructure.Search.TextNormalizer.Normalize(match.GetProperty("snippet").GetString())
            .ShouldContain("<mark>" + Archive.Api.Infrastructure.Search.TextNormalizer.Normalize(phrase));
    }

    [Fact]
    public async Task a_page_text_hit_in_the_main_search_is_shown_only_when_the_records_own_state_allows_it()
    {
        var officer = await api.ClientAsync(Roles.RecordsOfficer, clearedForSecret: true);
        var dossier = await CreateDossierAsync(officer, "15-SH", access: "03");
        var id = (await CreateDocumentAsync(officer, dossier, "Công văn mật", access: "03")).GetProperty("id").GetString()!;
        await api.WaitForSearchAsync();
        var db = api.Service<NpgsqlDataSource>();
        await using (var conn = await db.OpenConnectionAsync())
        await using (var tx = await conn.BeginTransactionAsync())
        {
            // Page text as a conversion writes it (no OCR needed here), and a read model that lags behind the record: it still says public.
            await Archive.Api.Infrastructure.Search.PageTextIndex.WriteAsync(conn, tx, id, 2, ["Trang một", "Kho lưu trữ chuyên dụng tỉnh Điện Biên"], default);
            await using var stale = new NpgsqlCommand("update archive_api.search_index set access_regime = '01' where id = $1", conn, tx);
            stale.Parameters.AddWithValue(id);
            (await stale.ExecuteNonQueryAsync()).ShouldBe(1);
            await tx.CommitAsync();
        }
        const string url = "/api/v1/search?q=kho%20luu%20tru%20chuyen%20dung%20dien%20bien&limit=200";

        var cleared = await officer.GetFromJsonAsync<JsonElement>(url);
        cleared.GetProperty("items").EnumerateArray().Single(h => h.GetProperty("id").GetString() == id)
            .GetProperty("pageMatch").GetProperty("page").GetInt32().ShouldBe(2);
        var uncleared = await (await api.ClientAsync(Roles.RecordsOfficer)).GetFromJsonAsync<JsonElement>(url);
        uncleared.GetProperty("items").EnumerateArray().ShouldNotContain(h => h.GetProperty("id").GetString() == id);
    }
}
