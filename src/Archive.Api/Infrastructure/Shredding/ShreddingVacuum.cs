using Archive.Api.Features.Records;
using Npgsql;
using Store = Archive.EventStore.EventStore;

namespace Archive.Api.Infrastructure.Shredding;

/// <summary>
/// Deleting a row in PostgreSQL leaves its old version on disk (a dead tuple) until VACUUM, so after a
/// shredding commits this runs VACUUM on the tables it touched: the old key rows and the old plaintext rows
/// are then removed from the heap and its indexes. A shredding enqueues a row and a NOTIFY in its own transaction,
/// so only committed shreddings are vacuumed, as soon as they commit; rows left by an earlier run at start-up.
/// VACUUM cannot remove what an older snapshot still sees, and does not touch WAL or backups
/// (docs/architecture.md "Encryption and crypto-shredding" lists what logical deletion leaves).
/// </summary>
public sealed class ShreddingVacuum(NpgsqlDataSource db, Store store, ILogger<ShreddingVacuum> log) : BackgroundService
{
    /// <summary>Notified by a shredding's transaction; PostgreSQL delivers it only when that transaction commits.</summary>
    private const string Channel = "archive_shred_vacuum";
    private static readonly TimeSpan CommitWait = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan LockWait = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Reconnect = TimeSpan.FromSeconds(5);
    private const int MaxAttempts = 30;
    private long _completed;

    /// <summary>Vacuum rounds finished (tests wait on it).</summary>
    public long Completed => Interlocked.Read(ref _completed);

    internal async Task EnqueueAsync(string[] streams, NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            $"with queued as (insert into archive_api.shred_vacuum_queue (stream_ids) values ($1) returning 1) select pg_notify('{Channel}', '') from queued",
            conn, tx);
        cmd.Parameters.AddWithValue(streams);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Listens for committed shreddings (of any node) and vacuums after each; one round at start for what an earlier
    /// run left. A lost listening connection is opened again after a pause, with a round for what it missed.
    /// </summary>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var conn = await db.OpenConnectionAsync(stoppingToken);
                await using (var listen = new NpgsqlCommand($"listen {Channel}", conn)) await listen.ExecuteNonQueryAsync(stoppingToken);
                try
                {
                    while (true)
                    {
                        await RoundAsync(stoppingToken);
                        await conn.WaitAsync(stoppingToken);
                    }
                }
                finally
                {
                    // The pool keeps session state (No Reset On Close): leave no LISTEN behind on a healthy connection.
                    if (conn.State == System.Data.ConnectionState.Open)
                        await using (var unlisten = new NpgsqlCommand("unlisten *", conn)) await unlisten.ExecuteNonQueryAsync(CancellationToken.None);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                log.LogWarning(e, "VACUUM after shredding failed; retrying, and autovacuum removes the dead rows meanwhile");
                await Task.Delay(Reconnect, stoppingToken);
            }
        }
    }

    /// <summary>Vacuums for every committed request, if any.</summary>
    private async Task RoundAsync(CancellationToken ct)
    {
        var requests = new List<(long Id, string[] Streams)>();
        await using (var cmd = db.CreateCommand("select id, stream_ids from archive_api.shred_vacuum_queue order by id"))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct)) requests.Add((r.GetInt64(0), r.GetFieldValue<string[]>(1)));
        if (requests.Count == 0) return;

        // The search projection may re-create a row from events it read before the shredding committed, until it
        // folds the destruction events; vacuum after it has passed them.
        await using (var cmd = db.CreateCommand($"select coalesce(max(position), 0) from {store.Options.Schema}.events where stream_id = any($1)"))
        {
            cmd.Parameters.AddWithValue(requests.SelectMany(q => q.Streams).Distinct().ToArray());
            var last = (long)(await cmd.ExecuteScalarAsync(ct))!;
            // Both projections keep text of the record (the search row, the review list's facts and row); each runs on its own.
            try
            {
                await store.WaitForProjectionAsync(SearchProjection.ProjectionName, last, CommitWait, ct);
                await store.WaitForProjectionAsync(Features.Disposition.ReviewProjection.ProjectionName, last, CommitWait, ct);
            }
            catch (TimeoutException) { /* vacuum what can be vacuumed now; the projections delete their rows when they get there */ }
        }
        var s = store.Options.Schema;
        await VacuumFullAsync([$"{s}.stream_keys", $"{s}.dead_letters", "archive_api.search_index", "archive_api.record_list",
            "archive_api.page_text", "archive_api.disposition_review",
            "archive_api.disposition_review_dossiers", "archive_api.disposition_review_documents",
            "archive_api.idempotency", "archive_api.access_log"], ct);
        await using (var cmd = db.CreateCommand("delete from archive_api.shred_vacuum_queue where id = any($1)"))
        {
            cmd.Parameters.AddWithValue(requests.Select(q => q.Id).ToArray());
            await cmd.ExecuteNonQueryAsync(ct);
        }
        await VacuumFullAsync(["archive_api.shred_vacuum_queue"], ct);
        Interlocked.Increment(ref _completed);
        log.LogInformation("Vacuumed after shredding {Count} record stream(s)", requests.Sum(q => q.Streams.Length));
    }

    /// <summary>
    /// VACUUM FULL takes an exclusive lock, and every later reader of the table queues behind its request. Waiting
    /// without bound could deadlock the application: the projection daemon holds a transaction that has read
    /// <c>stream_keys</c> while it reads keys again on another connection, queued behind the VACUUM that waits for
    /// that transaction. So each table is tried with a short lock timeout, and a table that is busy is retried after
    /// a pause; after <see cref="MaxAttempts"/> the round fails and the queue rows stay for the next round.
    /// </summary>
    private async Task VacuumFullAsync(IReadOnlyList<string> tables, CancellationToken ct)
    {
        var pending = tables.ToList();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using (var set = new NpgsqlCommand($"set lock_timeout = '{(int)LockWait.TotalMilliseconds}ms'", conn)) await set.ExecuteNonQueryAsync(ct);
        try
        {
            for (var attempt = 1; pending.Count > 0; attempt++)
            {
                foreach (var table in pending.ToList())
                {
                    try
                    {
                        await using var cmd = new NpgsqlCommand($"vacuum full {table}", conn) { CommandTimeout = 0 };
                        await cmd.ExecuteNonQueryAsync(ct);
                        pending.Remove(table);
                    }
                    catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.LockNotAvailable && attempt < MaxAttempts) { }
                }
                if (pending.Count > 0) await Task.Delay(TimeSpan.FromMilliseconds(100 * attempt), ct);
            }
        }
        finally
        {
            await using var reset = new NpgsqlCommand("reset lock_timeout", conn);
            await reset.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

}

public static class ShreddingServices
{
    /// <summary>The <see cref="IRecordShredder"/> used by destruction, and the VACUUM that follows each shredding.</summary>
    public static IServiceCollection AddRecordShredding(this IServiceCollection services)
    {
        services.AddSingleton<ShreddingVacuum>();
        services.AddHostedService(sp => sp.GetRequiredService<ShreddingVacuum>());
        services.AddSingleton<IRecordShredder, RecordShredder>();
        services.AddSingleton<ShreddingLedgerWriter>();
        services.AddSingleton<RestoreShredding>();
        return services;
    }
}
