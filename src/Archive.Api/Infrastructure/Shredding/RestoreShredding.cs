using Npgsql;

namespace Archive.Api.Infrastructure.Shredding;

/// <summary>
/// Completes what <c>archive restore</c> began: the restore destroys again the keys of the records its shredding ledger
/// says were destroyed after the backup was taken, and lists those streams in <c>archive_api.restore_reshredding</c>.
/// At start-up, before serving, the API runs the full shredding (<see cref="IRecordShredder"/>: search and review rows,
/// cached responses, access-log purposes, dead letters) for them in one transaction and empties the list.
/// </summary>
public sealed class RestoreShredding(NpgsqlDataSource db, IRecordShredder shredder, ILogger<RestoreShredding> log)
{
    public async Task CompleteAsync(CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var exists = new NpgsqlCommand("select to_regclass('archive_api.restore_reshredding') is not null", conn, tx))
            if (!(bool)(await exists.ExecuteScalarAsync(ct))!) return;
        var streams = new List<string>();
        await using (var cmd = new NpgsqlCommand("select stream_id from archive_api.restore_reshredding order by stream_id for update", conn, tx))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct)) streams.Add(r.GetString(0));
        if (streams.Count == 0) return;
        await shredder.ShredAsync(streams, conn, tx, ct);
        await using (var done = new NpgsqlCommand("delete from archive_api.restore_reshredding where stream_id = any($1)", conn, tx))
        {
            done.Parameters.AddWithValue(streams.ToArray());
            await done.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        log.LogWarning("Restore: completed the shredding of {Count} record(s) destroyed after the restored backup was taken", streams.Count);
    }
}
