using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Archive.Api.Features.Records;
using Archive.Api.Infrastructure.Auth;
using Archive.Api.Infrastructure.Content;
using Archive.Api.Infrastructure.Problems;
using Archive.Api.Infrastructure.Signing;
using Archive.Domain.Common;
using Archive.Domain.Documents;
using Archive.EventStore;
using Signing.Validation;
using Archive.Api.Hosting.OpenApi;

namespace Archive.Api.Features.Verifications;

/// <summary>Configuration under <c>Archive:Validation</c>.</summary>
public sealed class ValidationSettings
{
    /// <summary>Folder of PEM files whose certificates are trust anchors. Read once at start-up.</summary>
    public string? TrustAnchorsFolder { get; set; }
    /// <summary>Fetch OCSP/CRL when a file carries no revocation data. Off by default: the archive may run air-gapped.</summary>
    public bool Online { get; set; }
    public long MaxFileBytes { get; set; } = 100L * 1024 * 1024;
}

/// <summary>
/// PAdES signature validation over HTTP. Roles:
/// <list type="bullet">
/// <item><c>POST /api/v1/verifications</c> (upload a PDF): legal, admin, records-officer, api-client. It reads nothing
/// from the archive, so any role that handles incoming documents may use it; auditors audit the archive, not uploads.</item>
/// <item><c>POST /api/v1/documents/{id}/verifications</c>: legal, admin, records-officer. It appends to the record,
/// so only roles that answer for the record's evidential value may do it.</item>
/// </list>
/// </summary>
public static class VerificationsApi
{
    private static readonly Dictionary<string, OperationDoc> Docs = new()
    {
        ["POST /api/v1/verifications"] = new("Kiểm tra chữ ký tệp PDF", "Verify a PDF's signatures",
            "Kiểm tra mọi chữ ký và dấu thời gian trong tệp PDF gửi lên (byte thô hoặc multipart/form-data) theo ETSI EN 319 102-1; không ghi gì vào kho. "
            + "Accept: application/json (mặc định), text/html hoặc application/pdf (báo cáo có chữ ký của cơ quan).",
            "Validates every signature and document timestamp of the uploaded PDF (raw bytes or multipart/form-data) per ETSI EN 319 102-1; stores nothing. "
            + "Accept: application/json (default), text/html or application/pdf (a report signed by the archive).")
            { Returns = typeof(ValidationReport), AlsoAs = ["text/html", PdfMediaType], Problems = [503], Upload = true },
        ["POST /api/v1/documents/{id}/verifications"] = new("Kiểm tra chữ ký của tài liệu", "Verify a document's signatures",
            "Kiểm tra chữ ký của phiên bản nội dung hiện tại và ghi kết quả (SHA-256 của báo cáo) vào tài liệu; X-Report-Sha256 trả về mã băm đó.",
            "Validates the current content version's signatures and records the outcome (the report's SHA-256) on the document; X-Report-Sha256 carries that hash.")
            { Returns = typeof(ValidationReport), AlsoAs = ["text/html", PdfMediaType], Problems = [409, 503] },
    };

    public const string PdfMediaType = "application/pdf";

    public static IEndpointRouteBuilder MapVerifications(this IEndpointRouteBuilder routes)
    {
        var settings = routes.ServiceProvider.GetRequiredService<IConfiguration>().GetSection("Archive:Validation").Get<ValidationSettings>() ?? new();
        var options = Options(settings);

        routes.MapPost("/api/v1/verifications", async Task<IResult> (HttpContext http, OrganizationSigning signing, CancellationToken ct) =>
        {
            var body = await ReadBoundedAsync((await UploadBody.OpenAsync(http.Request, ct)).Content, settings.MaxFileBytes, ct);
            if (body is null)
                return ApiProblems.Result(StatusCodes.Status413PayloadTooLarge, ApiProblems.TitleFor(413),
                    new Text($"Tệp lớn hơn giới hạn {settings.MaxFileBytes} byte.", $"The file is larger than the limit of {settings.MaxFileBytes} bytes."));
            if (!LooksLikePdf(body))
                return ApiProblems.Result(StatusCodes.Status415UnsupportedMediaType, ApiProblems.TitleFor(415),
                    new Text("Chỉ kiểm tra được chữ ký trong tệp PDF.", "Only PDF files can have their signatures verified."), "not-a-pdf");
            var report = await new PdfSignatureValidator().ValidateAsync(new MemoryStream(body, false), WithArchiveAnchors(options, signing), ct);
            return await RenderAsync(http, report, signing, ct);
        })
        .WithTags("Verifications")
        .RequireRoles(Roles.Legal, Roles.Admin, Roles.RecordsOfficer, Roles.ApiClient)
        // No .Accepts(): routing would answer a wrong Content-Type with its own 415 endpoint, which carries no roles and so
        // falls to the admin-only fallback policy (403 for everyone else). The body is sniffed for %PDF- instead.
        .Describe(Docs);

        routes.MapPost("/api/v1/documents/{id}/verifications", async Task<IResult> (string id, HttpContext http, RecordsRepository repo,
            IContentStore store, OrganizationSigning signing, TimeProvider clock, CancellationToken ct) =>
        {
            var (doc, version) = await repo.LoadDocumentAsync(id, ct);
            if (doc.Status == DocumentStatus.None || !RecordsHttp.MayRead(http.User, doc.Metadata?.AccessMode))
                return ApiProblems.NotFound(new Text("Không có tài liệu này.", "No such document."));
            var content = doc.CurrentContent;
            if (doc.Status == DocumentStatus.Destroyed || content is null)
                return RecordsHttp.Problem(DocumentDecider.Decide(new RecordSignatureVerification(0, "", "", "", "", 0), doc,
                    RecordsRepository.Context(http, clock)).Rejection!);
            await using var stream = await store.OpenReadAsync(content.Sha256, ct);
            if (stream is null) return ApiProblems.NotFound(new Text("Tệp nội dung bị thiếu trong kho.", "The content file is missing from the store."));
            var report = await new PdfSignatureValidator().ValidateAsync(stream, WithArchiveAnchors(options, signing), ct);
            var json = ReportRenderer.ToJson(report);
            var reportSha = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)));
            var decision = DocumentDecider.Decide(new RecordSignatureVerification(content.Version, content.Sha256, reportSha,
                report.DocumentIndication.ToString(), report.DocumentSubIndication.ToString(), report.Signatures.Count), doc, RecordsRepository.Context(http, clock));
            if (decision.IsRejected) return RecordsHttp.Problem(decision.Rejection!);
            try { await repo.AppendAsync(RecordsRepository.DocumentStream(id), ExpectedVersion.Exactly(version), decision.Events, http, null, ct); }
            catch (ConcurrencyException)
            {
                // A verification does not depend on the rest of the stream, so a concurrent append is not a conflict for the caller.
                await repo.AppendAsync(RecordsRepository.DocumentStream(id), ExpectedVersion.Any, decision.Events, http, null, ct);
            }
            http.Response.Headers["X-Report-Sha256"] = reportSha;
            // The JSON is returned byte for byte as hashed, so the caller can check the event's hash.
            return await RenderAsync(http, report, signing, ct, json);
        })
        .WithTags("Verifications")
        .RequireRoles(Roles.Legal, Roles.Admin, Roles.RecordsOfficer)
        .Describe(Docs);
        return routes;
    }

    private static async Task<IResult> RenderAsync(HttpContext http, ValidationReport report, OrganizationSigning signing, CancellationToken ct,
        string? json = null) =>
        Accepts(http, "text/html") ? Results.Content(ReportRenderer.ToHtml(report), "text/html; charset=utf-8")
        : Accepts(http, PdfMediaType) ? await SignedPdfReportAsync(http, report, signing, ct)
        : Results.Text(json ?? ReportRenderer.ToJson(report), "application/json; charset=utf-8");

    /// <summary>
    /// The PDF report signed by the archive's organization identity (invisible, so it covers no report text), so a
    /// report handed to a court can itself be checked. If it cannot be signed the caller gets a 503 problem, never an
    /// unsigned report that looks like a signed one.
    /// </summary>
    private static async Task<IResult> SignedPdfReportAsync(HttpContext http, ValidationReport report, OrganizationSigning signing, CancellationToken ct)
    {
        try
        {
            // B-LT when a TSA is configured; an identity without one (air-gapped) still signs the report, at B-B.
            var level = signing.HasTimestampAuthority ? Signing.PadesLevel.B_LT : Signing.PadesLevel.B_B;
            var signed = await signing.SignAsync(PdfReportRenderer.ToPdf(report), level, Signing.Appearance.CopyKind.None, ct, visible: false);
            return Results.File(signed.Pdf, PdfMediaType);
        }
        catch (Exception e) when (SigningProblems.IsSigningFailure(e)) { return SigningProblems.From(e, http); }
    }

    /// <summary>Documents the archive signed validate without extra configuration: its own anchors are trusted too.</summary>
    private static ValidationOptions WithArchiveAnchors(ValidationOptions options, OrganizationSigning signing)
    {
        try { return options with { TrustAnchors = [.. options.TrustAnchors, .. signing.TrustAnchors] }; }
        catch (Exception e) when (SigningProblems.IsSigningFailure(e)) { return options; }
    }

    private static bool Accepts(HttpContext http, string mediaType) =>
        http.Request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals(mediaType, StringComparison.OrdinalIgnoreCase));

    /// <summary>PDF readers accept the header anywhere in the first 1024 bytes, so the check does too.</summary>
    private static bool LooksLikePdf(byte[] body) =>
        body.AsSpan(0, Math.Min(body.Length, 1024)).IndexOf("%PDF-"u8) >= 0;

    private static async Task<byte[]?> ReadBoundedAsync(Stream body, long limit, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int n;
        while ((n = await body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + n > limit) return null;
            buffer.Write(chunk, 0, n);
        }
        return buffer.ToArray();
    }

    internal static ValidationOptions Options(ValidationSettings settings)
    {
        var anchors = new List<X509Certificate2>();
        if (!string.IsNullOrWhiteSpace(settings.TrustAnchorsFolder) && Directory.Exists(settings.TrustAnchorsFolder))
            foreach (var pem in Directory.EnumerateFiles(settings.TrustAnchorsFolder, "*.pem").Order(StringComparer.Ordinal))
            {
                var collection = new X509Certificate2Collection();
                collection.ImportFromPemFile(pem);
                anchors.AddRange(collection);
            }
        return new ValidationOptions
        {
            TrustAnchors = anchors,
            Revocation = settings.Online ? RevocationMode.Online : RevocationMode.Offline,
            MaxFileBytes = settings.MaxFileBytes,
        };
    }
}
