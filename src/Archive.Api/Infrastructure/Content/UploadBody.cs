using Archive.Api.Infrastructure.Problems;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Archive.Api.Infrastructure.Content;

/// <summary>
/// The file of an upload, streamed: the request body itself, or the first file part of a <c>multipart/form-data</c> body
/// (as browsers and generated clients send it). Nothing is buffered: the part is read from the request as the content
/// store reads it, under the same size limits. A malformed multipart body is a 400, never a 500.
/// </summary>
public static class UploadBody
{
    public sealed record Upload(Stream Content, string? FileName);

    public static async Task<Upload> OpenAsync(HttpRequest request, CancellationToken ct)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type)
            || !type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
            return new Upload(request.Body, FileName(request.Headers.ContentDisposition.ToString()));
        var boundary = HeaderUtilities.RemoveQuotes(type.Boundary).Value;
        if (string.IsNullOrWhiteSpace(boundary)) throw Malformed("thiếu boundary", "no boundary");
        // The content store and the request size limit bound the file; the reader's own 128 MiB default would not match them.
        var reader = new MultipartReader(boundary, request.Body) { BodyLengthLimit = null };
        try
        {
            while (await reader.ReadNextSectionAsync(ct) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var cd)) continue;
                var name = (cd.FileNameStar.Value ?? cd.FileName.Value)?.Trim('"');
                if (!string.IsNullOrEmpty(name) || string.Equals(cd.Name.Value?.Trim('"'), "file", StringComparison.OrdinalIgnoreCase))
                    return new Upload(new PartStream(section.Body), string.IsNullOrEmpty(name) ? null : Path.GetFileName(name));
            }
        }
        catch (Exception e) when (e is InvalidDataException or IOException and not BadHttpRequestException && !ct.IsCancellationRequested)
        {
            throw Malformed("không đọc được", "unreadable");
        }
        throw new ProblemException(400, ApiProblems.TitleFor(400),
            new Text("Thân multipart/form-data không có phần tệp (file).", "The multipart/form-data body has no file part."), "no-file-part");
    }

    /// <summary>The file name of a raw upload's Content-Disposition header, if any.</summary>
    public static string? FileName(string contentDisposition) =>
        contentDisposition.Length > 0 && ContentDispositionHeaderValue.TryParse(contentDisposition, out var cd)
            && (cd.FileNameStar.Value ?? cd.FileName.Value) is { Length: > 0 } n ? n.Trim('"') : null;

    private static ProblemException Malformed(string vi, string en) => new(400, ApiProblems.TitleFor(400),
        new Text($"Thân multipart/form-data không hợp lệ ({vi}).", $"The multipart/form-data body is malformed ({en})."), "malformed-multipart");

    /// <summary>A truncated or malformed part surfaces as a 400 problem while the store reads it.</summary>
    private sealed class PartStream(Stream inner) : Idempotency.ForwardReadStream
    {
        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
        {
            try { return await inner.ReadAsync(buffer, ct); }
            catch (Exception e) when (e is InvalidDataException or IOException and not BadHttpRequestException && !ct.IsCancellationRequested)
            {
                throw Malformed("phần tệp bị cắt hoặc hỏng", "the file part is truncated or broken");
            }
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) => ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();
    }
}
