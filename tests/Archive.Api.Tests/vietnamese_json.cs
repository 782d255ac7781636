using Archive.Api.Infrastructure.Auth;
using Archive.Api.Tests.Support;
using static Archive.Api.Tests.Support.Records;

namespace Archive.Api.Tests;

/// <summary>JSON and JSON Lines answers carry Vietnamese as UTF-8 text, readable as sent, never as \uXXXX escapes.</summary>
public class vietnamese_json(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task a_json_answer_carries_vietnamese_as_utf8_text()
    {
        var officer = await api.CallerAsync(Roles.RecordsOfficer);
        var code = await CreateDossierAsync(officer.Client, "01-TV");
        var read = await officer.Scenario(s => s.Get.Url($"/api/v1/dossiers/{code}"));
        read.Context.Response.ContentType.ShouldBe("application/json; charset=utf-8");
        var raw = await read.ReadAsTextAsync();
        raw.ShouldContain("Hồ sơ kế hoạch công tác năm");
        raw.ShouldNotContain("\\u");
    }

    [Fact]
    public async Task a_problem_answer_carries_vietnamese_as_utf8_text()
    {
        var officer = await api.CallerAsync(Roles.RecordsOfficer);
        var problem = await officer.Scenario(s =>
        {
            s.Post.RawJson("""{"organId":"H29"}""").ToUrl("/api/v1/fonds");
            s.ProblemShouldBe(400);
        });
        var raw = await problem.ReadAsTextAsync();
        raw.ShouldContain("Dữ liệu không hợp lệ", Case.Insensitive);
        raw.ShouldNotContain("\\u");
    }

    [Fact]
    public async Task a_json_lines_export_carries_vietnamese_as_utf8_text()
    {
        var officer = await api.CallerAsync(Roles.RecordsOfficer);
        var code = await CreateDossierAsync(officer.Client, "02-TV");
        var edited = DossierJson(Organ, 2025, "02-TV", "Hồ sơ kế hoạch công tác năm 2025")
            .Replace("\"organId\"", "\"reason\":\"Sửa tiêu đề theo văn bản gốc\",\"organId\"");
        await officer.Scenario(s => { s.Put.RawJson(edited).ToUrl($"/api/v1/dossiers/{code}"); s.IfMatch("\"1\""); });

        var auditor = await api.CallerAsync(Roles.Auditor);
        var export = await auditor.Scenario(s => s.Get.Url($"/api/v1/audit/timeline?record={code}&format=jsonl"));
        export.Context.Response.ContentType!.ShouldStartWith("application/jsonl");
        var raw = await export.ReadAsTextAsync();
        raw.ShouldContain("Hồ sơ kế hoạch công tác năm 2025");
        raw.ShouldContain("Sửa tiêu đề theo văn bản gốc");
        raw.ShouldNotContain("\\u");
    }
}
