using Archive.Api.Features.Documents;
using Archive.Api.Features.Dossiers;
using Archive.Api.Features.Records;
using Archive.Api.Infrastructure.Problems;
using Archive.Domain.Retention;

namespace Archive.Api.Features.Retention;

/// <summary>
/// The general metadata edits (PUT dossier/document) carry the retention fields but not the schedule group, so they
/// cannot tell whether a shorter period is below the schedule (Luật Lưu trữ 2024 Điều 15). They may keep or raise the
/// period; shortening is refused with a pointer to <c>PUT …/retention</c>, which checks the schedule.
/// </summary>
public static class RetentionGuard
{
    public const string Code = "retention_shortening_needs_schedule";

    public static RouteHandlerBuilder GuardRetention(this RouteHandlerBuilder builder) => builder.AddEndpointFilter(async (ctx, next) =>
    {
        var http = ctx.HttpContext;
        var repo = http.RequestServices.GetRequiredService<RecordsRepository>();
        RetentionPeriod? current = null, requested = null;
        string? path = null;
        if (ctx.Arguments.OfType<DossierMetadataInput>().FirstOrDefault() is { } dossier && http.GetRouteValue("code") is string code)
        {
            current = (await repo.LoadDossierAsync(code, http.RequestAborted)).State.Retention;
            requested = Parse(dossier.RetentionCode, dossier.RetentionYears);
            path = $"{DossiersApi.Location(code)}/retention";
        }
        else if (ctx.Arguments.OfType<DocumentMetadataInput>().FirstOrDefault() is { } document && http.GetRouteValue("id") is string id)
        {
            current = (await repo.LoadDocumentAsync(id, http.RequestAborted)).State.Metadata?.GetRetention();
            requested = Parse(document.RetentionCode, document.RetentionYears);
            path = $"/api/v1/documents/{id}/retention";
        }
        if (current is not null && requested is not null && requested < current)
            return ApiProblems.Conflict(new Text(
                $"Không rút ngắn thời hạn bảo quản ({current.DisplayVi} → {requested.DisplayVi}) qua sửa thông tin chung; dùng PUT {path} với nhóm trong bảng thời hạn bảo quản (Luật Lưu trữ 2024 Điều 15).",
                $"Retention cannot be shortened ({current.DisplayEn} → {requested.DisplayEn}) through a general edit; use PUT {path} with the retention-schedule group (Archives Law 2024 art. 15)."),
                Code);
        return await next(ctx);
    });

    // Invalid input is left to the handler, which reports every field.
    private static RetentionPeriod? Parse(string? code, int? years) => code is null ? null : RetentionPeriod.FromCode("retentionCode", code, years).Period;
}
