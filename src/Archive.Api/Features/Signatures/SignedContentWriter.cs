using Archive.Api.Features.Records;
using Archive.Api.Infrastructure.Content;
using Archive.Api.Infrastructure.Idempotency;
using Archive.Domain.Common;
using Archive.Domain.Documents;
using Archive.EventStore;
using Microsoft.Extensions.Options;

namespace Archive.Api.Features.Signatures;

/// <summary>What storing a signed file came to: the append, or the domain's refusal (then nothing was recorded).</summary>
public sealed record SignedContentOutcome(AppendResult? Appended, Decision Decision);

/// <summary>
/// Stores a file produced by signing as a new content version, in the same order as an upload: blob first, then
/// its reference, then the events; if the append fails the reference is removed again, so the blob is left to the
/// sweeper and no event ever names a missing file. Under an <c>Idempotency-Key</c> reference and events join the request's
/// transaction. Shared by the signing endpoint and the B-LTA renewal job.
/// </summary>
public sealed class SignedContentWriter(RecordsRepository repo, IContentStore store, ContentReferences references, IOptions<ContentStoreOptions> options)
{
    /// <exception cref="ConcurrencyException">The document changed since <paramref name="version"/>.</exception>
    public async Task<SignedContentOutcome> StoreAsync(string documentId, DocumentState doc, long version, byte[] signed, string fileName,
        Func<ContentFacts, DocumentCommand> command, DecisionContext context, EventMetadata metadata, CancellationToken ct, HttpContext? http = null)
    {
        var blob = await store.PutAsync(new MemoryStream(signed, false), ct);
        PdfFacts? pdf;
        await using (var s = await store.OpenReadAsync(blob.Sha256, ct)) pdf = PdfFactsReader.Read(s!, options.Value.MaxFactsBytes);
        var facts = new ContentFacts(blob.Sha256, blob.Size, blob.MediaType, fileName, pdf?.PageCount, pdf?.Version, pdf?.PdfA, pdf?.MinImageDpi, pdf?.IsColor);
        var decision = DocumentDecider.Decide(command(facts), doc, context);
        if (decision.IsRejected) return new(null, decision);
        var wasReferenced = doc.Contents.Any(c => c.Sha256 == blob.Sha256);
        await references.AddAsync(blob.Sha256, "document", documentId, ct, http);
        try
        {
            // Under the signing request's Idempotency-Key the events commit with its answer (IdempotencyClaim).
            var result = await IdempotencyClaim.WriteAsync(http, repo.Db, (conn, tx) => repo.Store.AppendAsync(conn, tx,
                RecordsRepository.DocumentStream(documentId), ExpectedVersion.Exactly(version), decision.Events.Cast<object>().ToList(), metadata, ct), ct);
            return new(result, decision);
        }
        catch
        {
            if (!wasReferenced) await references.RemoveAsync(blob.Sha256, "document", documentId, CancellationToken.None, http);
            throw;
        }
    }

    /// <summary>The exact bytes of a content version, or null when the blob is missing.</summary>
    public async Task<byte[]?> ReadAsync(string sha256, CancellationToken ct)
    {
        await using var s = await store.OpenReadAsync(sha256, ct);
        if (s is null) return null;
        using var buffer = new MemoryStream();
        await s.CopyToAsync(buffer, ct);
        return buffer.ToArray();
    }

    public static string SignedFileName(string source) => Path.GetFileNameWithoutExtension(source) + ".signed.pdf";
}
