using Archive.Api.Infrastructure.Access;
using Archive.Api.Infrastructure.Auth;
using Archive.Api.Infrastructure.Content;
using Archive.Api.Infrastructure.Idempotency;
using Archive.Api.Infrastructure.Problems;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Archive.Api.Hosting.OpenApi;

namespace Archive.Api.Features.Blobs;

/// <summary>
/// Raw content (tệp nội dung) for administrators: upload, facts, download. Documents will
/// wrap the same store with their own access rules; this exists to exercise it end to end.
/// </summary>
public static class BlobsApi
{
    private static readonly Dictionary<string, OperationDoc> Docs = new()
    {
        ["POST /api/v1/blobs"] = new("Lưu tệp thô", "Store a blob",
            "Lưu một tệp vào kho nội dung theo SHA-256 (byte thô hoặc multipart/form-data).", "Stores a file in the content store under its SHA-256 (raw bytes or multipart/form-data).")
            { Status = 201, Returns = typeof(BlobResponse), Upload = true },
        ["GET /api/v1/blobs/{sha256}"] = new("Tải tệp thô", "Download a blob", "Đúng các byte đã lưu; hỗ trợ Range.", "The exact stored bytes; Range is supported.")
            { LogsPurpose = true, ContentType = "application/octet-stream", AlsoReturns = [206, 304] },
        ["GET /api/v1/blobs/{sha256}/facts"] = new("Thông tin tệp thô", "Blob facts", "Kích thước, kiểu và thông tin PDF của tệp.", "Size, type and PDF facts of the blob.")
            { Returns = typeof(BlobResponse) },
    };

    public sealed record BlobResponse(string Sha256, long Size, string MediaType, bool AlreadyExisted, PdfFacts? Pdf, IReadOnlyList<DigitizationWarning> Warnings);

    public static IEndpointRouteBuilder MapBlobs(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/blobs").WithTags("Blobs").RequireAuthorization(Policies.Admin).Describe(Docs);

        // The body is the file itself (any Content-Type): its type is sniffed from the bytes.
        group.MapPost("/", async Task<Created<BlobResponse>> (HttpContext http, IContentStore store,
            IOptions<ContentStoreOptions> options, CancellationToken ct) =>
        {
            if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
                limit.MaxRequestBodySize = options.Value.MaxBytes;
            var blob = await store.PutAsync((await UploadBody.OpenAsync(http.Request, ct)).Content, ct);
            PdfFacts? facts = null;
            if (blob.MediaType == "application/pdf")
                await using (var s = await store.OpenReadAsync(blob.Sha256, ct))
                    facts = PdfFactsReader.Read(s!);
            var warnings = facts is null ? [] : DigitizationCheck.Check(facts);
            http.Response.Headers.ETag = $"\"{blob.Sha256}\"";
            return TypedResults.Created($"/api/v1/blobs/{blob.Sha256}",
                new BlobResponse(blob.Sha256, blob.Size, blob.MediaType, blob.AlreadyExisted, facts, warnings));
        }).Idempotent();

        group.MapGet("/{sha256}", async Task<IResult> (string sha256, HttpContext http, IContentStore store, AccessLog log, CancellationToken ct) =>
            await BlobDownload.ServeAsync(http, store, log, sha256, "blob", sha256, ct: ct)
                ?? ApiProblems.NotFound(new Text("Không có tệp với mã băm này.", "No blob with this hash.")))
;

        group.MapGet("/{sha256}/facts", async Task<Results<Ok<BlobResponse>, ProblemHttpResult>> (string sha256, IContentStore store, CancellationToken ct) =>
        {
            var info = await store.GetInfoAsync(sha256, ct);
            if (info is null) return ApiProblems.NotFound(new Text("Không có tệp với mã băm này.", "No blob with this hash."));
            PdfFacts? facts = null;
            if (info.MediaType == "application/pdf")
                await using (var s = await store.OpenReadAsync(sha256, ct))
                    facts = PdfFactsReader.Read(s!);
            return TypedResults.Ok(new BlobResponse(sha256, info.Size, info.MediaType, true, facts, facts is null ? [] : DigitizationCheck.Check(facts)));
        }).LogsView("blob", "sha256");
        return routes;
    }
}
