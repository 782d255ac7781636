using Npgsql;
using NpgsqlTypes;

namespace Archive.EventStore.Integrity.Seals;

public sealed class SealOptions
{
    /// <summary>How often <see cref="SealService.RunAsync"/> seals.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Upper bound of events per seal, so one seal's leaves fit in memory; the rest waits for the next.</summary>
    public int MaxEventsPerSeal { get; set; } = 100_000;
}

/// <summary>One stored seal.</summary>
public sealed record SealRecord(long SealNumber, long FromPosition, long ToPosition, long EventCount, byte[] Root,
    byte[]? PreviousSealHash, byte[] SealHash, byte[] Signature, byte[]? TimestampToken, DateTimeOffset SealedAt)
{
    public byte[] CanonicalBytes() =>
        SealEncoding.CanonicalSealBytes(SealNumber, FromPosition, ToPosition, EventCount, Root, PreviousSealHash, SealedAt);
}

/// <summary>
/// Seals the log: each seal is a signed Merkle root over the events appended since the previous
/// seal, up to the safe high-water mark (so no event can still commit inside a sealed range).
/// Seals chain through <see cref="SealRecord.PreviousSealHash"/> and cover contiguous position ranges.
/// </summary>
public sealed class SealService(EventStore store, ISealSigner signer, SealOptions? options = null)
{
    private readonly SealOptions _options = options ?? new SealOptions();
    private string S => store.Schema;

    public Task EnsureSchemaAsync(CancellationToken ct = default) => SealSchema.EnsureAsync(store.DataSource, S, ct);

    /// <summary>Seals every safe, unsealed event now (up to <see cref="SealOptions.MaxEventsPerSeal"/>); null when there is nothing to seal.</summary>
    public async Task<SealRecord?> SealOnceAsync(CancellationToken ct = default)
    {
        // Read the mark before taking the lock: it only ever grows, so a stale value seals less, never wrongly.
        var highWater = await store.GetSafeHighWaterMarkAsync(ct);
        await using var conn = await store.DataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        // Two sealers (two nodes) must not both take seal n+1 over the same range.
        await using (var lk = new NpgsqlCommand("select pg_advisory_xact_lock(hashtext($1))", conn, tx))
        {
            lk.Parameters.AddWithValue($"audit_seal:{S}");
            await lk.ExecuteNonQueryAsync(ct);
        }

        long lastNo = 0, lastTo = 0;
        byte[]? lastHash = null;
        await using (var cmd = new NpgsqlCommand($"select seal_no, to_position, seal_hash from {S}.audit_seals order by seal_no desc limit 1", conn, tx))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            if (await r.ReadAsync(ct)) { lastNo = r.GetInt64(0); lastTo = r.GetInt64(1); lastHash = r.GetFieldValue<byte[]>(2); }
        if (highWater <= lastTo) return null;

        var rows = new List<SealedRow>();
        await using (var cmd = new NpgsqlCommand(
            $"{SealVerifier.SelectRows(S)} where position > $1 and position <= $2 order by position limit $3", conn, tx))
        {
            cmd.Parameters.AddWithValue(lastTo);
            cmd.Parameters.AddWithValue(highWater);
            cmd.Parameters.AddWithValue(_options.MaxEventsPerSeal);
            rows = await SealVerifier.ReadRowsAsync(cmd, ct);
        }
        if (rows.Count == 0) return null;

        var leaves = rows.Select(e => e.Leaf(e.Position)).ToList();
        var root = SealEncoding.Root(leaves);
        // timestamptz keeps microseconds; truncating first makes the stored value re-encode identically.
        var now = DateTimeOffset.UtcNow;
        var sealedAt = new DateTimeOffset(now.UtcTicks - now.UtcTicks % 10, TimeSpan.Zero);
        var seal = new SealRecord(lastNo + 1, lastTo + 1, rows[^1].Position, rows.Count, root, lastHash, [], [], null, sealedAt);
        var canonical = seal.CanonicalBytes();
        var signed = await signer.SignAsync(canonical, ct);
        seal = seal with { SealHash = SealEncoding.SealHash(canonical), Signature = signed.Signature, TimestampToken = signed.TimestampToken };

        await using (var cmd = new NpgsqlCommand($"""
            insert into {S}.audit_seals (seal_no, from_position, to_position, event_count, root, previous_seal_hash, seal_hash, signature, timestamp_token, sealed_at)
            values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
            """, conn, tx))
        {
            cmd.Parameters.AddWithValue(seal.SealNumber);
            cmd.Parameters.AddWithValue(seal.FromPosition);
            cmd.Parameters.AddWithValue(seal.ToPosition);
            cmd.Parameters.AddWithValue(seal.EventCount);
            cmd.Parameters.AddWithValue(seal.Root);
            cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)seal.PreviousSealHash ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bytea });
            cmd.Parameters.AddWithValue(seal.SealHash);
            cmd.Parameters.AddWithValue(seal.Signature);
            cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)seal.TimestampToken ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bytea });
            cmd.Parameters.AddWithValue(seal.SealedAt);
            await cmd.ExecuteNonQueryAsync(ct);
        }
        await using (var cmd = new NpgsqlCommand($"""
            insert into {S}.audit_seal_leaves (position, seal_no, stream_id, version, event_hash, content_hash, leaf_hash)
            select t.position, $1, t.stream_id, t.version, t.event_hash, t.content_hash, t.leaf_hash
              from unnest($2::bigint[], $3::text[], $4::bigint[], $5::bytea[], $6::bytea[], $7::bytea[])
                   as t(position, stream_id, version, event_hash, content_hash, leaf_hash)
            """, conn, tx))
        {
            cmd.Parameters.AddWithValue(seal.SealNumber);
            cmd.Parameters.AddWithValue(rows.Select(e => e.Position).ToArray());
            cmd.Parameters.AddWithValue(rows.Select(e => e.StreamId).ToArray());
            cmd.Parameters.AddWithValue(rows.Select(e => e.Version).ToArray());
            cmd.Parameters.AddWithValue(rows.Select(e => e.Hash).ToArray());
            cmd.Parameters.AddWithValue(rows.Select(e => e.ContentHash).ToArray());
            cmd.Parameters.AddWithValue(leaves.ToArray());
            await cmd.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        return seal;
    }

    /// <summary>
    /// Seals every <see cref="SealOptions.Interval"/> until cancelled. A failed round (database or
    /// TSA down) is reported to <paramref name="onError"/> and retried next interval: the unsealed
    /// events simply go into the next seal.
    /// </summary>
    public async Task RunAsync(CancellationToken ct, Action<Exception>? onError = null)
    {
        using var timer = new PeriodicTimer(_options.Interval);
        do
        {
            try
            {
                // Drain a backlog larger than one seal before waiting again.
                while (await SealOnceAsync(ct) is { } seal && seal.EventCount >= _options.MaxEventsPerSeal) { }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                onError?.Invoke(e);
            }
        } while (await WaitAsync(timer, ct));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try { return await timer.WaitForNextTickAsync(ct); }
        catch (OperationCanceledException) { return false; }
    }
}
