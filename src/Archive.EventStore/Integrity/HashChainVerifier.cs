using Npgsql;

namespace Archive.EventStore.Integrity;

/// <summary>
/// Walks every stream's events in version order, recomputes each hash from the row (in C#,
/// independently of the database function that wrote it) and reports every break.
/// </summary>
public sealed class HashChainVerifier(NpgsqlDataSource dataSource, string schema)
{
    public Task<IReadOnlyList<HashChainBreak>> VerifyAsync(CancellationToken ct = default) => VerifyCoreAsync(null, ct);

    /// <summary>Checks only the named streams (a scheduled fixity run checks a slice of the log at a time).</summary>
    public Task<IReadOnlyList<HashChainBreak>> VerifyStreamsAsync(IReadOnlyCollection<string> streamIds, CancellationToken ct = default) =>
        VerifyCoreAsync(streamIds.ToArray(), ct);

    private async Task<IReadOnlyList<HashChainBreak>> VerifyCoreAsync(string[]? only, CancellationToken ct)
    {
        var breaks = new List<HashChainBreak>();
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        // One repeatable-read snapshot: events and stream heads are compared as of one moment.
        await using var tx = await conn.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);

        var heads = new Dictionary<string, (long Version, byte[]? LastHash, byte[]? LastPreviousHash)>(StringComparer.Ordinal);
        var filter = only is null ? "" : " where {0} = any($1)";
        await using (var cmd = new NpgsqlCommand($"select id, version, last_hash, last_previous_hash from {schema}.streams" + string.Format(filter, "id"), conn, tx))
        await using (var r = await WithStreams(cmd, only).ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
                heads[r.GetString(0)] = (r.GetInt64(1), r.IsDBNull(2) ? null : r.GetFieldValue<byte[]>(2), r.IsDBNull(3) ? null : r.GetFieldValue<byte[]>(3));

        string? stream = null;
        long lastVersion = 0;
        byte[]? lastHash = null;
        byte[]? lastPrevious = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);

        void CloseStream()
        {
            if (stream is null) return;
            seen.Add(stream);
            if (!heads.TryGetValue(stream, out var head))
                breaks.Add(new(stream, lastVersion, "events exist but the stream row is missing"));
            else if (head.Version != lastVersion)
                breaks.Add(new(stream, lastVersion + 1, $"stream is at version {head.Version} but its events end at {lastVersion}"));
            else if (head.LastHash is null || !head.LastHash.AsSpan().SequenceEqual(lastHash))
                breaks.Add(new(stream, lastVersion, "stream's last hash differs from its last event's hash"));
            else if (!SameBytes(head.LastPreviousHash, lastPrevious))
                breaks.Add(new(stream, lastVersion, "stream's last previous hash differs from its last event's previous hash"));
        }

        await using (var cmd = new NpgsqlCommand(
            $"select stream_id, version, type, data::text, metadata::text, recorded_at, hash, previous_hash from {schema}.events" +
            string.Format(filter, "stream_id") + " order by stream_id, version",
            conn, tx))
        await using (var r = await WithStreams(cmd, only).ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
            {
                var id = r.GetString(0);
                var version = r.GetInt64(1);
                if (id != stream)
                {
                    CloseStream();
                    stream = id;
                    lastVersion = 0;
                    lastHash = null;
                    lastPrevious = null;
                }
                var hash = r.GetFieldValue<byte[]>(6);
                var previous = r.IsDBNull(7) ? null : r.GetFieldValue<byte[]>(7);
                for (var missing = lastVersion + 1; missing < version; missing++)
                    breaks.Add(new(id, missing, "event is missing"));
                if (!SameBytes(previous, lastHash))
                    breaks.Add(new(id, version, "previous hash does not match the preceding event's hash"));
                var recomputed = EventHash.Compute(previous, id, version, r.GetString(2), r.GetString(3), r.GetString(4),
                    new DateTimeOffset(r.GetFieldValue<DateTime>(5), TimeSpan.Zero));
                if (!recomputed.AsSpan().SequenceEqual(hash))
                    breaks.Add(new(id, version, "hash does not match the event's content"));
                lastVersion = version;
                lastHash = hash;
                lastPrevious = previous;
            }
        }
        CloseStream();
        foreach (var (id, head) in heads)
            if (!seen.Contains(id)) breaks.Add(new(id, 1, $"stream is at version {head.Version} but has no events"));
        await tx.CommitAsync(ct);
        return breaks;
    }

    private static NpgsqlCommand WithStreams(NpgsqlCommand cmd, string[]? only)
    {
        if (only is not null) cmd.Parameters.AddWithValue(only);
        return cmd;
    }

    private static bool SameBytes(byte[]? a, byte[]? b) =>
        a is null ? b is null : b is not null && a.AsSpan().SequenceEqual(b);
}
