using Archive.Api.Features.Records;
using Archive.Domain.Common;
using Archive.Domain.Documents;
using Archive.EventStore;
using Npgsql;
using Wolverine;
using Wolverine.Runtime;

namespace Archive.Api.Features.Digitization;

/// <summary>
/// Appends an upload's events, and when the file is a scan of a digitized (02) or mixed (03) record, its
/// <c>document.digitization.queued.v1</c>, the job row and the worker's message (Wolverine's outbox) in the same transaction:
/// nobody has to ask for the conversion, and it can never be queued without the record of it, or the other way round.
/// </summary>
public sealed class DigitizationIntake(NpgsqlDataSource db, RecordsRepository repo, IWolverineRuntime messaging)
{
    /// <summary>Optional header naming the delivery batch (đợt số hóa) an upload belongs to, for progress per batch.</summary>
    public const string BatchHeader = "X-Digitization-Batch";

    /// <summary>The request's delivery batch (<see cref="BatchHeader"/>), trimmed; null when absent or over 200 characters.</summary>
    public static string? BatchOf(HttpContext http) =>
        http.Request.Headers[BatchHeader].ToString() is { Length: > 0 and <= 200 } b ? b.Trim() : null;

    /// <returns>The append's result and the job id, or null when the file is not converted.</returns>
    public async Task<(AppendResult Result, string? JobId)> AppendUploadAsync(string documentId, DocumentState doc, long version, Decision upload,
        HttpContext http, CancellationToken ct)
    {
        var added = upload.Events.OfType<ContentVersionAdded>().Single();
        var after = upload.Events.Aggregate(doc, DocumentDecider.Evolve);
        var batch = BatchOf(http);
        var jobId = Guid.NewGuid().ToString("N");
        var queued = DigitizationRules.Applies(after.Metadata!, added.MediaType, added.IsScan)
            ? DocumentDecider.Decide(new QueueDigitization(jobId, added.Version, added.Sha256, batch), after, RecordsRepository.Context(http, TimeProvider.System))
            : null;
        if (queued is null || queued.IsRejected)
            return (await repo.AppendAsync(RecordsRepository.DocumentStream(documentId), ExpectedVersion.Exactly(version), upload.Events, http, null, ct), null);
        // Under an Idempotency-Key this is the request's transaction, which also stores the answer.
        MessageContext? message = null;
        var result = await Infrastructure.Idempotency.IdempotencyClaim.WriteAsync(http, db, async (conn, tx) =>
        {
            var appended = await repo.Store.AppendAsync(conn, tx, RecordsRepository.DocumentStream(documentId), ExpectedVersion.Exactly(version),
                [.. upload.Events, .. queued.Events], RecordsRepository.MetadataFor(http, null), ct);
            message = await DigitizationMessaging.QueueInTransactionAsync(messaging, conn, tx, jobId, documentId, added.Version, added.Sha256, batch, ct);
            return appended;
        }, ct);
        await DigitizationMessaging.FlushAfterCommitAsync(http, [message!]);
        return (result, jobId);
    }
}
