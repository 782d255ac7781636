using Archive.Api.Features.Records;
using Archive.Api.Infrastructure.Problems;
using Archive.Domain.Common;
using Archive.Domain.Dossiers;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Archive.Api.Features.Disposition;

/// <summary>HTTP answers that belong to disposition: the destruction block (409 with every blocked record) and 410 Gone with the residual.</summary>
public static class DispositionHttp
{
    /// <summary>Reads of a destroyed record: 410 Gone, with what remains (MoReq2010 residual entity).</summary>
    public static ProblemHttpResult Gone(string kind, DestructionResidual r)
    {
        var p = ApiProblems.Details(StatusCodes.Status410Gone, new Text("Đã hủy", "Gone"),
            new Text($"{r.RecordCode} đã bị hủy ngày {r.DestroyedOn:dd/MM/yyyy} theo quyết định số {r.DecisionNumber} ngày {r.DecisionDate:dd/MM/yyyy}; chỉ còn thông tin tồn dư.",
                $"{r.RecordCode} was destroyed on {r.DestroyedOn:yyyy-MM-dd} under decision {r.DecisionNumber} of {r.DecisionDate:yyyy-MM-dd}; only its residual remains."),
            "destroyed");
        p.Type = "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.11";
        p.Extensions["residual"] = new
        {
            kind, recordCode = r.RecordCode, decisionNumber = r.DecisionNumber, decisionDate = r.DecisionDate, destroyedOn = r.DestroyedOn,
            executedBy = r.ExecutedBy, contentSha256s = r.ContentSha256s,
        };
        return TypedResults.Problem(p);
    }

    /// <summary>A rejection as problem+json; the destruction block keeps its per-record reasons as field errors.</summary>
    public static ProblemHttpResult Problem(Rejection rejection)
    {
        if (rejection.Code != RejectionCodes.DestructionBlocked) return RecordsHttp.Problem(rejection);
        var p = ApiProblems.Details(409, new Text("Không được hủy", "Destruction refused"), new Text(rejection.ReasonVi, rejection.ReasonEn), rejection.Code);
        p.Extensions["errors"] = rejection.Errors.Select(e => new Infrastructure.Problems.FieldError(e.Field, e.Code, e.MessageVi, e.MessageEn)).ToList();
        return TypedResults.Problem(p);
    }
}
