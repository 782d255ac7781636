using Archive.Api.Features.Disposition;
using Archive.Api.Features.Records;
using Archive.Domain.Common;

namespace Archive.Api.Features.Holds;

/// <summary>
/// A hold on a dossier freezes the documents filed in it too (NĐ 30/2020 Phụ lục VI IV.1.g locks "sets of documents,
/// dossiers or groups"). The document decider only knows the document's own holds, so document edits and uploads
/// ask here first; runs before the body is read, so a refused upload stores nothing.
/// </summary>
public static class HoldGuard
{
    public static RouteHandlerBuilder GuardDossierHolds(this RouteHandlerBuilder builder) => builder.AddEndpointFilter(async (ctx, next) =>
    {
        var http = ctx.HttpContext;
        if (http.GetRouteValue("id") is string id)
        {
            var repo = http.RequestServices.GetRequiredService<RecordsRepository>();
            var (document, _) = await repo.LoadDocumentAsync(id, http.RequestAborted);
            // Unknown or unreadable documents are the handler's 404; a secret dossier's code is not named.
            if (document.Metadata is not null && RecordsHttp.MayRead(http.User, document.Metadata.AccessMode)
                && (await http.RequestServices.GetRequiredService<DispositionStore>().DossiersOfAsync(id, http.RequestAborted))
                    .FirstOrDefault(d => d.IsHeld) is { } held)
            {
                var name = RecordsHttp.MayRead(http.User, held.Metadata?.AccessMode) ? held.Code : "";
                return RecordsHttp.Problem(new Rejection(RejectionCodes.UnderHold,
                    $"Tài liệu {id} thuộc hồ sơ {name} đang bị phong tỏa; không được sửa hoặc thêm tệp cho đến khi gỡ hết.".Replace("  ", " "),
                    $"Document {id} is filed in dossier {name} which is under hold; it cannot be edited or given new content until every hold is lifted.".Replace("  ", " ")));
            }
        }
        return await next(ctx);
    });
}
