using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Archive.Api.Features.Records;
using Archive.Api.Infrastructure.Auth;
using Archive.Api.Tests.Support;
using static Archive.Api.Tests.Support.Records;

namespace Archive.Api.Tests;

public class documents_in_dossiers(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task documents_are_numbered_in_their_dossier_with_seven_digit_orders()
    {
        var client = await api.ClientAsync(Roles.RecordsOfficer);
        var dossier = await CreateDossierAsync(client, "10-VP");
        var first = await CreateDocumentAsync(client, dossier);
        var second = await CreateDocumentAsync(client, dossier, "Báo cáo tổng kết");
        first.GetProperty("filings")[0].GetProperty("documentCode").GetString().ShouldBe($"{dossier}.0000001");
        second.GetProperty("filings")[0].GetProperty("documentCode").GetString().ShouldBe($"{dossier}.0000002");
        first.GetProperty("metadata").GetProperty("retentionCode").GetString().ShouldBe("01"); // the dossier's, by default

        var read = await client.GetAsync($"/api/v1/documents/{first.GetProperty("id").GetString()}");
        read.Headers.ETag!.Tag.ShouldBe("\"1\"");
        var d = await client.GetFromJsonAsync<JsonElement>($"/api/v1/dossiers/{dossier}");
        d.GetProperty("documents").GetArrayLength().ShouldBe(2);
    }

    [Fact]
    public async Task a_document_is_registered_only_together_with_its_filing()
    {
        var client = await api.ClientAsync(Roles.RecordsOfficer);
        var dossier = await CreateDossierAsync(client, "19-VP");
        // Fault injection: the dossier's filing event fails after the document's own event was written.
        await using var conn = new Npgsql.NpgsqlConnection(api.ConnectionString);
        await conn.OpenAsync();
        await using (var cmd = new Npgsql.NpgsqlCommand($"""
            create function fail_filing() returns trigger language plpgsql as $$
            begin
                if new.stream_id = '{RecordsRepository.DossierStream(dossier)}' then raise exception 'injected failure'; end if;
                return new;
            end $$;
            create trigger fail_filing before insert on event_store.events for each row execute function fail_filing();
            """, conn))
            await cmd.ExecuteNonQueryAsync();
        var before = await api.EventCountAsync();

        var response = await client.PostAsync("/api/v1/documents", ApiFixture.Json(DocumentJson(dossier, "Tờ trình không được lưu")));

        response.StatusCode.ShouldBe(HttpStatusCode.InternalServerError);
        (await api.EventCountAsync()).ShouldBe(before);
        await using (var cmd = new Npgsql.NpgsqlCommand("drop trigger fail_filing on event_store.events; drop function fail_filing()", conn))
            await cmd.ExecuteNonQueryAsync();
        var d = await client.GetFromJsonAsync<JsonElement>($"/api/v1/dossiers/{dossier}");
        d.GetProperty("documents").GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task a_document_with_bad_input_reports_every_field_and_stores_nothing()
    {
        var client = await api.ClientAsync(Roles.RecordsOfficer);
        await CreateDossierAsync(client, "11-VP");
        var before = await api.EventCountAsync();
        var problem = await (await client.PostAsync("/api/v1/documents", ApiFixture.Json(
            """{"dossierCode":"000.00.00.H29.2025.NOPE","typeCode":"99","accessMode":"04","languages":["77"],"pageCount":-1}"""))).ShouldBeProblemAsync(400);
        problem.ErrorFields().ShouldBe(["dossierCode", "typeCode", "issuedDate", "issuer", "subject", "accessMode", "confidenceLevel", "languages", "pageCount", "retention"],
            ignoreOrder: true);
        var unknownDossier = await (await client.PostAsync("/api/v1/documents", ApiFixture.Json(DocumentJson("")))).ShouldBeProblemAsync(400);
        unknownDossier.ErrorFields().ShouldContain("dossierCode");
        (await api.EventCountAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task a_document_filed_into_another_dossier_is_not_copied()
    {
        var client = await api.ClientAsync(Roles.RecordsOfficer);
        var a = await CreateDossierAsync(client, "12-VP");
        var b = await CreateDossierAsync(client, "13-VP");
        await CreateDocumentAsync(client, b, "Tài liệu khác");
        var doc = await CreateDocumentAsync(client, a);
        var id = doc.GetProperty("id").GetString()!;

        var filed = await client.PostAsync($"/api/v1/documents/{id}/filings", ApiFixture.Json($$"""{"dossierCode":"{{b}}","reason":"Liên quan"}"""));
        filed.StatusCode.ShouldBe(HttpStatusCode.Created, await filed.Content.ReadAsStringAsync());
        var filings = (await filed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("filings").EnumerateArray()
            .Select(f => f.GetProperty("documentCode").GetString()).ToList();
        filings.ShouldBe([$"{a}.0000001", $"{b}.0000002"]);
        (await api.Service<Archive.EventStore.EventStore>().ReadStreamAsync(RecordsRepository.DocumentStream(id))).Count.ShouldBe(1);
        var dossierB = await client.GetFromJsonAsync<JsonElement>($"/api/v1/dossiers/{b}");
        dossierB.GetProperty("documents").EnumerateArray().Select(x => x.GetProperty("documentId").GetString()).ShouldContain(id);

        var before = await api.EventCountAsync();
        await (await client.PostAsync($"/api/v1/documents/{id}/filings", ApiFixture.Json($$"""{"dossierCode":"{{b}}"}"""))).ShouldBeProblemAsync(409);
        (await api.EventCountAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task editing_document_metadata_records_changed_fields_and_needs_if_match()
    {
        var key = await api.KeyAsync(Roles.RecordsOfficer);
        var client = api.ClientWithKey(key.Key);
        var dossier = await CreateDossierAsync(client, "14-VP");
        var id = (await CreateDocumentAsync(client, dossier)).GetProperty("id").GetString()!;
        var url = $"/api/v1/documents/{id}";
        var edit = DocumentJson(dossier, "Quyết định về việc sửa đổi quy chế");

        await (await client.SendAsync(Put(url, edit, null))).ShouldBeProblemAsync(428);
        var r = Put(url, edit, "\"1\"");
        r.Headers.Add("X-Reason", "Đính chính trích yếu");
        var ok = await client.SendAsync(r);
        ok.StatusCode.ShouldBe(HttpStatusCode.OK, await ok.Content.ReadAsStringAsync());
        ok.Headers.ETag!.Tag.ShouldBe("\"2\"");
        var change = (await ok.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("changes").EnumerateArray().Single();
        change.GetProperty("field").GetString().ShouldBe("subject");
        change.GetProperty("old").GetString().ShouldBe("Quyết định về việc ban hành quy chế");
        change.GetProperty("new").GetString().ShouldBe("Quyết định về việc sửa đổi quy chế");

        var before = await api.EventCountAsync();
        await (await client.SendAsync(Put(url, DocumentJson(dossier, "x"), "\"1\""))).ShouldBeProblemAsync(412);
        var invalid = await (await client.SendAsync(Put(url, """{"subject":"","typeCode":"02"}""", "\"2\""))).ShouldBeProblemAsync(400);
        invalid.ErrorFields().ShouldContain("subject");
        invalid.ErrorFields().ShouldContain("issuedDate");
        await (await client.SendAsync(Put(url, edit, "\"2\""))).ShouldBeProblemAsync(409); // nothing changed
        (await api.EventCountAsync()).ShouldBe(before);

        var stored = (await api.Service<Archive.EventStore.EventStore>().ReadStreamAsync(RecordsRepository.DocumentStream(id)))[1];
        stored.Metadata.Actor.ShouldBe(key.Info.Id);
        stored.Metadata.Headers["reason"].ShouldBe("Đính chính trích yếu");
    }

    [Fact]
    public async Task an_access_regime_change_raises_an_alert_that_only_a_second_person_can_confirm()
    {
        var changer = await api.ClientAsync(Roles.RecordsOfficer);
        var dossier = await CreateDossierAsync(changer, "15-VP");
        var id = (await CreateDocumentAsync(changer, dossier)).GetProperty("id").GetString()!;
        var changed = await changer.SendAsync(Put($"/api/v1/documents/{id}", DocumentJson(dossier, access: "02"), "\"1\""));
        changed.StatusCode.ShouldBe(HttpStatusCode.OK, await changed.Content.ReadAsStringAsync());

        var auditor = await api.ClientAsync(Roles.Auditor);
        var open = await auditor.GetFromJsonAsync<JsonElement>("/api/v1/access-alerts?open=true");
        var alert = open.EnumerateArray().Single(a => a.GetProperty("recordId").GetString() == id);
        alert.GetProperty("oldMode").GetString().ShouldBe("01");
        alert.GetProperty("newMode").GetString().ShouldBe("02");
        var confirmUrl = alert.GetProperty("confirmUrl").GetString()!;

        (await (await changer.PostAsync(confirmUrl, null)).ShouldBeProblemAsync(409)).GetProperty("code").GetString().ShouldBe("same_person_cannot_confirm");
        await (await auditor.PostAsync(confirmUrl, null)).ShouldBeProblemAsync(403);
        var second = await api.ClientAsync(Roles.RecordsOfficer);
        var confirmed = await second.PostAsync(confirmUrl, null);
        confirmed.StatusCode.ShouldBe(HttpStatusCode.OK, await confirmed.Content.ReadAsStringAsync());
        (await confirmed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessAlerts")[0].GetProperty("confirmedBy").GetString().ShouldNotBeNull();
        await (await second.PostAsync(confirmUrl, null)).ShouldBeProblemAsync(409);
        (await auditor.GetFromJsonAsync<JsonElement>("/api/v1/access-alerts?open=true")).EnumerateArray()
            .ShouldNotContain(a => a.GetProperty("recordId").GetString() == id);
    }

    [Fact]
    public async Task secret_records_are_hidden_from_callers_without_clearance()
    {
        var cleared = await api.ClientAsync(Roles.RecordsOfficer, clearedForSecret: true);
        var secretDossier = await CreateDossierAsync(cleared, "16-MAT", access: "03");
        var publicDossier = await CreateDossierAsync(cleared, "17-VP");
        var id = (await CreateDocumentAsync(cleared, publicDossier, "Văn bản mật đặc biệt", access: "03")).GetProperty("id").GetString()!;
        (await cleared.GetAsync($"/api/v1/documents/{id}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await cleared.GetAsync($"/api/v1/dossiers/{secretDossier}")).StatusCode.ShouldBe(HttpStatusCode.OK);

        foreach (var role in new[] { Roles.RecordsOfficer, Roles.Auditor, Roles.Admin })
        {
            var uncleared = await api.ClientAsync(role);
            await (await uncleared.GetAsync($"/api/v1/documents/{id}")).ShouldBeProblemAsync(404);
            await (await uncleared.GetAsync($"/api/v1/documents/{id}/content")).ShouldBeProblemAsync(404);
            await (await uncleared.GetAsync($"/api/v1/dossiers/{secretDossier}")).ShouldBeProblemAsync(404);
        }
        await api.WaitForSearchAsync();
        var search = await (await api.ClientAsync(Roles.Auditor)).GetFromJsonAsync<JsonElement>("/api/v1/search?q=van ban mat dac biet");
        search.GetProperty("items").GetArrayLength().ShouldBe(0);
        var clearedSearch = await cleared.GetFromJsonAsync<JsonElement>("/api/v1/search?q=van ban mat dac biet");
        clearedSearch.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()).ShouldContain(id);
    }
}
