using Archive.Api.Features.Dossiers;
using Archive.Api.Features.Records;
using Archive.Api.Features.Retention;
using Archive.Api.Features.Holds;
using Archive.Api.Infrastructure.Access;
using Archive.Api.Infrastructure.Auth;
using Archive.Api.Infrastructure.Concurrency;
using Archive.Api.Infrastructure.Content;
using Archive.Api.Infrastructure.Idempotency;
using Archive.Api.Infrastructure.Problems;
using Archive.Domain.Common;
using Archive.Domain.Documents;
using Archive.Domain.Dossiers;
using Archive.EventStore;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Archive.Api.Hosting.OpenApi;

namespace Archive.Api.Features.Documents;

public record DocumentMetadataInput
{
    public string? TypeCode { get; init; }
    public string? CodeNumber { get; init; }
    public string? CodeNotation { get; init; }
    public DateOnly? IssuedDate { get; init; }
    public string? Issuer { get; init; }
    public string? Subject { get; init; }
    public IReadOnlyList<string>? Languages { get; init; }
    public int? PageCount { get; init; }
    public string? SignerPosition { get; init; }
    public string? SignerName { get; init; }
    public string? AccessMode { get; init; }
    public string? Keywords { get; init; }
    public string? InformationCode { get; init; }
    public string? ConfidenceLevel { get; init; }
    public string? PhysicalCondition { get; init; }
    public string? Autograph { get; init; }
    public string? Note { get; init; }
    /// <summary>Defaults to the dossier's retention on creation.</summary>
    public string? RetentionCode { get; init; }
    public int? RetentionYears { get; init; }
    public string? Reason { get; init; }

    public DocumentMetadata ToMetadata(string? defaultRetentionCode = null, int? defaultRetentionYears = null) => new()
    {
        TypeCode = TypeCode ?? "", CodeNumber = CodeNumber, CodeNotation = CodeNotation, IssuedDate = IssuedDate ?? default,
        Issuer = Issuer?.Trim() ?? "", Subject = Subject?.Trim() ?? "", Languages = Languages ?? [], PageCount = PageCount,
        SignerPosition = SignerPosition, SignerName = SignerName, AccessMode = AccessMode ?? "", Keywords = Keywords,
        InformationCode = InformationCode, ConfidenceLevel = ConfidenceLevel ?? "", PhysicalCondition = PhysicalCondition,
        Autograph = Autograph, Note = Note,
        RetentionCode = RetentionCode ?? defaultRetentionCode ?? "",
        RetentionYears = RetentionCode is null ? defaultRetentionYears : RetentionYears,
    };
}

public sealed record CreateDocumentRequest : DocumentMetadataInput
{
    public string? DossierCode { get; init; }
}

public sealed record FileDocumentRequest(string? DossierCode, string? Reason);

public sealed record ContentResponse(int Version, string Sha256, long SizeBytes, string MediaType, string FileName, IReadOnlyList<Archive.Domain.Documents.DigitizationWarning> Warnings);

/// <summary>The content version an upload added; a scan of a digitized record also names its digitization job.</summary>
public sealed record ContentAddedResponse(int Version, string Sha256, long SizeBytes, string MediaType, string FileName, int? PdfPageCount,
    string? PdfVersion, string? PdfAConformance, int? ImageDpi, bool? IsColour, bool IsScan, IReadOnlyList<Archive.Domain.Documents.DigitizationWarning> Warnings,
    long DocumentVersion, string? DigitizationJobId = null);

public sealed record DocumentResponse(string Id, string Status, DocumentMetadata? Metadata, IReadOnlyList<Filing> Filings,
    IReadOnlyList<ContentResponse> Contents, IReadOnlyList<AlertResponse> AccessAlerts, IReadOnlyList<FieldChange>? Changes, long Version)
{
    /// <summary>Warnings about the description itself (kept, not refused): an issued date after today (Vietnam time).</summary>
    public IReadOnlyList<Archive.Domain.Documents.DigitizationWarning> Warnings =>
        Metadata?.IssuedDate is { } issued && issued > DateOnly.FromDateTime(DateTime.UtcNow.AddHours(7))
            ? [new("issued_date_in_future", $"Ngày ban hành {issued:yyyy-MM-dd} ở tương lai.", $"The issued date {issued:yyyy-MM-dd} is in the future.")]
            : [];
}

public sealed record AccessAlertListItem(string Kind, string RecordId, int AlertNumber, string RecordCode, string? OldMode, string? NewMode,
    string ChangedBy, DateTimeOffset RaisedAt, string? ConfirmedBy, DateTimeOffset? ConfirmedAt, string ConfirmUrl);

public static class DocumentsApi
{
    private static readonly Dictionary<string, OperationDoc> Docs = new()
    {
        ["POST /api/v1/documents"] = new("Tạo tài liệu", "Create a document",
            "Đăng ký tài liệu và xếp vào hồ sơ (cùng một giao dịch); hồ sơ đánh số tài liệu (mã hồ sơ.0000001).",
            "Registers a document and files it into its dossier in one transaction; the dossier numbers it (dossier code.0000001).")
            { Status = 201, Returns = typeof(DocumentResponse), Problems = [409], Example = """
                {"dossierCode":"000.00.00.H29.2025.02-VP","typeCode":"02","codeNumber":"12","codeNotation":"QĐ-UBND","issuedDate":"2025-03-04",
                 "issuer":"UBND tỉnh","subject":"Quyết định ban hành quy chế làm việc","languages":["01"],"pageCount":1,"accessMode":"01","confidenceLevel":"02"}
                """ },
        ["GET /api/v1/documents"] = new("Danh sách tài liệu", "List documents",
            "Tài liệu người gọi được xem, lọc theo phông, hồ sơ, năm, loại văn bản, trạng thái, chế độ sử dụng; phân trang bằng con trỏ, thứ tự ổn định.",
            "Documents the caller may see, filtered by fonds, dossier, year, document type, status and access regime; keyset paging by cursor in a stable order.")
            { Returns = typeof(DocumentPage) },
        ["POST /api/v1/documents/{id}/filings"] = new("Xếp tài liệu vào hồ sơ khác", "File into another dossier",
            "Xếp tài liệu đã có vào một hồ sơ khác: mã tài liệu mới, không sao chép nội dung.",
            "Files an existing document into another dossier: a new document code, no copy of the document or its content.")
            { Status = 201, Returns = typeof(DocumentResponse), Problems = [409] },
        ["GET /api/v1/documents/{id}"] = new("Xem tài liệu", "Get a document",
            "Tài liệu, các lần xếp hồ sơ và các phiên bản nội dung; ETag là phiên bản. Tài liệu đã hủy trả 410.",
            "The document, its filings and content versions; the ETag is its version. A destroyed document answers 410.")
            { LogsPurpose = true, Returns = typeof(DocumentResponse), Problems = [410] },
        ["PUT /api/v1/documents/{id}"] = new("Sửa tài liệu", "Edit a document",
            "Thay thông tin mô tả; cần If-Match. Trả lại các trường đã đổi.", "Replaces the descriptive metadata; needs If-Match. Returns the changed fields.")
            { Returns = typeof(DocumentResponse), Problems = [409] },
        ["POST /api/v1/documents/{id}/access-alerts/{number}/confirm"] = new("Xác nhận đổi chế độ sử dụng", "Confirm an access change",
            "Người thứ hai xác nhận cảnh báo đổi chế độ sử dụng của tài liệu.", "A second person confirms the document's access-regime change alert.")
            { Returns = typeof(DocumentResponse), Problems = [409, 412] },
        ["POST /api/v1/documents/{id}/content"] = new("Tải lên tệp nội dung", "Upload content",
            "Tải lên bản quét (PDF, JPEG, PNG, TIFF) dạng byte thô hoặc multipart/form-data; kiểu nhận dạng từ byte; ghi thông tin PDF và cảnh báo số hóa.",
            "Uploads a scan (PDF, JPEG, PNG, TIFF) as raw bytes or multipart/form-data; the type is recognised from the bytes; PDF facts and digitisation warnings are recorded.")
            { Status = 201, Returns = typeof(ContentAddedResponse), Problems = [409, 412], Upload = true },
        ["GET /api/v1/documents/{id}/content"] = new("Tải xuống tệp nội dung", "Download content",
            "Đúng các byte đã lưu (version tùy chọn); ETag là SHA-256, hỗ trợ Range; lần tải và mục đích được ghi nhật ký.",
            "The exact stored bytes (optional version); the ETag is the SHA-256, Range is supported; the download and its purpose are logged.")
            { LogsPurpose = true, ContentType = "application/pdf", AlsoAs = ["image/jpeg", "image/png", "image/tiff"], AlsoReturns = [206, 304], Problems = [410] },
        ["GET /api/v1/access-alerts"] = new("Cảnh báo đổi chế độ sử dụng", "Access-change alerts",
            "Cảnh báo đổi chế độ sử dụng của hồ sơ và tài liệu người gọi được xem (open=true: chưa xác nhận).",
            "Access-regime change alerts of the dossiers and documents the caller may see (open=true: unconfirmed only).")
            { Returns = typeof(List<AccessAlertListItem>) },
    };

    private const int Retries = 3;

    public static IEndpointRouteBuilder MapDocuments(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/documents").WithTags("Documents").Describe(Docs);

        // Register the document in its own stream, then file it into the dossier, which numbers it.
        group.MapPost("/", async Task<IResult> (CreateDocumentRequest body, HttpContext http, RecordsRepository repo, TimeProvider clock, CancellationToken ct) =>
        {
            var context = RecordsRepository.Context(http, clock);
            var dossierCode = body.DossierCode?.Trim() ?? "";
            var (dossier, dossierVersion) = dossierCode.Length == 0 ? (DossierState.Initial, 0L) : await repo.LoadDossierAsync(dossierCode, ct);
            var extra = new List<Domain.Common.FieldError>();
            if (dossierCode.Length == 0) extra.Add(RecordsHttp.Required("dossierCode"));
            else if (dossier.Status == DossierStatus.None || !RecordsHttp.MayRead(http.User, dossier.Metadata?.AccessMode))
                extra.Add(new("dossierCode", "not_found", $"Không có hồ sơ {dossierCode}.", $"There is no dossier {dossierCode}."));
            if (body.IssuedDate is null) extra.Add(RecordsHttp.Required("issuedDate"));

            var id = Guid.NewGuid().ToString("N");
            var metadata = body.ToMetadata(dossier.Metadata?.RetentionCode, dossier.Metadata?.RetentionYears);
            var register = DocumentDecider.Decide(new RegisterDocument(id, metadata), DocumentState.Initial, context);
            var errors = (register.Rejection?.Code == RejectionCodes.ValidationFailed ? register.Rejection.Errors : []).Concat(extra).ToList();
            if (errors.Count > 0) return RecordsHttp.Validation(errors);
            if (register.IsRejected) return RecordsHttp.Problem(register.Rejection!);
            var file = new FileDocument(id, null, metadata.GetRetention(), metadata.PageCount ?? 0);
            var filing = DossierDecider.Decide(file, dossier, context);
            if (filing.IsRejected) return RecordsHttp.Problem(filing.Rejection!);

            // The document's registration and its filing commit together: no document without its dossier.
            AppendResult result;
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    result = (await repo.AppendTogetherAsync([
                        (RecordsRepository.DocumentStream(id), ExpectedVersion.NoStream, register.Events),
                        (RecordsRepository.DossierStream(dossierCode), ExpectedVersion.Exactly(dossierVersion), filing.Events)],
                        http, body.Reason, ct))[0];
                    break;
                }
                catch (ConcurrencyException e) when (attempt < Retries && e.StreamId == RecordsRepository.DossierStream(dossierCode))
                {
                    (dossier, dossierVersion) = await repo.LoadDossierAsync(dossierCode, ct);
                    filing = DossierDecider.Decide(file, dossier, context);
                    if (filing.IsRejected) return RecordsHttp.Problem(filing.Rejection!); // e.g. closed meanwhile
                }
            }
            var state = DocumentDecider.Fold(register.Events);
            http.Response.SetETag(result.NextExpectedVersion);
            return TypedResults.Created($"/api/v1/documents/{id}", await ToResponseAsync(repo, state, result.NextExpectedVersion, null, ct, http));
        }).Idempotent().RequireAuthorization(Policies.RecordsWriters);

        group.MapGet("/", async Task<IResult> (string? organId, string? dossierCode, int? year, string? type, string? status, string? access,
            string? cursor, int? limit, HttpContext http, Npgsql.NpgsqlDataSource db, CancellationToken ct) =>
        {
            var v = RecordListHttp.Validate(year, access, cursor, limit).OneOf("status", status, ["registered"]);
            if (v.HasErrors) return v.ToResult();
            return TypedResults.Ok(await RecordList.DocumentsAsync(db, http.User, new DocumentListFilter(organId, dossierCode, year, type, status, access),
                cursor, limit ?? RecordListHttp.DefaultPageSize, ct));
        }).RequireAuthorization(Policies.AnyRole);

        // File an existing document into another dossier: a new document code, no copy of the document or its content.
        group.MapPost("/{id}/filings", async Task<IResult> (string id, FileDocumentRequest body, HttpContext http, RecordsRepository repo, TimeProvider clock, CancellationToken ct) =>
        {
            var (doc, version) = await repo.LoadDocumentAsync(id, ct);
            if (doc.Status != DocumentStatus.Registered || !RecordsHttp.MayRead(http.User, doc.Metadata?.AccessMode)) return NotFound();
            var code = body.DossierCode?.Trim() ?? "";
            if (code.Length == 0) return RecordsHttp.Validation([RecordsHttp.Required("dossierCode")]);
            var (dossier, dossierVersion) = await repo.LoadDossierAsync(code, ct);
            if (dossier.Status == DossierStatus.None || !RecordsHttp.MayRead(http.User, dossier.Metadata?.AccessMode))
                return RecordsHttp.Validation([new("dossierCode", "not_found", $"Không có hồ sơ {code}.", $"There is no dossier {code}.")]);
            var context = RecordsRepository.Context(http, clock);
            var file = new FileDocument(id, doc.CurrentContent?.Sha256, doc.Metadata!.GetRetention(), doc.Metadata.PageCount ?? 0);
            var decision = DossierDecider.Decide(file, dossier, context);
            if (decision.IsRejected) return RecordsHttp.Problem(decision.Rejection!);
            var failed = await FileWithRetryAsync(repo, code, dossier, dossierVersion, decision, file, http, context, body.Reason, ct);
            if (failed is not null) return failed;
            http.Response.SetETag(version);
            return TypedResults.Created($"/api/v1/documents/{id}", await ToResponseAsync(repo, doc, version, null, ct, http));
        }).Idempotent().RequireAuthorization(Policies.RecordsWriters);

        group.MapGet("/{id}", async Task<IResult> (string id, HttpContext http, RecordsRepository repo, AccessLog log, CancellationToken ct) =>
        {
            var (doc, version) = await repo.LoadDocumentAsync(id, ct);
            if (doc.Residual is { } residual)
                return await Infrastructure.Access.RecordAccess.MaySeeResidualAsync(repo.Db, http.User, "document", id, ct)
                    ? Disposition.DispositionHttp.Gone("document", residual) : NotFound();
            if (doc.Status == DocumentStatus.None || !RecordsHttp.MayRead(http.User, doc.Metadata?.AccessMode)) return NotFound();
            await log.RecordAsync(http, AccessActions.View, "document", id, 200, ct);
            http.Response.SetETag(version);
            return TypedResults.Ok(await ToResponseAsync(repo, doc, version, null, ct));
        }).RequireAuthorization(Policies.AnyRole);

        group.MapPut("/{id}", async Task<IResult> (string id, DocumentMetadataInput body, HttpContext http, RecordsRepository repo, TimeProvider clock, CancellationToken ct) =>
        {
            var (doc, version) = await repo.LoadDocumentAsync(id, ct);
            if (doc.Status == DocumentStatus.None || !RecordsHttp.MayRead(http.User, doc.Metadata?.AccessMode)) return NotFound();
            if (http.ExpectedVersion() != version) return ETags.Stale(http, version);
            var extra = body.IssuedDate is null ? new List<Domain.Common.FieldError> { RecordsHttp.Required("issuedDate") } : [];
            var metadata = body.ToMetadata(doc.Metadata!.RetentionCode, doc.Metadata.RetentionYears);
            var decision = DocumentDecider.Decide(new ChangeDocumentMetadata(metadata), doc, RecordsRepository.Context(http, clock));
            var errors = (decision.Rejection?.Code == RejectionCodes.ValidationFailed ? decision.Rejection.Errors : []).Concat(extra).ToList();
            if (errors.Count > 0) return RecordsHttp.Validation(errors);
            if (decision.IsRejected) return RecordsHttp.Problem(decision.Rejection!);
            AppendResult result;
            try { result = await repo.AppendAsync(RecordsRepository.DocumentStream(id), ExpectedVersion.Exactly(version), decision.Events, http, body.Reason, ct); }
            catch (ConcurrencyException e) { return ETags.Stale(http, e.ActualVersion < 0 ? version : e.ActualVersion); }
            var previous = doc.Metadata.GetRetention();
            doc = decision.Events.Aggregate(doc, DocumentDecider.Evolve);
            if (doc.Metadata!.GetRetention() != previous)
                await ForwardRetentionAsync(repo, id, doc.Metadata.GetRetention(), http, clock, body.Reason, ct);
            http.Response.SetETag(result.NextExpectedVersion);
            return TypedResults.Ok(await ToResponseAsync(repo, doc, result.NextExpectedVersion,
                decision.Events.OfType<DocumentMetadataChanged>().First().Changes, ct));
        }).RequireIfMatch().GuardRetention().GuardDossierHolds().RequireAuthorization(Policies.RecordsWriters);

        group.MapPost("/{id}/access-alerts/{number:int}/confirm", async Task<IResult> (string id, int number, HttpContext http, RecordsRepository repo,
            TimeProvider clock, CancellationToken ct) =>
        {
            var (doc, version) = await repo.LoadDocumentAsync(id, ct);
            if (doc.Status == DocumentStatus.None || !RecordsHttp.MayRead(http.User, doc.Metadata?.AccessMode)) return NotFound();
            var decision = DocumentDecider.Decide(new ConfirmDocumentAccessChange(number), doc, RecordsRepository.Context(http, clock));
            if (decision.IsRejected) return RecordsHttp.Problem(decision.Rejection!);
            AppendResult result;
            try { result = await repo.AppendAsync(RecordsRepository.DocumentStream(id), ExpectedVersion.Exactly(version), decision.Events, http, null, ct); }
            catch (ConcurrencyException e) { return ETags.Stale(http, e.ActualVersion < 0 ? version : e.ActualVersion); }
            doc = decision.Events.Aggregate(doc, DocumentDecider.Evolve);
            http.Response.SetETag(result.NextExpectedVersion);
            return TypedResults.Ok(await ToResponseAsync(repo, doc, result.NextExpectedVersion, null, ct));
        }).RequireAuthorization(Policies.RecordsWriters);

        // Upload: the blob is stored (streamed, hashed, sniffed) BEFORE the event; a refused upload records nothing.
        group.MapPost("/{id}/content", async Task<IResult> (string id, string? fileName, bool? scan, HttpContext http, RecordsRepository repo,
            IContentStore store, ContentReferences references, IOptions<ContentStoreOptions> options, Digitization.DigitizationIntake intake,
            TimeProvider clock, CancellationToken ct) =>
        {
            var (doc, version) = await repo.LoadDocumentAsync(id, ct);
            if (doc.Status == DocumentStatus.None || !RecordsHttp.MayRead(http.User, doc.Metadata?.AccessMode)) return NotFound();
            if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
                limit.MaxRequestBodySize = options.Value.MaxBytes;
            var upload = await UploadBody.OpenAsync(http.Request, ct);
            var blob = await store.PutAsync(upload.Content, ct);
            PdfFacts? pdf = null;
            if (blob.MediaType == "application/pdf")
                await using (var s = await store.OpenReadAsync(blob.Sha256, ct)) pdf = PdfFactsReader.Read(s!, options.Value.MaxFactsBytes);
            // A PDF no parser can read is refused here, not at signing or copying (where it answered 500).
            if (pdf is { Readable: false, Error: { } why } && !why.StartsWith("too-large-for-facts", StringComparison.Ordinal))
            {
                if (!blob.AlreadyExisted) await store.DeleteAsync(blob.Sha256, CancellationToken.None);
                return ApiProblems.Result(422, ApiProblems.TitleFor(422), new Text(
                    $"Tệp PDF bị hỏng hoặc không đọc được ({why}); không lưu. Hãy quét hoặc xuất lại tệp.",
                    $"The PDF is damaged or cannot be read ({why}); nothing was stored. Scan or export the file again."), "pdf-unreadable");
            }
            var name = SafeFileName.From(!string.IsNullOrWhiteSpace(fileName) ? fileName
                : !string.IsNullOrWhiteSpace(upload.FileName) ? upload.FileName
                : http.Request.Headers.ContentDisposition.ToString() is { Length: > 0 } cd
                    && Microsoft.Net.Http.Headers.ContentDispositionHeaderValue.TryParse(cd, out var parsed)
                    && (parsed.FileNameStar.Value ?? parsed.FileName.Value) is { Length: > 0 } n ? n.Trim('"')
                : null, $"{id}{Extension(blob.MediaType)}");
            var facts = new ContentFacts(blob.Sha256, blob.Size, blob.MediaType, name, pdf?.PageCount, pdf?.Version, pdf?.PdfA, pdf?.MinImageDpi, pdf?.IsColor);
            var decision = DocumentDecider.Decide(new AddContentVersion(facts, scan), doc, RecordsRepository.Context(http, clock));
            if (decision.IsRejected) return RecordsHttp.Problem(decision.Rejection!);
            var wasReferenced = doc.Contents.Any(c => c.Sha256 == blob.Sha256);
            // Reference first: a crash after the append must never leave a recorded blob for the sweeper.
            await references.AddAsync(blob.Sha256, "document", id, ct, http);
            AppendResult result;
            string? digitizationJob;
            // A scan of a digitized or mixed record is queued for OCR, PDF/A and signature in the same transaction.
            try { (result, digitizationJob) = await intake.AppendUploadAsync(id, doc, version, decision, http, ct); }
            catch (ConcurrencyException e)
            {
                if (!wasReferenced) await references.RemoveAsync(blob.Sha256, "document", id, CancellationToken.None, http);
                return ETags.Stale(http, e.ActualVersion < 0 ? version : e.ActualVersion);
            }
            var added = decision.Events.OfType<ContentVersionAdded>().Single();
            http.Response.SetETag(result.NextExpectedVersion);
            return TypedResults.Created($"/api/v1/documents/{id}/content?version={added.Version}",
                new ContentAddedResponse(added.Version, added.Sha256, added.SizeBytes, added.MediaType, added.FileName, added.PdfPageCount,
                    added.PdfVersion, added.PdfAConformance, added.ImageDpi, added.IsColour, added.IsScan, added.Warnings, result.NextExpectedVersion,
                    digitizationJob));
        // No Accepts<> content-type constraint: the type is sniffed from the bytes (415 from the content store), and a
        // routing-level 415 endpoint would bypass this endpoint's role policy.
        }).Idempotent().GuardDossierHolds().RequireAuthorization(Policies.RecordsWriters);

        group.MapGet("/{id}/content", async Task<IResult> (string id, int? version, HttpContext http, RecordsRepository repo, IContentStore store,
            AccessLog log, CancellationToken ct) =>
        {
            var (doc, _) = await repo.LoadDocumentAsync(id, ct);
            if (doc.Residual is { } residual)
                return await Infrastructure.Access.RecordAccess.MaySeeResidualAsync(repo.Db, http.User, "document", id, ct)
                    ? Disposition.DispositionHttp.Gone("document", residual) : NotFound();
            if (doc.Status == DocumentStatus.None || !RecordsHttp.MayRead(http.User, doc.Metadata?.AccessMode)) return NotFound();
            var content = version is null ? doc.CurrentContent : doc.Contents.FirstOrDefault(c => c.Version == version);
            if (content is null) return ApiProblems.NotFound(new Text("Tài liệu chưa có tệp nội dung này.", "The document has no such content version."));
            return await BlobDownload.ServeAsync(http, store, log, content.Sha256, "document", id, SafeFileName.From(content.FileName, content.Sha256), ct)
                ?? ApiProblems.NotFound(new Text("Tệp nội dung bị thiếu trong kho.", "The content file is missing from the store."));
        }).RequireAuthorization(Policies.AnyRole);

        routes.MapGet("/api/v1/access-alerts", async Task<IResult> (bool? open, HttpContext http, RecordsRepository repo, CancellationToken ct) =>
        {
            var items = new List<AccessAlertListItem>();
            var streams = await repo.StreamsWithEventAsync("access.change.alert.raised.v1", ct);
            var documents = streams.Where(x => x.StartsWith("document-", StringComparison.Ordinal)).ToList();
            var dossiers = streams.Where(x => x.StartsWith("dossier-", StringComparison.Ordinal)).ToList();
            foreach (var (stream, (doc, _)) in documents.Zip(await repo.LoadManyAsync(documents, DocumentState.Initial, DocumentDecider.Evolve, ct)))
            {
                var docId = stream["document-".Length..];
                if (!RecordsHttp.MayRead(http.User, doc.Metadata?.AccessMode)) continue;
                items.AddRange(doc.AccessAlerts.Select(a => Item("document", docId, a, $"/api/v1/documents/{docId}/access-alerts/{a.AlertNumber}/confirm")));
            }
            foreach (var (stream, (dossier, _)) in dossiers.Zip(await repo.LoadManyAsync(dossiers, DossierState.Initial, DossierDecider.Evolve, ct)))
            {
                var code = stream["dossier-".Length..];
                if (!RecordsHttp.MayRead(http.User, dossier.Metadata?.AccessMode)) continue;
                items.AddRange(dossier.AccessAlerts.Select(a => Item("dossier", code, a, $"{DossiersApi.Location(code)}/access-alerts/{a.AlertNumber}/confirm")));
            }
            return TypedResults.Ok(items.Where(a => open != true || a.ConfirmedBy is null).OrderBy(a => a.RaisedAt).ToList());
        }).WithTags("Access alerts").RequireRoles(Roles.RecordsOfficer, Roles.Auditor, Roles.Admin).Describe(Docs);
        return routes;
    }

    private static AccessAlertListItem Item(string kind, string id, Archive.Domain.Access.AccessChangeAlert a, string url) =>
        new(kind, id, a.AlertNumber, a.RecordCode, a.OldMode, a.NewMode, a.ChangedBy, a.RaisedAt, a.ConfirmedBy, a.ConfirmedAt, url);

    private static string Extension(string mediaType) => mediaType switch
    {
        "application/pdf" => ".pdf", "image/jpeg" => ".jpg", "image/png" => ".png", "image/tiff" => ".tif", _ => "",
    };

    private static IResult NotFound() => ApiProblems.NotFound(new Text("Không có tài liệu này.", "No such document."));

    /// <summary>Appends the filing; on a concurrent dossier change re-decides on the fresh state. Null on success.</summary>
    private static async Task<IResult?> FileWithRetryAsync(RecordsRepository repo, string code, DossierState dossier, long version, Decision decision,
        FileDocument command, HttpContext http, DecisionContext context, string? reason, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await repo.AppendAsync(RecordsRepository.DossierStream(code), ExpectedVersion.Exactly(version), decision.Events, http, reason, ct);
                return null;
            }
            catch (ConcurrencyException) when (attempt < Retries)
            {
                (dossier, version) = await repo.LoadDossierAsync(code, ct);
                decision = DossierDecider.Decide(command, dossier, context);
                if (decision.IsRejected) return RecordsHttp.Problem(decision.Rejection!);
            }
        }
    }

    /// <summary>Keeps each dossier at the longest retention of its documents (domain: UpdateFiledDocumentRetention).</summary>
    internal static async Task ForwardRetentionAsync(RecordsRepository repo, string id, Domain.Retention.RetentionPeriod retention, HttpContext http,
        TimeProvider clock, string? reason, CancellationToken ct)
    {
        foreach (var filing in await repo.FilingsOfAsync(id, ct))
            for (var attempt = 0; attempt <= Retries; attempt++)
            {
                var (dossier, version) = await repo.LoadDossierAsync(filing.DossierCode, ct);
                var decision = DossierDecider.Decide(new UpdateFiledDocumentRetention(id, retention), dossier, RecordsRepository.Context(http, clock));
                if (decision.IsRejected) break;
                try
                {
                    await repo.AppendAsync(RecordsRepository.DossierStream(filing.DossierCode), ExpectedVersion.Exactly(version), decision.Events, http, reason, ct);
                    break;
                }
                catch (ConcurrencyException) { }
            }
    }

    public static async Task<DocumentResponse> ToResponseAsync(RecordsRepository repo, DocumentState s, long version, IReadOnlyList<FieldChange>? changes,
        CancellationToken ct, HttpContext? http = null) =>
        new(s.DocumentId, s.Status.ToString().ToLowerInvariant(), s.Metadata, await repo.FilingsOfAsync(s.DocumentId, ct, http),
            s.Contents.Select(c => new ContentResponse(c.Version, c.Sha256, c.SizeBytes, c.MediaType, c.FileName, c.Warnings)).ToList(),
            s.AccessAlerts.Select(DossiersApi.Alert).ToList(), changes, version);
}
