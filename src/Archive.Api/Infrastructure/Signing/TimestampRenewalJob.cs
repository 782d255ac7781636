using Archive.Api.Features.Records;
using Archive.Api.Features.Signatures;
using Archive.Api.Infrastructure.Jobs;
using Archive.Domain.Common;
using Archive.Domain.Documents;
using Archive.EventStore;
using Npgsql;

namespace Archive.Api.Infrastructure.Signing;

/// <summary>
/// Gia hạn dấu thời gian (B-LTA upkeep): before the last document timestamp of a B-LTA file stops being verifiable
/// (its TSA certificate expires, or the hash algorithm's announced sunset), adds validation data and a fresh document
/// timestamp, stored as a new content version with <c>document.timestamp.renewed.v1</c>. What is due is computed
/// from the events (<c>timestampValidUntil</c> of <c>document.signed.v1</c> and <c>document.timestamp.renewed.v1</c>),
/// never from memory, so a restart or another node picks up exactly where the last run left off; the job runner's
/// table holds the schedule.
/// </summary>
public sealed class TimestampRenewalJob(OrganizationSigning signing, RecordsRepository repo, SignedContentWriter writer, NpgsqlDataSource db,
    TimeProvider clock, ILogger<TimestampRenewalJob> log) : IScheduledJob
{
    public const string JobName = "signing.timestamp-renewal";
    public const string SystemActor = "system:timestamp-renewal";

    public string Name => JobName;
    public TimeSpan Interval => signing.Settings.Renewal.Interval;
    public TimeSpan FirstRunDelay => TimeSpan.FromMinutes(1);
    public string? DisabledReason => signing.Settings.Renewal.Enabled ? null : "Archive:Signing:Renewal:Enabled is false";

    public async Task<string?> RunAsync(JobRunContext context, CancellationToken ct)
    {
        var margin = TimeSpan.FromDays(signing.Settings.Renewal.MarginDays);
        var now = clock.GetUtcNow();
        var due = await DueDocumentsAsync(now + margin, ct);
        if (due.Count == 0) return "nothing due";
        signing.RollOverDevelopmentTsaIfDue(margin);
        int renewed = 0, skipped = 0;
        var failures = new List<string>();
        foreach (var id in due)
        {
            try
            {
                if (await RenewAsync(id, now + margin, ct)) renewed++;
                else skipped++;
            }
            catch (Exception e) when (SigningProblems.IsSigningFailure(e) || e is ConcurrencyException)
            {
                log.LogWarning("Timestamp renewal of document {Id} failed: {Reason}", id, e.Message);
                failures.Add($"{id}: {e.Message}");
            }
        }
        var summary = $"renewed {renewed}, skipped {skipped}, failed {failures.Count}";
        // Failing the run makes the runner retry with backoff; what succeeded is already recorded and no longer due.
        if (failures.Count > 0) throw new InvalidOperationException(summary + ": " + string.Join("; ", failures));
        return summary;
    }

    /// <summary>Documents with a signature or renewal whose timestamp stays verifiable only until before <paramref name="horizon"/>.</summary>
    public async Task<IReadOnlyList<string>> DueDocumentsAsync(DateTimeOffset horizon, CancellationToken ct)
    {
        // The latest signature or renewal of each document decides; older ones were already superseded.
        await using var cmd = db.CreateCommand($"""
            select id from (
                select distinct on (stream_id) data->>'documentId' as id, type, data->>'level' as level, data->>'timestampValidUntil' as until
                from {repo.Store.Options.Schema}.events
                where type in ('document.signed.v1', 'document.timestamp.renewed.v1')
                order by stream_id, position desc) latest
            where (type = 'document.timestamp.renewed.v1' or level = 'B-LTA') and until is not null and until::timestamptz <= $1
            order by id
            """);
        cmd.Parameters.AddWithValue(horizon);
        var ids = new List<string>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) ids.Add(r.GetString(0));
        return ids;
    }

    private async Task<bool> RenewAsync(string id, DateTimeOffset horizon, CancellationToken ct)
    {
        var (doc, version) = await repo.LoadDocumentAsync(id, ct);
        var current = doc.CurrentContent;
        // Only the current version is kept alive: a signed version superseded by a later upload, or already renewed, is skipped.
        var signature = current is null ? null : doc.Signatures.LastOrDefault(s => s.Version == current.Version);
        if (doc.Status != DocumentStatus.Registered || signature is not { Level: SignatureLevels.BLTA, TimestampValidUntil: { } until } || until > horizon)
            return false;
        var bytes = await writer.ReadAsync(current!.Sha256, ct) ?? throw new IOException($"content {current.Sha256} is missing from the store");
        var renewal = await signing.AddDocumentTimestampAsync(bytes, ct);
        var context = new DecisionContext(new Actor(SystemActor, "Gia hạn dấu thời gian tự động"), clock.GetUtcNow());
        var outcome = await writer.StoreAsync(id, doc, version, renewal.Pdf, current.FileName,
            f => new RenewDocumentTimestamp(current.Version, current.Sha256, f, renewal.Result.TimestampTime, renewal.Result.TsaSubject, renewal.ValidUntil),
            context, new EventMetadata { Actor = SystemActor, Headers = new() { ["reason"] = $"B-LTA timestamp verifiable only until {until:u}" } }, ct);
        if (outcome.Decision.IsRejected)
        {
            log.LogWarning("Timestamp renewal of document {Id} refused: {Reason}", id, outcome.Decision.Rejection!.ReasonEn);
            return false;
        }
        log.LogInformation("Renewed the B-LTA document timestamp of document {Id}: version {Version}, verifiable until {Until:u}.",
            id, outcome.Decision.Events.OfType<DocumentTimestampRenewed>().Single().Version, renewal.ValidUntil);
        return true;
    }
}
