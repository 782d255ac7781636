using Archive.Api.Hosting;
using Archive.EventStore.Integrity.Seals;
using Npgsql;

namespace Archive.Api.Features.Audit;

/// <summary>A fixity failure as an alert (cảnh báo): the <c>fixity.failed.v1</c> event that recorded it.</summary>
public sealed record FixityAlert(long Position, DateTimeOffset RaisedAt, string RunStream, string ObjectKind, string ObjectId, long? Version,
    string Problem, string Detail);

/// <summary>
/// Alerts are the failure events themselves, newest first: the log is the alert list, so it cannot be quietly edited.
/// Projection dead letters (an event a read model could not apply) are alerts too, with problem
/// <c>projection-dead-letter</c>, the projection as run stream and the event's stream and version as the object.
/// </summary>
public sealed class FixityAlerts(NpgsqlDataSource db)
{
    public static async Task<int> DeadLetterCountAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"select count(*)::int from {EventStoreSetup.Schema}.dead_letters");
        return (int)(await cmd.ExecuteScalarAsync(ct))!;
    }

    public async Task<IReadOnlyList<FixityAlert>> ListAsync(long? before, int limit, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"""
            select * from (
                select position, recorded_at, stream_id, data->>'objectKind', data->>'objectId', (data->>'version')::bigint,
                       data->>'problem', data->>'detail'
                  from {EventStoreSetup.Schema}.events
                 where type = 'fixity.failed.v1' and position < $1
                union all
                select position, failed_at, 'projection-' || projection, 'event', stream_id, version, 'projection-dead-letter',
                       type || ': ' || error
                  from {EventStoreSetup.Schema}.dead_letters where position < $1) a
             order by 1 desc limit $2
            """);
        cmd.Parameters.AddWithValue(before ?? long.MaxValue);
        cmd.Parameters.AddWithValue((long)limit);
        var list = new List<FixityAlert>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            list.Add(new FixityAlert(r.GetInt64(0), r.GetFieldValue<DateTimeOffset>(1), r.GetString(2), r.GetString(3), r.GetString(4),
                r.IsDBNull(5) ? null : r.GetInt64(5), r.GetString(6), r.GetString(7)));
        return list;
    }
}

/// <summary>A stored audit seal, without its leaves.</summary>
public sealed record SealSummary(long SealNumber, long FromPosition, long ToPosition, long EventCount, string Root, string SealHash,
    bool Timestamped, DateTimeOffset SealedAt)
{
    public static async Task<IReadOnlyList<SealSummary>> ListAsync(NpgsqlDataSource db, long after, int limit, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"""
            select seal_no, from_position, to_position, event_count, root, seal_hash, timestamp_token is not null, sealed_at
              from {SealSchema.SealsTable(EventStoreSetup.Schema)} where seal_no > $1 order by seal_no limit $2
            """);
        cmd.Parameters.AddWithValue(after);
        cmd.Parameters.AddWithValue((long)limit);
        var list = new List<SealSummary>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            list.Add(new SealSummary(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), Convert.ToHexStringLower(r.GetFieldValue<byte[]>(4)),
                Convert.ToHexStringLower(r.GetFieldValue<byte[]>(5)), r.GetBoolean(6), r.GetFieldValue<DateTimeOffset>(7)));
        return list;
    }
}

/// <summary>One seal finding; <see cref="Kind"/> as the CLI prints it (ALTERED, REMOVED, ADDED, REORDERED, …).</summary>
public sealed record SealFindingResponse(string Kind, long SealNumber, string? StreamId, long? Version, long? Position, string Detail);

public sealed record SealVerificationResponse(bool Intact, int SealCount, long SealedThroughPosition, long SealedEventCount,
    long UnsealedEventCount, IReadOnlyList<SealFindingResponse> Findings)
{
    public static SealVerificationResponse From(SealReport r) => new(r.Intact, r.SealCount, r.SealedThroughPosition, r.SealedEventCount,
        r.UnsealedEventCount, r.Findings.Select(f => new SealFindingResponse(
            System.Text.Json.JsonNamingPolicy.SnakeCaseUpper.ConvertName(f.Kind.ToString()), f.SealNumber, f.StreamId, f.Version, f.Position, f.Detail)).ToList());
}
