using System.Security.Cryptography;
using Archive.Api.Features.Records;
using Archive.Api.Infrastructure.Access;
using Archive.Api.Infrastructure.Auth;
using Archive.Api.Infrastructure.Concurrency;
using Archive.Api.Infrastructure.Idempotency;
using Archive.Api.Infrastructure.Problems;
using Archive.Api.Infrastructure.Signing;
using Archive.Domain.Documents;
using Archive.EventStore;
using Signing;
using Signing.Appearance;
using Archive.Api.Hosting.OpenApi;
using System.ComponentModel.DataAnnotations;

namespace Archive.Api.Features.Signatures;

/// <summary>
/// Body of <c>POST /documents/{id}/signatures</c>: level B-T, B-LT or B-LTA (default: <c>Archive:Signing:Level</c> if set, else
/// B-LTA for digitized documents and B-LT for others).
/// </summary>
public sealed record SignDocumentRequest(string? Level, string? Reason);

public sealed record DocumentSignatureResponse(int Version, string Sha256, long SizeBytes, int SourceVersion, string SourceSha256, string Level,
    string CertificateSha256, string CertificateSubject, string SignatureSha256, DateTimeOffset SigningTime, DateTimeOffset? TimestampTime,
    DateTimeOffset? TimestampValidUntil, long DocumentVersion);

/// <summary>
/// Body of <c>POST /documents/{id}/copies</c>: kind sao-y | sao-luc | trich-sao, the purpose, and optionally a content version
/// (default current). A version the archive signed is copied from the unsigned content it was made from.
/// </summary>
public sealed record CopyRequest([property: Required] string? Kind, [property: Required] string? Purpose, int? Version);

/// <summary>
/// The organization's signature on archived documents (<c>document.signed.v1</c>) and authenticated copies
/// (bản sao có xác thực, <c>copy.issued.v1</c>). Signing appends to the record, so records officers and admins do it;
/// copies are asked for by API clients, legal staff, records officers and admins. Auditors change nothing.
/// </summary>
public static class SignaturesApi
{
    private static readonly Dictionary<string, OperationDoc> Docs = new()
    {
        ["POST /api/v1/documents/{id}/signatures"] = new("Ký số tài liệu", "Sign a document",
            "Ký số bản quét bằng chữ ký của cơ quan (PAdES; tài liệu số hóa mặc định B-LTA; level và reason tùy chọn). Tệp đã ký là phiên bản nội dung mới.",
            "Signs the scan with the organisation's signature (PAdES; digitised documents default to B-LTA; level and reason optional). The signed file is a new content version.")
            { Status = 201, Returns = typeof(DocumentSignatureResponse), Problems = [409, 503], Example = """{"reason":"Ký số bản số hóa"}""" },
        ["POST /api/v1/documents/{id}/copies"] = new("Cấp bản sao có xác thực", "Issue an authenticated copy",
            "Bản sao y, sao lục hoặc trích sao có chữ ký của cơ quan (kind, purpose bắt buộc; version tùy chọn); X-Copy-Sha256 là mã băm của đúng các byte trả về.",
            "A sao-y, sao-luc or trich-sao copy signed by the archive (kind and purpose required; version optional); X-Copy-Sha256 is the hash of exactly the bytes returned.")
            { ContentType = "application/pdf", Problems = [409, 503], Example = """{"kind":"sao-y","purpose":"Cung cấp cho Tòa án nhân dân tỉnh"}""" },
    };

    public static IEndpointRouteBuilder MapSignatures(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/documents/{id}").WithTags("Signatures").Describe(Docs);

        group.MapPost("/signatures", async Task<IResult> (string id, SignDocumentRequest? body, HttpContext http, RecordsRepository repo,
            OrganizationSigning signing, SignedContentWriter writer, TimeProvider clock, CancellationToken ct) =>
        {
            var (doc, version) = await repo.LoadDocumentAsync(id, ct);
            if (doc.Status == DocumentStatus.None || !RecordsHttp.MayRead(http.User, doc.Metadata?.AccessMode)) return NotFound();
            var context = RecordsRepository.Context(http, clock);
            var source = doc.CurrentContent;
            if (source is null && doc.Status == DocumentStatus.Registered)
                return ApiProblems.Conflict(new Text("Tài liệu chưa có tệp nội dung để ký.", "The document has no content to sign."), DocumentSigningRules.NotSignable);
            var level = (body?.Level ?? signing.Settings.Level)?.Trim().ToUpperInvariant()
                ?? (doc.Metadata is null ? SignatureLevels.BLT : SignatureLevels.DefaultFor(doc.Metadata));
            // Decide first with the facts still unknown, so a refused signing costs no timestamp and stores no blob.
            SignDocumentContent Command(ContentFacts f, SignResult? r = null, DateTimeOffset? until = null) => new(source?.Version ?? 0, source?.Sha256 ?? "", f, level,
                r?.SignerCertificateSha256.ToLowerInvariant() ?? "", r?.SignerSubject ?? "", r?.SignatureSha256.ToLowerInvariant() ?? "",
                r?.SigningTime ?? context.Now, r?.TimestampTime, until);
            var precheck = DocumentDecider.Decide(Command(new ContentFacts("", 0, "", "")), doc, context);
            if (precheck.IsRejected) return RecordsHttp.Problem(precheck.Rejection!);

            var bytes = await writer.ReadAsync(source!.Sha256, ct);
            if (bytes is null) return ApiProblems.NotFound(new Text("Tệp nội dung bị thiếu trong kho.", "The content file is missing from the store."));
            OrganizationSignature signed;
            try { signed = await signing.SignAsync(bytes, ToPades(level), CopyKind.None, ct); }
            catch (Exception e) when (SigningProblems.IsSigningFailure(e)) { return SigningProblems.From(e, http); }

            SignedContentOutcome outcome;
            try
            {
                outcome = await writer.StoreAsync(id, doc, version, signed.Pdf, SignedContentWriter.SignedFileName(source.FileName),
                    f => Command(f, signed.Result, signed.TimestampValidUntil), context, RecordsRepository.MetadataFor(http, body?.Reason), ct, http);
            }
            catch (ConcurrencyException e) { return ETags.Stale(http, e.ActualVersion < 0 ? version : e.ActualVersion); }
            if (outcome.Decision.IsRejected) return RecordsHttp.Problem(outcome.Decision.Rejection!);
            var e1 = outcome.Decision.Events.OfType<DocumentSigned>().Single();
            var added = outcome.Decision.Events.OfType<ContentVersionAdded>().Single();
            http.Response.SetETag(outcome.Appended!.NextExpectedVersion);
            return TypedResults.Created($"/api/v1/documents/{id}/content?version={e1.Version}", new DocumentSignatureResponse(e1.Version, e1.Sha256,
                added.SizeBytes, e1.SourceVersion, e1.SourceSha256, e1.Level, e1.CertificateSha256, e1.CertificateSubject, e1.SignatureSha256,
                e1.SigningTime, e1.TimestampTime, e1.TimestampValidUntil, outcome.Appended.NextExpectedVersion));
        })
        .Idempotent()
        .RequireAuthorization(Policies.RecordsWriters)
;

        group.MapPost("/copies", async Task<IResult> (string id, CopyRequest? body, HttpContext http, RecordsRepository repo,
            OrganizationSigning signing, SignedContentWriter writer, AccessLog log, TimeProvider clock, CancellationToken ct) =>
        {
            var (doc, _) = await repo.LoadDocumentAsync(id, ct);
            if (doc.Status == DocumentStatus.None || !RecordsHttp.MayRead(http.User, doc.Metadata?.AccessMode)) return NotFound();
            var context = RecordsRepository.Context(http, clock);
            var kind = body?.Kind?.Trim().ToLowerInvariant() ?? "";
            var chosen = body?.Version is { } v ? doc.Contents.FirstOrDefault(c => c.Version == v) : doc.CurrentContent;
            var source = chosen is null ? null : doc.Contents.First(c => c.Version == DocumentSigningRules.UnsignedSourceOf(doc, chosen.Version));
            IssueCopy Command(string sha = "", long size = 0, string cert = "") =>
                new(kind, body?.Purpose ?? "", source?.Version ?? body?.Version ?? 0, source?.Sha256 ?? "", sha, size, cert);
            var precheck = DocumentDecider.Decide(Command(), doc, context);
            if (precheck.IsRejected) return RecordsHttp.Problem(precheck.Rejection!);

            var bytes = await writer.ReadAsync(source!.Sha256, ct);
            if (bytes is null) return ApiProblems.NotFound(new Text("Tệp nội dung bị thiếu trong kho.", "The content file is missing from the store."));
            OrganizationSignature signed;
            // B-LT: the copy carries its own validation data, so any reader can check it offline and later.
            try { signed = await signing.SignAsync(bytes, PadesLevel.B_LT, ToCopyKind(kind), ct); }
            catch (Exception e) when (SigningProblems.IsSigningFailure(e)) { return SigningProblems.From(e, http); }

            var sha = Convert.ToHexStringLower(SHA256.HashData(signed.Pdf));
            var decision = DocumentDecider.Decide(Command(sha, signed.Pdf.LongLength, signed.Result.SignerCertificateSha256.ToLowerInvariant()), doc, context);
            if (decision.IsRejected) return RecordsHttp.Problem(decision.Rejection!);
            // A copy depends on nothing else in the stream, so it appends whatever happened meanwhile; the record of issue
            // is written before a single byte is handed out.
            await repo.AppendAsync(RecordsRepository.DocumentStream(id), ExpectedVersion.Any, decision.Events, http, body?.Purpose, ct);
            await log.RecordAsync(http, AccessActions.Download, "document", id, 200, ct);
            http.Response.Headers["X-Copy-Sha256"] = sha;
            return Results.File(signed.Pdf, "application/pdf", $"{kind}-{id}-v{source.Version}.pdf");
        })
        // A retried copy request gets the same signed bytes back, not a second issue.
        .Idempotent()
        .RequireRoles(Roles.ApiClient, Roles.Legal, Roles.RecordsOfficer, Roles.Admin)
;

        return routes;
    }

    public static PadesLevel ToPades(string level) => level switch
    {
        SignatureLevels.BT => PadesLevel.B_T,
        SignatureLevels.BLTA => PadesLevel.B_LTA,
        _ => PadesLevel.B_LT,
    };

    private static CopyKind ToCopyKind(string kind) => kind switch
    {
        CopyKinds.SaoLuc => CopyKind.SaoLuc,
        CopyKinds.TrichSao => CopyKind.TrichSao,
        _ => CopyKind.SaoY,
    };

    private static IResult NotFound() => ApiProblems.NotFound(new Text("Không có tài liệu này.", "No such document."));
}
