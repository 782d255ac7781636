using Archive.Api.Infrastructure.Problems;

namespace Archive.Api.Infrastructure.Content;

/// <summary>A stored blob (tệp nội dung), addressed by the lowercase hex SHA-256 of its bytes.</summary>
public sealed record StoredBlob(string Sha256, long Size, string MediaType, bool AlreadyExisted);

public sealed record BlobInfo(string Sha256, long Size, string MediaType, DateTimeOffset StoredAt);

/// <summary>
/// Content-addressed blob storage. The file-system store is the default; an S3-compatible
/// store can implement the same contract (put is idempotent, reads are by hash).
/// </summary>
public interface IContentStore
{
    /// <summary>
    /// Streams <paramref name="content"/> into the store. Throws <see cref="ContentTooLargeException"/>
    /// (413) or <see cref="UnsupportedContentException"/> (415); on any failure nothing is kept.
    /// </summary>
    Task<StoredBlob> PutAsync(Stream content, CancellationToken ct);

    Task<BlobInfo?> GetInfoAsync(string sha256, CancellationToken ct);

    /// <summary>A seekable read stream, or null when absent.</summary>
    Task<Stream?> OpenReadAsync(string sha256, CancellationToken ct);

    Task<bool> DeleteAsync(string sha256, CancellationToken ct);

    IAsyncEnumerable<BlobInfo> ListAsync(CancellationToken ct);
}

public sealed class ContentStoreOptions
{
    /// <summary>Root folder; default <c>content/</c> in the data folder.</summary>
    public string Root { get; set; } = "";

    /// <summary>Largest accepted blob in bytes; default 2 GiB.</summary>
    public long MaxBytes { get; set; } = 2L * 1024 * 1024 * 1024;

    /// <summary>Largest PDF whose facts are read at upload (see <see cref="PdfFactsReader.DefaultMaxBytes"/>).</summary>
    public long MaxFactsBytes { get; set; } = PdfFactsReader.DefaultMaxBytes;

    /// <summary>How often the sweeper looks for unreferenced blobs; default hourly.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How old an unreferenced blob must be before it is deleted; default a day, far longer than
    /// the gap between storing a blob and appending the event that references it.
    /// </summary>
    public TimeSpan SweepGrace { get; set; } = TimeSpan.FromDays(1);
}

public sealed class ContentTooLargeException(long limit) : ProblemException(413,
    new Text("Nội dung quá lớn", "Content too large"),
    new Text($"Tệp vượt quá giới hạn {limit} byte.", $"The file exceeds the {limit}-byte limit."), "content-too-large");

public sealed class UnsupportedContentException() : ProblemException(415,
    new Text("Định dạng không được hỗ trợ", "Unsupported media type"),
    new Text("Chỉ chấp nhận PDF, JPEG, PNG hoặc TIFF (nhận diện theo nội dung tệp).",
        "Only PDF, JPEG, PNG or TIFF are accepted (detected from the file's bytes)."), "unsupported-content");

/// <summary>Detects the type from the leading bytes; names and Content-Type headers are not trusted.</summary>
public static class ContentSniffer
{
    public const int BytesNeeded = 8;

    public static string? Sniff(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith("%PDF-"u8)) return "application/pdf";
        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF])) return "image/jpeg";
        if (head.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])) return "image/png";
        if (head.StartsWith("II*\0"u8) || head.StartsWith("MM\0*"u8)) return "image/tiff";
        return null;
    }
}
