using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Archive.Api.Infrastructure.Auth;
using Archive.Api.Tests.Support;
using static Archive.Api.Tests.Support.Records;

namespace Archive.Api.Tests;

/// <summary>Search through the real projection daemon: records are written over HTTP, then found by text.</summary>
public class records_search(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static async Task<IReadOnlyList<string>> Ids(HttpClient client, string query) =>
        (await client.GetFromJsonAsync<JsonElement>("/api/v1/search?q=" + Uri.EscapeDataString(query)))
            .GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!).ToList();

    [Fact]
    public async Task text_without_diacritics_finds_vietnamese_records()
    {
        var client = await api.ClientAsync(Roles.RecordsOfficer);
        var dossier = await CreateDossierAsync(client, "30-VP", title: "Hồ sơ phê duyệt đề án chuyển đổi số");
        var id = (await CreateDocumentAsync(client, dossier, "Quyết định phê duyệt đề án chuyển đổi số")).GetProperty("id").GetString()!;
        await api.WaitForSearchAsync();
        var reader = await api.ClientAsync(Roles.ApiClient);
        (await Ids(reader, "quyet dinh phe duyet")).ShouldContain(id);
        (await Ids(reader, "chuyen doi so")).ShouldContain(dossier);
        (await Ids(reader, $"{dossier}.0000001")).ShouldContain(id);
    }

    [Fact]
    public async Task decomposed_text_is_found_by_a_precomposed_query()
    {
        var client = await api.ClientAsync(Roles.RecordsOfficer);
        var dossier = await CreateDossierAsync(client, "31-VP");
        var nfd = "Kế hoạch tuyển dụng viên chức".Normalize(NormalizationForm.FormD);
        var json = DocumentJson(dossier).Replace("Quyết định về việc ban hành quy chế", nfd);
        var created = await client.PostAsync("/api/v1/documents", ApiFixture.Json(json));
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        await api.WaitForSearchAsync();
        (await Ids(client, "Kế hoạch tuyển dụng".Normalize(NormalizationForm.FormC))).ShouldContain(id);
        (await Ids(client, "ke hoach tuyen dung")).ShouldContain(id);
    }

    [Fact]
    public async Task an_edit_is_reflected_in_search()
    {
        var client = await api.ClientAsync(Roles.RecordsOfficer);
        var dossier = await CreateDossierAsync(client, "32-VP");
        var id = (await CreateDocumentAsync(client, dossier, "Công văn về việc tổ chức hội nghị")).GetProperty("id").GetString()!;
        var r = await client.SendAsync(Put($"/api/v1/documents/{id}", DocumentJson(dossier, "Công văn về việc hoãn hội nghị"), "\"1\""));
        r.EnsureSuccessStatusCode();
        await api.WaitForSearchAsync();
        (await Ids(client, "hoan hoi nghi")).ShouldContain(id);
        (await Ids(client, "to chuc hoi nghi")).ShouldNotContain(id);
    }
}
