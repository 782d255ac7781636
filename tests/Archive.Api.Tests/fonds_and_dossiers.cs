using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Archive.Api.Features.Records;
using Archive.Api.Infrastructure.Auth;
using Archive.Api.Tests.Support;
using static Archive.Api.Tests.Support.Records;

namespace Archive.Api.Tests;

public class fonds_and_dossiers(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task a_created_fonds_is_read_with_its_etag_and_listed()
    {
        var client = await api.ClientAsync(Roles.RecordsOfficer);
        var created = await client.PostAsync("/api/v1/fonds", ApiFixture.Json("""{"organId":"000.00.00.A01","name":"Phông Sở Nội vụ"}"""));
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        created.Headers.Location!.ToString().ShouldBe("/api/v1/fonds/000.00.00.A01");
        var auditor = await api.ClientAsync(Roles.Auditor);
        var read = await auditor.GetAsync("/api/v1/fonds/000.00.00.A01");
        read.Headers.ETag!.Tag.ShouldBe("\"1\"");
        (await read.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("name").GetString().ShouldBe("Phông Sở Nội vụ");
        var list = await auditor.GetFromJsonAsync<JsonElement>("/api/v1/fonds");
        list.EnumerateArray().Select(f => f.GetProperty("organId").GetString()).ShouldContain("000.00.00.A01");
        await (await client.PostAsync("/api/v1/fonds", ApiFixture.Json("""{"organId":"000.00.00.A01","name":"Lần hai"}"""))).ShouldBeProblemAsync(409);
        await (await auditor.GetAsync("/api/v1/fonds/000.00.00.Z99")).ShouldBeProblemAsync(404);
    }

    [Fact]
    public async Task a_fonds_with_bad_input_reports_every_field_and_stores_nothing()
    {
        var client = await api.ClientAsync(Roles.RecordsOfficer);
        var before = await api.EventCountAsync();
        var problem = await (await client.PostAsync("/api/v1/fonds", ApiFixture.Json("""{"organId":"H29"}"""))).ShouldBeProblemAsync(400);
        problem.ErrorFields().ShouldBe(["organId", "name"], ignoreOrder: true);
        (await api.EventCountAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task opening_a_dossier_generates_its_code_from_organ_year_and_notation()
    {
        var client = await api.ClientAsync(Roles.RecordsOfficer);
        var code = await CreateDossierAsync(client, "01-VP");
        code.ShouldBe("000.00.00.H29.2025.01-VP");
        var read = await client.GetAsync($"/api/v1/dossiers/{code}");
        read.Headers.ETag!.Tag.ShouldBe("\"1\"");
        var body = await read.Content.ReadFromJsonAsync<JsonElement>();
        body.GetProperty("status").GetString().ShouldBe("open");
        body.GetProperty("metadata").GetProperty("title").GetString().ShouldBe("Hồ sơ kế hoạch công tác năm");

        var before = await api.EventCountAsync();
        await (await client.PostAsync("/api/v1/dossiers", ApiFixture.Json(DossierJson(Organ, 2025, "01-VP")))).ShouldBeProblemAsync(409);
        (await api.EventCountAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task a_dossier_with_bad_input_reports_every_failing_field_and_stores_nothing()
    {
        var client = await api.ClientAsync(Roles.RecordsOfficer);
        await CreateFondsAsync(client);
        var before = await api.EventCountAsync();
        var problem = await (await client.PostAsync("/api/v1/dossiers", ApiFixture.Json(
            """{"organId":"000.00.00.Q77","year":1800,"fileNotation":"a b","accessMode":"09","languages":[],"confidenceLevel":"02","retentionCode":"07"}""")))
            .ShouldBeProblemAsync(400);
        var fields = problem.ErrorFields().ToList();
        foreach (var f in new[] { "organId", "year", "fileNotation", "title", "accessMode", "languages", "creator", "paperFileCode", "sheetCount", "retention", "physicalCondition" })
            fields.ShouldContain(f);
        problem.GetProperty("errors")[0].GetProperty("message_en").GetString().ShouldNotBeNullOrWhiteSpace();
        problem.GetProperty("errors")[0].GetProperty("message_vi").GetString().ShouldNotBeNullOrWhiteSpace();

        var missingYear = await (await client.PostAsync("/api/v1/dossiers", ApiFixture.Json("""{"organId":"000.00.00.H29"}"""))).ShouldBeProblemAsync(400);
        missingYear.ErrorFields().ShouldContain("year");
        (await api.EventCountAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task editing_dossier_metadata_needs_the_current_if_match_and_records_who_and_why()
    {
        var key = await api.KeyAsync(Roles.RecordsOfficer);
        var client = api.ClientWithKey(key.Key);
        var code = await CreateDossierAsync(client, "02-VP");
        var url = $"/api/v1/dossiers/{code}";
        var edited = DossierJson(Organ, 2025, "02-VP", "Hồ sơ kế hoạch công tác năm 2025").Replace("\"organId\"", "\"reason\":\"Sửa tiêu đề theo văn bản gốc\",\"organId\"");

        var before = await api.EventCountAsync();
        await (await client.SendAsync(Put(url, edited, null))).ShouldBeProblemAsync(428);
        (await client.SendAsync(Put(url, edited, "\"7\""))).StatusCode.ShouldBe(HttpStatusCode.PreconditionFailed);
        (await api.EventCountAsync()).ShouldBe(before);

        var ok = await client.SendAsync(Put(url, edited, "\"1\""));
        ok.StatusCode.ShouldBe(HttpStatusCode.OK, await ok.Content.ReadAsStringAsync());
        ok.Headers.ETag!.Tag.ShouldBe("\"2\"");
        var change = (await ok.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("changes").EnumerateArray().Single();
        change.GetProperty("field").GetString().ShouldBe("title");
        change.GetProperty("old").GetString().ShouldBe("Hồ sơ kế hoạch công tác năm");
        change.GetProperty("new").GetString().ShouldBe("Hồ sơ kế hoạch công tác năm 2025");

        var stale = await client.SendAsync(Put(url, edited.Replace("2025\"", "2026\""), "\"1\""));
        await stale.ShouldBeProblemAsync(412);
        stale.Headers.ETag!.Tag.ShouldBe("\"2\"");

        var events = await api.Service<Archive.EventStore.EventStore>().ReadStreamAsync(RecordsRepository.DossierStream(code));
        events.Count.ShouldBe(2);
        events[1].Metadata.Actor.ShouldBe(key.Info.Id);
        events[1].Metadata.Headers["reason"].ShouldBe("Sửa tiêu đề theo văn bản gốc");
    }

    [Fact]
    public async Task closing_a_dossier_twice_is_a_conflict_and_stores_nothing()
    {
        var client = await api.ClientAsync(Roles.RecordsOfficer);
        var code = await CreateDossierAsync(client, "03-VP");
        var closed = await client.SendAsync(Post($"/api/v1/dossiers/{code}/close", """{"reason":"Kết thúc công việc"}""", "\"1\""));
        closed.StatusCode.ShouldBe(HttpStatusCode.OK, await closed.Content.ReadAsStringAsync());
        var body = await closed.Content.ReadFromJsonAsync<JsonElement>();
        body.GetProperty("status").GetString().ShouldBe("closed");
        body.GetProperty("transferDueDate").GetString().ShouldBe("2026-12-20");
        var before = await api.EventCountAsync();
        var again = await client.SendAsync(Post($"/api/v1/dossiers/{code}/close", "{}", closed.Headers.ETag!.Tag));
        (await again.ShouldBeProblemAsync(409)).GetProperty("code").GetString().ShouldBe("wrong_status");
        await (await client.SendAsync(Post($"/api/v1/dossiers/{code}/close", "{}", null))).ShouldBeProblemAsync(428);
        (await api.EventCountAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task transfer_due_lists_closed_dossiers_due_soon_until_they_are_transferred()
    {
        var client = await api.ClientAsync(Roles.RecordsOfficer);
        var code = await CreateDossierAsync(client, "04-VP", year: 2020);
        var today = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(7));
        var end = today.AddYears(-1).AddDays(10);
        var closed = await client.SendAsync(Post($"/api/v1/dossiers/{code}/close", $$"""{"endDate":"{{end:yyyy-MM-dd}}"}""", "\"1\""));
        closed.StatusCode.ShouldBe(HttpStatusCode.OK, await closed.Content.ReadAsStringAsync());

        var due = await client.GetFromJsonAsync<JsonElement>("/api/v1/dossiers/transfer-due?days=30");
        var item = due.EnumerateArray().Single(d => d.GetProperty("dossierCode").GetString() == code);
        item.GetProperty("daysLeft").GetInt32().ShouldBe(10);
        (await client.GetFromJsonAsync<JsonElement>("/api/v1/dossiers/transfer-due?days=5")).EnumerateArray()
            .ShouldNotContain(d => d.GetProperty("dossierCode").GetString() == code);

        await (await client.SendAsync(Post($"/api/v1/dossiers/{code}/transfer", "{}", "\"2\""))).ShouldBeProblemAsync(400);
        var transferred = await client.SendAsync(Post($"/api/v1/dossiers/{code}/transfer", """{"receivedBy":"Lưu trữ cơ quan","handoverRecordRef":"BB-01"}""", "\"2\""));
        transferred.StatusCode.ShouldBe(HttpStatusCode.OK, await transferred.Content.ReadAsStringAsync());
        (await transferred.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString().ShouldBe("transferred");
        (await client.GetFromJsonAsync<JsonElement>("/api/v1/dossiers/transfer-due?days=30")).EnumerateArray()
            .ShouldNotContain(d => d.GetProperty("dossierCode").GetString() == code);
    }

    [Fact]
    public async Task an_idempotent_retry_returns_the_same_dossier_without_a_second_event()
    {
        var client = await api.ClientAsync(Roles.RecordsOfficer);
        await CreateFondsAsync(client);
        HttpRequestMessage Create()
        {
            var r = new HttpRequestMessage(HttpMethod.Post, "/api/v1/dossiers") { Content = ApiFixture.Json(DossierJson(Organ, 2024, "05-VP")) };
            r.Headers.Add("Idempotency-Key", "open-05-VP");
            return r;
        }
        var first = await client.SendAsync(Create());
        first.StatusCode.ShouldBe(HttpStatusCode.Created);
        var count = await api.EventCountAsync();
        var retry = await client.SendAsync(Create());
        retry.StatusCode.ShouldBe(HttpStatusCode.Created);
        retry.Headers.Location.ShouldBe(first.Headers.Location);
        (await retry.Content.ReadAsStringAsync()).ShouldBe(await first.Content.ReadAsStringAsync());
        (await api.EventCountAsync()).ShouldBe(count);
    }

    [Fact]
    public async Task code_lists_are_served_to_any_role_but_not_anonymously()
    {
        var lists = await (await api.ClientAsync(Roles.ApiClient)).GetFromJsonAsync<JsonElement>("/api/v1/code-lists");
        lists.EnumerateArray().Select(l => l.GetProperty("id").GetString()).ShouldContain("mode");
        var mode = await (await api.ClientAsync(Roles.Legal)).GetFromJsonAsync<JsonElement>("/api/v1/code-lists/mode");
        mode.GetProperty("entries").GetArrayLength().ShouldBe(3);
        await (await api.Anonymous().GetAsync("/api/v1/code-lists")).ShouldBeProblemAsync(401);
    }

    [Fact]
    public async Task a_dossier_access_change_is_confirmed_by_a_second_officer_and_secret_dossiers_stay_off_lists()
    {
        var changer = await api.ClientAsync(Roles.RecordsOfficer, clearedForSecret: true);
        var code = await CreateDossierAsync(changer, "06-MAT");
        var toSecret = await changer.SendAsync(Put($"/api/v1/dossiers/{code}", DossierJson(Organ, 2025, "06-MAT", access: "03"), "\"1\""));
        toSecret.StatusCode.ShouldBe(HttpStatusCode.OK, await toSecret.Content.ReadAsStringAsync());
        var closed = await changer.SendAsync(Post($"/api/v1/dossiers/{code}/close",
            $$"""{"endDate":"{{DateOnly.FromDateTime(DateTime.UtcNow.AddHours(7)).AddYears(-1):yyyy-MM-dd}}"}""", "\"3\""));
        closed.StatusCode.ShouldBe(HttpStatusCode.OK, await closed.Content.ReadAsStringAsync());

        var uncleared = await api.ClientAsync(Roles.RecordsOfficer);
        (await uncleared.GetFromJsonAsync<JsonElement>("/api/v1/access-alerts?open=true")).EnumerateArray()
            .ShouldNotContain(a => a.GetProperty("recordId").GetString() == code);
        (await uncleared.GetFromJsonAsync<JsonElement>("/api/v1/dossiers/transfer-due")).EnumerateArray()
            .ShouldNotContain(d => d.GetProperty("dossierCode").GetString() == code);
        await (await uncleared.PostAsync($"/api/v1/dossiers/{code}/access-alerts/1/confirm", null)).ShouldBeProblemAsync(404);
        (await changer.GetFromJsonAsync<JsonElement>("/api/v1/dossiers/transfer-due")).EnumerateArray()
            .ShouldContain(d => d.GetProperty("dossierCode").GetString() == code);

        await (await changer.PostAsync($"/api/v1/dossiers/{code}/access-alerts/1/confirm", null)).ShouldBeProblemAsync(409);
        var second = await api.ClientAsync(Roles.RecordsOfficer, clearedForSecret: true);
        var confirmed = await second.PostAsync($"/api/v1/dossiers/{code}/access-alerts/1/confirm", null);
        confirmed.StatusCode.ShouldBe(HttpStatusCode.OK, await confirmed.Content.ReadAsStringAsync());
        var alert = (await confirmed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessAlerts").EnumerateArray().Single();
        alert.GetProperty("newMode").GetString().ShouldBe("03");
        alert.GetProperty("confirmedBy").GetString().ShouldNotBeNullOrEmpty();
    }

}
