using System.Security.Claims;
using Archive.Domain.CodeLists;
using Microsoft.AspNetCore.Components;

namespace Archive.Api.Web.Components;

/// <summary>
/// Base of every page (rendered on the server, static): the request, the person, and the chosen language.
/// UI text is written in Vietnamese and English side by side at the place it is shown: <c>T("Hồ sơ", "Dossier")</c>.
/// </summary>
public abstract class WebPage : ComponentBase
{
    [CascadingParameter] public HttpContext Http { get; set; } = default!;
    [Inject] public NavigationManager Nav { get; set; } = default!;

    protected bool En => WebLanguage.IsEnglish(Http);
    protected string T(string vi, string en) => En ? en : vi;
    protected ClaimsPrincipal Person => Http.User;
    protected string PersonName => Person.FindFirstValue(ClaimTypes.Name) ?? "";
    protected string PersonRole => Person.FindFirstValue(ClaimTypes.Role) ?? "";
    protected CancellationToken Ct => Http.RequestAborted;
    protected bool InRole(params string[] roles) => roles.Any(Person.IsInRole);
    protected bool IsPost => HttpMethods.IsPost(Http.Request.Method);
    protected string Form(string name) => Http.Request.HasFormContentType ? Http.Request.Form[name].ToString().Trim() : "";
    protected string Name(CodeEntry e) => En ? e.NameEn : e.NameVi;
    protected string Name(CodeList l) => En ? l.NameEn : l.NameVi;
    protected string CodeName(CodeList l, string? code) => l.Entries.FirstOrDefault(e => e.Code == code) is { } e ? $"{code} – {Name(e)}" : code ?? "";
    protected string RoleName(string role) => WebText.Role(role, En);
    protected static string Esc(string s) => Uri.EscapeDataString(s);
}

public static class WebText
{
    public static string Role(string role, bool en) => role switch
    {
        Archive.Api.Infrastructure.Auth.Roles.RecordsOfficer => en ? "Records officer" : "Văn thư – lưu trữ",
        Archive.Api.Infrastructure.Auth.Roles.Legal => en ? "Legal staff" : "Pháp chế",
        Archive.Api.Infrastructure.Auth.Roles.Auditor => en ? "Auditor" : "Kiểm tra – thanh tra",
        Archive.Api.Infrastructure.Auth.Roles.ApiClient => en ? "API client" : "Ứng dụng kết nối",
        Archive.Api.Infrastructure.Auth.Roles.Admin => en ? "Administrator" : "Quản trị",
        _ => role,
    };
}
