using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Archive.Api.Infrastructure.Auth;
using Archive.Api.Tests.Support;
using static Archive.Api.Tests.Audit.AuditTestData;
using static Archive.Api.Tests.Support.Records;

namespace Archive.Api.Tests.Audit;

/// <summary>Replay: a dossier or document as of a past position or time equals what the API showed then.</summary>
public class audit_replay(AuditFixture api) : IClassFixture<AuditFixture>
{
    [Fact]
    public async Task a_dossier_replayed_as_of_an_earlier_position_or_time_equals_the_earlier_read()
    {
        var officer = await api.ClientAsync(Roles.RecordsOfficer);
        var code = await CreateDossierAsync(officer, "RP-01");
        var earlier = await officer.GetAsync($"/api/v1/dossiers/{code}");
        var earlierBody = await earlier.Content.ReadAsStringAsync();
        var position = await api.LastPositionAsync();
        var time = await api.DatabaseNowAsync();

        var edit = await officer.SendAsync(Put($"/api/v1/dossiers/{code}", DossierJson(Organ, 2025, "RP-01", title: "Hồ sơ đã đổi tên"), "\"1\""));
        edit.StatusCode.ShouldBe(HttpStatusCode.OK, await edit.Content.ReadAsStringAsync());
        var now = await (await officer.GetAsync($"/api/v1/dossiers/{code}")).Content.ReadAsStringAsync();
        now.ShouldNotBe(earlierBody);

        var auditor = await api.ClientAsync(Roles.Auditor);
        foreach (var asOf in new[] { position.ToString(), time.ToString("O") })
        {
            var replayed = await auditor.GetAsync($"/api/v1/audit/dossiers/{code}?asOf={Uri.EscapeDataString(asOf)}");
            replayed.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await replayed.Content.ReadAsStringAsync()).ShouldBe(earlierBody, $"as of {asOf}");
            replayed.Headers.ETag!.Tag.ShouldBe(earlier.Headers.ETag!.Tag);
        }
        var latest = await auditor.GetAsync($"/api/v1/audit/dossiers/{code}?asOf={await api.LastPositionAsync()}");
        (await latest.Content.ReadAsStringAsync()).ShouldBe(now);
    }

    [Fact]
    public async Task a_document_replayed_as_of_an_earlier_position_equals_the_earlier_read_filings_included()
    {
        var filed = await DossierWithDocumentAsync(api, "RP-02");
        var earlierBody = await (await filed.Officer.GetAsync($"/api/v1/documents/{filed.DocumentId}")).Content.ReadAsStringAsync();
        var position = await api.LastPositionAsync();

        var edit = await filed.Officer.SendAsync(Put($"/api/v1/documents/{filed.DocumentId}", DocumentJson(filed.Dossier, "Trích yếu mới"), "\"1\""));
        edit.StatusCode.ShouldBe(HttpStatusCode.OK);
        var second = await CreateDossierAsync(filed.Officer, "RP-03");
        (await filed.Officer.PostAsync($"/api/v1/documents/{filed.DocumentId}/filings", ApiFixture.Json($$"""{"dossierCode":"{{second}}"}""")))
            .StatusCode.ShouldBe(HttpStatusCode.Created);
        var now = await filed.Officer.GetFromJsonAsync<JsonElement>($"/api/v1/documents/{filed.DocumentId}");
        now.GetProperty("filings").GetArrayLength().ShouldBe(2);

        var auditor = await api.ClientAsync(Roles.Auditor);
        var replayed = await auditor.GetAsync($"/api/v1/audit/documents/{filed.DocumentId}?asOf={position}");
        replayed.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await replayed.Content.ReadAsStringAsync()).ShouldBe(earlierBody);
    }

    [Fact]
    public async Task replay_before_a_record_existed_is_not_found_and_a_bad_as_of_is_a_field_error()
    {
        var before = await api.LastPositionAsync();
        var officer = await api.ClientAsync(Roles.RecordsOfficer);
        var code = await CreateDossierAsync(officer, "RP-04");
        var auditor = await api.ClientAsync(Roles.Auditor);
        await (await auditor.GetAsync($"/api/v1/audit/dossiers/{code}?asOf={before}")).ShouldBeProblemAsync(404);
        (await (await auditor.GetAsync($"/api/v1/audit/dossiers/{code}?asOf=last-tuesday")).ShouldBeProblemAsync(400)).ErrorFields().ShouldBe(["asOf"]);
        (await (await auditor.GetAsync($"/api/v1/audit/documents/{Guid.NewGuid()}")).ShouldBeProblemAsync(400)).ErrorFields().ShouldBe(["asOf"]);
    }

    [Fact]
    public async Task the_past_of_a_record_that_has_since_become_secret_is_hidden_from_an_uncleared_auditor()
    {
        var officer = await api.ClientAsync(Roles.RecordsOfficer, clearedForSecret: true);
        var code = await CreateDossierAsync(officer, "RP-05");
        var position = await api.LastPositionAsync();
        (await officer.SendAsync(Put($"/api/v1/dossiers/{code}", DossierJson(Organ, 2025, "RP-05", access: "03"), "\"1\""))).StatusCode.ShouldBe(HttpStatusCode.OK);

        await (await (await api.ClientAsync(Roles.Auditor)).GetAsync($"/api/v1/audit/dossiers/{code}?asOf={position}")).ShouldBeProblemAsync(404);
        (await (await api.ClientAsync(Roles.Auditor, clearedForSecret: true)).GetAsync($"/api/v1/audit/dossiers/{code}?asOf={position}"))
            .StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
