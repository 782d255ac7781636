using System.Security.Cryptography;
using Archive.Api.Hosting;
using Archive.Api.Infrastructure.Content;
using Archive.Domain.Audit;
using Archive.EventStore;
using Archive.EventStore.Integrity;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Store = Archive.EventStore.EventStore;

namespace Archive.Api.Features.Audit;

/// <summary>One object that failed: a blob (by SHA-256) or a stream (by id, at the version where its chain breaks).</summary>
public sealed record FixityFailure(string ObjectKind, string ObjectId, long? Version, string Problem, string Detail);

public sealed record FixityRunReport(string RunId, string Trigger, int BlobsChecked, int StreamsChecked, IReadOnlyList<FixityFailure> Failures)
{
    public bool Intact => Failures.Count == 0;
    public string Stream => FixityChecker.StreamOf(RunId);
}

/// <summary>
/// Fixity (kiểm tra tính toàn vẹn): re-hashes content blobs (SHA-256, streamed) and re-verifies streams'
/// hash chains, least recently checked first, remembering each object's last check in
/// <c>archive_api.fixity_state</c>. Each run that checked anything appends to its own stream
/// <c>fixity-{runId}</c> one <c>fixity.failed.v1</c> per failing object and one <c>fixity.checked.v1</c>
/// naming everything it checked, in the same transaction as the state rows.
/// </summary>
public sealed class FixityChecker(NpgsqlDataSource db, Store store, IContentStore content, IOptions<FixityOptions> options,
    TimeProvider clock, ILogger<FixityChecker> log)
{
    public const string Blob = "blob", StreamKind = "stream";
    public const string Ddl = """
        create table if not exists archive_api.fixity_state (
            object_kind text not null,
            object_id text not null,
            last_checked_at timestamptz not null,
            last_outcome text not null,
            last_detail text,
            primary key (object_kind, object_id));
        """;

    /// <summary>
    /// Slices are twice the even share (total × interval ÷ period) plus one: objects added during the period and
    /// runs delayed by failures or downtime still fit, and the extra one pays for the stream each run itself
    /// appends (new objects are checked first), so no older object waits longer than the period.
    /// </summary>
    public const double Headroom = 2.0;

    public static string StreamOf(string runId) => "fixity-" + runId;

    /// <summary>How many objects one scheduled run checks so that all <paramref name="total"/> fit in one period.</summary>
    public static int SliceSize(long total, TimeSpan runInterval, TimeSpan period) =>
        total <= 0 ? 0 : (int)Math.Min(int.MaxValue - 1, Math.Ceiling(Headroom * total * (runInterval.Ticks / (double)period.Ticks))) + 1;

    public async Task<long> CountObjectsAsync(CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(
            $"select (select count(distinct sha256) from archive_api.content_refs) + (select count(*) from {EventStoreSetup.Schema}.streams)");
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Checks the next scheduled slice.</summary>
    public async Task<FixityRunReport> RunScheduledSliceAsync(CancellationToken ct)
    {
        var o = options.Value;
        var slice = SliceSize(await CountObjectsAsync(ct), o.RunInterval, o.Period);
        return await RunAsync("scheduled", slice, new EventMetadata
        {
            Actor = "system:fixity",
            Headers = new() { ["actorRole"] = "system", ["reason"] = "scheduled fixity check / kiểm tra định kỳ" },
        }, ct);
    }

    /// <summary>Checks up to <paramref name="limit"/> objects (all when null), least recently checked first.</summary>
    public async Task<FixityRunReport> RunAsync(string trigger, int? limit, EventMetadata metadata, CancellationToken ct)
    {
        var startedAt = clock.GetUtcNow();
        var runId = $"{startedAt:yyyyMMdd'T'HHmmss'Z'}-{Guid.NewGuid().ToString("N")[..8]}";
        var objects = limit == 0 ? [] : await NextObjectsAsync(limit, ct);
        var blobs = objects.Where(x => x.Kind == Blob).Select(x => x.Id).ToList();
        var streams = objects.Where(x => x.Kind == StreamKind).Select(x => x.Id).ToList();
        var failures = new List<FixityFailure>();
        foreach (var sha in blobs) if (await CheckBlobAsync(sha, ct) is { } f) failures.Add(f);
        if (streams.Count > 0)
            failures.AddRange((await new HashChainVerifier(db, EventStoreSetup.Schema).VerifyStreamsAsync(streams, ct))
                .Select(b => new FixityFailure(StreamKind, b.StreamId, b.Version, "chain-broken", b.Reason)));

        var report = new FixityRunReport(runId, trigger, blobs.Count, streams.Count, failures);
        if (objects.Count == 0) return report;
        await RecordAsync(report, objects, startedAt, metadata, ct);
        foreach (var f in failures)
            log.LogError("Fixity alert: {Kind} {Id}{At} failed ({Problem}): {Detail}; run {Run}",
                f.ObjectKind, f.ObjectId, f.Version is null ? "" : $" version {f.Version}", f.Problem, f.Detail, runId);
        return report;
    }

    private async Task<List<(string Kind, string Id)>> NextObjectsAsync(int? limit, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"""
            with objects as (
                select '{Blob}'::text as kind, sha256 as id from archive_api.content_refs group by sha256
                union all
                select '{StreamKind}', id from {EventStoreSetup.Schema}.streams)
            select o.kind, o.id from objects o
              left join archive_api.fixity_state f on f.object_kind = o.kind and f.object_id = o.id
             order by f.last_checked_at nulls first, o.kind, o.id
             limit $1
            """);
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint, Value = (object?)limit ?? DBNull.Value });
        var list = new List<(string, string)>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) list.Add((r.GetString(0), r.GetString(1)));
        return list;
    }

    /// <summary>Re-hashes one blob, streamed; null when it is intact.</summary>
    public async Task<FixityFailure?> CheckBlobAsync(string sha, CancellationToken ct)
    {
        try
        {
            await using var stream = await content.OpenReadAsync(sha, ct);
            if (stream is null) return new(Blob, sha, null, "missing", "the blob is not in the content store");
            var actual = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, ct));
            return actual == sha ? null : new(Blob, sha, null, "mismatch", $"the blob's bytes hash to {actual}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new(Blob, sha, null, "unreadable", e.Message);
        }
    }

    private async Task RecordAsync(FixityRunReport report, List<(string Kind, string Id)> objects, DateTimeOffset startedAt,
        EventMetadata metadata, CancellationToken ct)
    {
        var failed = report.Failures.GroupBy(f => (f.ObjectKind, f.ObjectId))
            .ToDictionary(g => g.Key, g => string.Join("; ", g.Select(f => f.Version is null ? f.Detail : $"version {f.Version}: {f.Detail}")));
        var events = new List<object>();
        events.AddRange(report.Failures.Select(f => new FixityFailed(report.RunId, f.ObjectKind, f.ObjectId, f.Version, f.Problem, f.Detail)));
        events.Add(new FixityChecked(report.RunId, report.Trigger, startedAt, (int)Math.Round(options.Value.Period.TotalDays),
            report.BlobsChecked, report.StreamsChecked, report.Failures.Count,
            objects.Where(x => x.Kind == Blob).Select(x => x.Id).ToList(), objects.Where(x => x.Kind == StreamKind).Select(x => x.Id).ToList()));

        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var cmd = new NpgsqlCommand("""
            insert into archive_api.fixity_state (object_kind, object_id, last_checked_at, last_outcome, last_detail)
            select k, i, now(), case when d is null then 'ok' else 'failed' end, d
              from unnest($1::text[], $2::text[], $3::text[]) as t(k, i, d)
            on conflict (object_kind, object_id) do update
               set last_checked_at = excluded.last_checked_at, last_outcome = excluded.last_outcome, last_detail = excluded.last_detail
            """, conn, tx))
        {
            cmd.Parameters.AddWithValue(objects.Select(x => x.Kind).ToArray());
            cmd.Parameters.AddWithValue(objects.Select(x => x.Id).ToArray());
            cmd.Parameters.AddWithValue(objects.Select(x => failed.GetValueOrDefault(x)).ToArray());
            await cmd.ExecuteNonQueryAsync(ct);
        }
        await store.AppendAsync(conn, tx, report.Stream, ExpectedVersion.NoStream, events, metadata, ct);
        await tx.CommitAsync(ct);
    }
}
