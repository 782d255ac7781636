using Npgsql;

namespace Archive.EventStore.Integrity.Seals;

/// <summary>An event row as the sealer and the verifier read it.</summary>
internal sealed record SealedRow(long Position, string StreamId, long Version, byte[] Hash, byte[] ContentHash)
{
    public byte[] Leaf(long atPosition) => SealEncoding.Leaf(atPosition, StreamId, Version, Hash, ContentHash);
}

/// <summary>
/// The auditor's check, read-only: verifies every seal's signature and timestamp, the seal chain
/// and range contiguity, each seal's root from its stored leaves, and then every sealed event row
/// against its leaf. Writes nothing (it runs inside a read-only repeatable-read snapshot).
/// </summary>
public sealed class SealVerifier(NpgsqlDataSource dataSource, string schema, ISealSigner signer)
{
    public async Task<SealReport> VerifyAsync(CancellationToken ct = default)
    {
        var findings = new List<SealFinding>();
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        await using (var ro = new NpgsqlCommand("set transaction read only", conn, tx)) await ro.ExecuteNonQueryAsync(ct);

        var seals = new List<SealRecord>();
        await using (var exists = new NpgsqlCommand("select to_regclass($1) is not null", conn, tx))
        {
            exists.Parameters.AddWithValue(SealSchema.SealsTable(schema));
            if ((bool)(await exists.ExecuteScalarAsync(ct))!)
            {
                await using var cmd = new NpgsqlCommand(
                    $"select seal_no, from_position, to_position, event_count, root, previous_seal_hash, seal_hash, signature, timestamp_token, sealed_at from {schema}.audit_seals order by seal_no",
                    conn, tx);
                await using var r = await cmd.ExecuteReaderAsync(ct);
                while (await r.ReadAsync(ct))
                    seals.Add(new SealRecord(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetFieldValue<byte[]>(4),
                        r.IsDBNull(5) ? null : r.GetFieldValue<byte[]>(5), r.GetFieldValue<byte[]>(6), r.GetFieldValue<byte[]>(7),
                        r.IsDBNull(8) ? null : r.GetFieldValue<byte[]>(8), new DateTimeOffset(r.GetFieldValue<DateTime>(9), TimeSpan.Zero)));
            }
        }

        SealRecord? previous = null;
        byte[]? previousHash = null;
        long sealedEvents = 0;
        foreach (var seal in seals)
        {
            var canonical = seal.CanonicalBytes();
            var hash = SealEncoding.SealHash(canonical);
            foreach (var problem in signer.Verify(canonical, seal.Signature, seal.TimestampToken))
                findings.Add(new(SealFindingKind.SignatureInvalid, seal.SealNumber, problem));
            if (!hash.AsSpan().SequenceEqual(seal.SealHash))
                findings.Add(new(SealFindingKind.SealChainBroken, seal.SealNumber, "stored seal hash differs from the hash of the seal's fields"));

            var expectedNo = (previous?.SealNumber ?? 0) + 1;
            if (seal.SealNumber != expectedNo)
                findings.Add(new(SealFindingKind.SealChainBroken, seal.SealNumber, $"expected seal number {expectedNo}: seals are missing"));
            if (!SameBytes(seal.PreviousSealHash, previousHash))
                findings.Add(new(SealFindingKind.SealChainBroken, seal.SealNumber,
                    previous is null ? "first seal records a previous seal" : $"does not record the hash of seal {previous.SealNumber}"));
            var expectedFrom = (previous?.ToPosition ?? 0) + 1;
            if (seal.FromPosition != expectedFrom || seal.ToPosition < seal.FromPosition)
                findings.Add(new(SealFindingKind.SealRangeGap, seal.SealNumber,
                    $"covers {seal.FromPosition}..{seal.ToPosition} but should start at {expectedFrom}"));

            await VerifyEventsAsync(conn, tx, seal, findings, ct);
            sealedEvents += seal.EventCount;
            previous = seal;
            previousHash = hash;
        }

        var sealedThrough = previous?.ToPosition ?? 0;
        long tail;
        await using (var cmd = new NpgsqlCommand($"select count(*) from {schema}.events where position > $1", conn, tx))
        {
            cmd.Parameters.AddWithValue(sealedThrough);
            tail = (long)(await cmd.ExecuteScalarAsync(ct))!;
        }
        await tx.CommitAsync(ct);
        return new SealReport(findings, seals.Count, sealedThrough, sealedEvents, tail);
    }

    private sealed record StoredLeaf(long Position, string StreamId, long Version, byte[] EventHash, byte[] ContentHash, byte[] LeafHash);

    private async Task VerifyEventsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, SealRecord seal, List<SealFinding> findings,
        CancellationToken ct)
    {
        var leaves = new List<StoredLeaf>();
        await using (var cmd = new NpgsqlCommand(
            $"select position, stream_id, version, event_hash, content_hash, leaf_hash from {schema}.audit_seal_leaves where seal_no = $1 order by position",
            conn, tx))
        {
            cmd.Parameters.AddWithValue(seal.SealNumber);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
                leaves.Add(new StoredLeaf(r.GetInt64(0), r.GetString(1), r.GetInt64(2), r.GetFieldValue<byte[]>(3),
                    r.GetFieldValue<byte[]>(4), r.GetFieldValue<byte[]>(5)));
        }

        // The root proves the leaf hashes; each leaf hash in turn proves the stream, version and
        // hashes stored beside it, which is what lets a finding name the event.
        if (leaves.Count != seal.EventCount || leaves.Count == 0 ||
            !SealEncoding.Root(leaves.Select(l => l.LeafHash).ToList()).AsSpan().SequenceEqual(seal.Root))
            findings.Add(new(SealFindingKind.RootMismatch, seal.SealNumber,
                $"the {leaves.Count} stored leaves do not reproduce the sealed root over {seal.EventCount} events"));
        foreach (var l in leaves)
        {
            if (l.Position < seal.FromPosition || l.Position > seal.ToPosition)
                findings.Add(new(SealFindingKind.LeafInvalid, seal.SealNumber, "leaf lies outside its seal's range", l.StreamId, l.Version, l.Position));
            else if (!SealEncoding.Leaf(l.Position, l.StreamId, l.Version, l.EventHash, l.ContentHash).AsSpan().SequenceEqual(l.LeafHash))
                findings.Add(new(SealFindingKind.LeafInvalid, seal.SealNumber, "stored leaf fields do not hash to the leaf", l.StreamId, l.Version, l.Position));
        }

        List<SealedRow> rows;
        await using (var cmd = new NpgsqlCommand($"{SelectRows(schema)} where position between $1 and $2 order by position", conn, tx))
        {
            cmd.Parameters.AddWithValue(seal.FromPosition);
            cmd.Parameters.AddWithValue(seal.ToPosition);
            rows = await ReadRowsAsync(cmd, ct);
        }
        // Rows of this seal's events that were moved out of its range are looked up too.
        var byPosition = leaves.GroupBy(l => l.Position).ToDictionary(g => g.Key, g => g.First());
        var byEvent = leaves.GroupBy(l => (l.StreamId, l.Version)).ToDictionary(g => g.Key, g => g.First());
        var accounted = new HashSet<long>();
        var rowPositions = rows.Select(r => r.Position).ToHashSet();

        foreach (var row in rows)
        {
            byPosition.TryGetValue(row.Position, out var here);
            if (here is not null && row.Leaf(row.Position).AsSpan().SequenceEqual(here.LeafHash))
            {
                accounted.Add(here.Position);
                continue;
            }
            if (byEvent.TryGetValue((row.StreamId, row.Version), out var sealedAt) && sealedAt.Position != row.Position &&
                row.Leaf(sealedAt.Position).AsSpan().SequenceEqual(sealedAt.LeafHash))
            {
                findings.Add(new(SealFindingKind.Reordered, seal.SealNumber,
                    $"unchanged event sealed at position {sealedAt.Position} now sits at position {row.Position}",
                    row.StreamId, row.Version, sealedAt.Position));
                accounted.Add(sealedAt.Position);
                continue;
            }
            if (here is not null)
            {
                var what = !row.Hash.AsSpan().SequenceEqual(here.EventHash)
                    ? "stored event hash differs from the sealed one (the hash chain was rewritten)"
                    : !row.ContentHash.AsSpan().SequenceEqual(here.ContentHash)
                        ? "row content no longer matches the sealed event hash"
                        : $"row now holds stream {row.StreamId} version {row.Version}";
                findings.Add(new(SealFindingKind.Altered, seal.SealNumber, what, here.StreamId, here.Version, here.Position));
                accounted.Add(here.Position);
            }
            else
            {
                findings.Add(new(SealFindingKind.Added, seal.SealNumber, "row inside a sealed range is not in the seal",
                    row.StreamId, row.Version, row.Position));
            }
        }
        foreach (var l in leaves.Where(l => !accounted.Contains(l.Position)))
            findings.Add(new(SealFindingKind.Removed, seal.SealNumber,
                rowPositions.Contains(l.Position) ? "sealed event is gone (its position holds another event)" : "sealed position has no row",
                l.StreamId, l.Version, l.Position));
    }

    internal static string SelectRows(string schema) =>
        $"select position, stream_id, version, type, data::text, metadata::text, recorded_at, hash, previous_hash from {schema}.events";

    internal static async Task<List<SealedRow>> ReadRowsAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        var list = new List<SealedRow>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var streamId = r.GetString(1);
            var version = r.GetInt64(2);
            var previous = r.IsDBNull(8) ? null : r.GetFieldValue<byte[]>(8);
            var content = SealEncoding.ContentHash(previous, streamId, version, r.GetString(3), r.GetString(4), r.GetString(5),
                new DateTimeOffset(r.GetFieldValue<DateTime>(6), TimeSpan.Zero));
            list.Add(new SealedRow(r.GetInt64(0), streamId, version, r.GetFieldValue<byte[]>(7), content));
        }
        return list;
    }

    private static bool SameBytes(byte[]? a, byte[]? b) =>
        a is null ? b is null : b is not null && a.AsSpan().SequenceEqual(b);
}
