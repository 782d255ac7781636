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
        var officer = await api.CallerAsync(Roles.RecordsOfficer);
        var auditor = await api.CallerAsync(Roles.Auditor);
        await officer.Scenario(s =>
        {
            s.Post.RawJson("""{"organId":"000.00.00.A01","name":"Phông Sở Nội vụ"}""").ToUrl("/api/v1/fonds");
            s.StatusCodeShouldBe(201);
            s.Header("Location").SingleValueShouldEqual("/api/v1/fonds/000.00.00.A01");
        });
        await auditor.Scenario(s =>
        {
            s.Get.Url("/api/v1/fonds/000.00.00.A01");
            s.Header("ETag").SingleValueShouldEqual("\"1\"");
            s.JsonPath("$.name").ShouldBe("Phông Sở Nội vụ");
        });
        var list = await (await auditor.Scenario(s => s.Get.Url("/api/v1/fonds"))).JsonAsync();
        list.EnumerateArray().Select(f => f.GetProperty("organId").GetString()).ShouldContain("000.00.00.A01");
        await officer.Scenario(s =>
        {
            s.Post.RawJson("""{"organId":"000.00.00.A01","name":"Lần hai"}""").ToUrl("/api/v1/fonds");
            s.ProblemShouldBe(409);
        });
        await auditor.Scenario(s => { s.Get.Url("/api/v1/fonds/000.00.00.Z99"); s.ProblemShouldBe(404); });
    }

    [Fact]
    public async Task a_fonds_with_bad_input_reports_every_field_and_stores_nothing()
    {
        var officer = await api.CallerAsync(Roles.RecordsOfficer);
        var before = await api.EventCountAsync();
        var problem = await (await officer.Scenario(s =>
        {
            s.Post.RawJson("""{"organId":"H29"}""").ToUrl("/api/v1/fonds");
            s.ProblemShouldBe(400);
        })).JsonAsync();
        problem.ErrorFields().ShouldBe(["organId", "name"], ignoreOrder: true);
        (await api.EventCountAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task opening_a_dossier_generates_its_code_from_organ_year_and_notation()
    {
        var officer = await api.CallerAsync(Roles.RecordsOfficer);
        var code = await CreateDossierAsync(officer.Client, "01-VP");
        code.ShouldBe("000.00.00.H29.2025.01-VP");
        await officer.Scenario(s =>
        {
            s.Get.Url($"/api/v1/dossiers/{code}");
            s.Header("ETag").SingleValueShouldEqual("\"1\"");
            s.JsonPath("$.status").ShouldBe("open");
            s.JsonPath("$.metadata.title").ShouldBe("Hồ sơ kế hoạch công tác năm");
        });

        var before = await api.EventCountAsync();
        await officer.Scenario(s =>
        {
            s.Post.RawJson(DossierJson(Organ, 2025, "01-VP")).ToUrl("/api/v1/dossiers");
            s.ProblemShouldBe(409);
        });
        (await api.EventCountAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task a_dossier_with_bad_input_reports_every_failing_field_and_stores_nothing()
    {
        var officer = await api.CallerAsync(Roles.RecordsOfficer);
        await CreateFondsAsync(officer.Client);
        var before = await api.EventCountAsync();
        var problem = await (await officer.Scenario(s =>
        {
            s.Post.RawJson("""{"organId":"000.00.00.Q77","year":1800,"fileNotation":"a b","accessMode":"09","languages":[],"confidenceLevel":"02","retentionCode":"07"}""")
                .ToUrl("/api/v1/dossiers");
            s.ProblemShouldBe(400);
        })).JsonAsync();
        var fields = problem.ErrorFields().ToList();
        foreach (var f in new[] { "organId", "year", "fileNotation", "title", "accessMode", "languages", "creator", "paperFileCode", "sheetCount", "retention", "physicalCondition" })
            fields.ShouldContain(f);
        problem.GetProperty("errors")[0].GetProperty("message_en").GetString().ShouldNotBeNullOrWhiteSpace();
        problem.GetProperty("errors")[0].GetProperty("message_vi").GetString().ShouldNotBeNullOrWhiteSpace();

        var missingYear = await (await officer.Scenario(s =>
        {
            s.Post.RawJson("""{"organId":"000.00.00.H29"}""").ToUrl("/api/v1/dossiers");
            s.ProblemShouldBe(400);
        })).JsonAsync();
        missingYear.ErrorFields().ShouldContain("year");
        (await api.EventCountAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task editing_dossier_metadata_needs_the_current_if_match_and_records_who_and_why()
    {
        var officer = await api.CallerAsync(Roles.RecordsOfficer);
        var code = await CreateDossierAsync(officer.Client, "02-VP");
        var url = $"/api/v1/dossiers/{code}";
        var edited = DossierJson(Organ, 2025, "02-VP", "Hồ sơ kế hoạch công tác năm 2025").Replace("\"organId\"", "\"reason\":\"Sửa tiêu đề theo văn bản gốc\",\"organId\"");

        var before = await api.EventCountAsync();
        await officer.Scenario(s => { s.Put.RawJson(edited).ToUrl(url); s.ProblemShouldBe(428); });
        await officer.Scenario(s => { s.Put.RawJson(edited).ToUrl(url); s.IfMatch("\"7\""); s.ProblemShouldBe(412); });
        (await api.EventCountAsync()).ShouldBe(before);

        var ok = await officer.Scenario(s =>
        {
            s.Put.RawJson(edited).ToUrl(url);
            s.IfMatch("\"1\"");
            s.Header("ETag").SingleValueShouldEqual("\"2\"");
        });
        var change = (await ok.JsonAsync()).GetProperty("changes").EnumerateArray().Single();
        change.GetProperty("field").GetString().ShouldBe("title");
        change.GetProperty("old").GetString().ShouldBe("Hồ sơ kế hoạch công tác năm");
        change.GetProperty("new").GetString().ShouldBe("Hồ sơ kế hoạch công tác năm 2025");

        await officer.Scenario(s =>
        {
            s.Put.RawJson(edited.Replace("2025\"", "2026\"")).ToUrl(url);
            s.IfMatch("\"1\"");
            s.ProblemShouldBe(412);
            s.Header("ETag").SingleValueShouldEqual("\"2\"");
        });

        var events = await api.Service<Archive.EventStore.EventStore>().ReadStreamAsync(RecordsRepository.DossierStream(code));
        events.Count.ShouldBe(2);
        events[1].Metadata.Actor.ShouldBe(officer.Actor);
        events[1].Metadata.Headers["reason"].ShouldBe("Sửa tiêu đề theo văn bản gốc");
    }

    [Fact]
    public async Task closing_a_dossier_twice_is_a_conflict_and_stores_nothing()
    {
        var officer = await api.CallerAsync(Roles.RecordsOfficer);
        var code = await CreateDossierAsync(officer.Client, "03-VP");
        var closed = await officer.Scenario(s =>
        {
            s.Post.RawJson("""{"reason":"Kết thúc công việc"}""").ToUrl($"/api/v1/dossiers/{code}/close");
            s.IfMatch("\"1\"");
            s.JsonPath("$.status").ShouldBe("closed");
            s.JsonPath("$.transferDueDate").ShouldBe("2026-12-20");
        });
        var before = await api.EventCountAsync();
        await officer.Scenario(s =>
        {
            s.Post.RawJson("{}").ToUrl($"/api/v1/dossiers/{code}/close");
            s.IfMatch(closed.ETag());
            s.ProblemShouldBe(409, code: "wrong_status");
        });
        await officer.Scenario(s => { s.Post.RawJson("{}").ToUrl($"/api/v1/dossiers/{code}/close"); s.ProblemShouldBe(428); });
        (await api.EventCountAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task transfer_due_lists_closed_dossiers_due_soon_until_they_are_transferred()
    {
        var officer = await api.CallerAsync(Roles.RecordsOfficer);
        var code = await CreateDossierAsync(officer.Client, "04-VP", year: 2020);
        var today = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(7));
        var end = today.AddYears(-1).AddDays(10);
        await officer.Scenario(s => { s.Post.RawJson($$"""{"endDate":"{{end:yyyy-MM-dd}}"}""").ToUrl($"/api/v1/dossiers/{code}/close"); s.IfMatch("\"1\""); });

        async Task<JsonElement[]> DueWithin(int days) =>
            (await (await officer.Scenario(s => s.Get.Url($"/api/v1/dossiers/transfer-due?days={days}"))).JsonAsync()).EnumerateArray().ToArray();
        (await DueWithin(30)).Single(d => d.GetProperty("dossierCode").GetString() == code).GetProperty("daysLeft").GetInt32().ShouldBe(10);
        (await DueWithin(5)).ShouldNotContain(d => d.GetProperty("dossierCode").GetString() == code);

        await officer.Scenario(s => { s.Post.RawJson("{}").ToUrl($"/api/v1/dossiers/{code}/transfer"); s.IfMatch("\"2\""); s.ProblemShouldBe(400); });
        await officer.Scenario(s =>
        {
            s.Post.RawJson("""{"receivedBy":"Lưu trữ cơ quan","handoverRecordRef":"BB-01"}""").ToUrl($"/api/v1/dossiers/{code}/transfer");
            s.IfMatch("\"2\"");
            s.JsonPath("$.status").ShouldBe("transferred");
        });
        (await DueWithin(30)).ShouldNotContain(d => d.GetProperty("dossierCode").GetString() == code);
    }

    [Fact]
    public async Task an_idempotent_retry_returns_the_same_dossier_without_a_second_event()
    {
        var officer = await api.CallerAsync(Roles.RecordsOfficer);
        await CreateFondsAsync(officer.Client);
        void Create(Alba.Scenario s)
        {
            s.Post.RawJson(DossierJson(Organ, 2024, "05-VP")).ToUrl("/api/v1/dossiers");
            s.WithRequestHeader("Idempotency-Key", "open-05-VP");
            s.StatusCodeShouldBe(201);
        }
        var first = await officer.Scenario(Create);
        var count = await api.EventCountAsync();
        var retry = await officer.Scenario(Create);
        retry.Context.Response.Headers.Location.ToString().ShouldBe(first.Context.Response.Headers.Location.ToString());
        (await retry.ReadAsTextAsync()).ShouldBe(await first.ReadAsTextAsync());
        (await api.EventCountAsync()).ShouldBe(count);
    }

    [Fact]
    public async Task code_lists_are_served_to_any_role_but_not_anonymously()
    {
        var lists = await (await (await api.CallerAsync(Roles.ApiClient)).Scenario(s => s.Get.Url("/api/v1/code-lists"))).JsonAsync();
        lists.EnumerateArray().Select(l => l.GetProperty("id").GetString()).ShouldContain("mode");
        await (await api.CallerAsync(Roles.Legal)).Scenario(s =>
        {
            s.Get.Url("/api/v1/code-lists/mode");
            s.JsonPath("$.entries").ShouldHaveCount(3);
        });
        await api.Host.Scenario(s => { s.Get.Url("/api/v1/code-lists"); s.ProblemShouldBe(401); });
    }

    [Fact]
    public async Task a_dossier_access_change_is_confirmed_by_a_second_officer_and_secret_dossiers_stay_off_lists()
    {
        var changer = await api.CallerAsync(Roles.RecordsOfficer, clearedForSecret: true);
        var code = await CreateDossierAsync(changer.Client, "06-MAT");
        await changer.Scenario(s => { s.Put.RawJson(DossierJson(Organ, 2025, "06-MAT", access: "03")).ToUrl($"/api/v1/dossiers/{code}"); s.IfMatch("\"1\""); });
        await changer.Scenario(s =>
        {
            s.Post.RawJson($$"""{"endDate":"{{DateOnly.FromDateTime(DateTime.UtcNow.AddHours(7)).AddYears(-1):yyyy-MM-dd}}"}""").ToUrl($"/api/v1/dossiers/{code}/close");
            s.IfMatch("\"3\"");
        });

        static async Task<JsonElement[]> List(ApiCaller caller, string url) =>
            (await (await caller.Scenario(s => s.Get.Url(url))).JsonAsync()).EnumerateArray().ToArray();
        var uncleared = await api.CallerAsync(Roles.RecordsOfficer);
        (await List(uncleared, "/api/v1/access-alerts?open=true")).ShouldNotContain(a => a.GetProperty("recordId").GetString() == code);
        (await List(uncleared, "/api/v1/dossiers/transfer-due")).ShouldNotContain(d => d.GetProperty("dossierCode").GetString() == code);
        await uncleared.Scenario(s => { s.Post.Url($"/api/v1/dossiers/{code}/access-alerts/1/confirm"); s.ProblemShouldBe(404); });
        (await List(changer, "/api/v1/dossiers/transfer-due")).ShouldContain(d => d.GetProperty("dossierCode").GetString() == code);

        await changer.Scenario(s => { s.Post.Url($"/api/v1/dossiers/{code}/access-alerts/1/confirm"); s.ProblemShouldBe(409); });
        var second = await api.CallerAsync(Roles.RecordsOfficer, clearedForSecret: true);
        var confirmed = await second.Scenario(s => s.Post.Url($"/api/v1/dossiers/{code}/access-alerts/1/confirm"));
        var alert = (await confirmed.JsonAsync()).GetProperty("accessAlerts").EnumerateArray().Single();
        alert.GetProperty("newMode").GetString().ShouldBe("03");
        alert.GetProperty("confirmedBy").GetString().ShouldNotBeNullOrEmpty();
    }
}
