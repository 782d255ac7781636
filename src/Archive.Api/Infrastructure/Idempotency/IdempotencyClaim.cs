using Npgsql;

namespace Archive.Api.Infrastructure.Idempotency;

/// <summary>
/// The request's hold on its <c>Idempotency-Key</c>. The middleware holds it as a transaction-level advisory lock on a
/// connection of its own for as long as the request runs: a concurrent duplicate finds the lock taken (409), and a
/// crash releases it with the connection, so no "pending" row outlives the process. Whatever the request commits
/// records the key's outcome in the same transaction (<see cref="RecordOutcomeAsync"/>): after a crash the key either
/// has an outcome (the retry does not run again) or has none and nothing was committed (the retry runs, once).
/// </summary>
public sealed class IdempotencyClaim(string caller, string key, string route, HashingReadStream body)
{
    public string Caller => caller;
    public string Key => key;
    public string Route => route;
    internal HashingReadStream Body => body;

    public static IdempotencyClaim? Of(HttpContext http) => http.Items[typeof(IdempotencyClaim)] as IdempotencyClaim;

    /// <summary>The advisory lock key of (caller, key), 64 bits of its SHA-256.</summary>
    internal static long LockKey(string caller, string key) =>
        BitConverter.ToInt64(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(caller + "\n" + key)));

    /// <summary>
    /// Marks the key as carried out, inside the caller's transaction (the one that commits the request's events). The
    /// answer is stored after the handler returns; if the process dies before that, a retry learns the request was
    /// carried out instead of running it again.
    /// </summary>
    public async Task RecordOutcomeAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string outcome, CancellationToken ct)
    {
        // The body was read by binding or by the handler before anything is committed; drain what is left to hash it.
        await body.DrainAsync(ct);
        await using var cmd = new NpgsqlCommand("""
            insert into archive_api.idempotency (caller, key, route, request_hash, state, outcome) values ($1, $2, $3, $4, 'committed', $5)
            on conflict (caller, key) do update set state = 'committed', request_hash = excluded.request_hash,
                outcome = coalesce(archive_api.idempotency.outcome || ' ', '') || excluded.outcome
            """, connection, transaction);
        cmd.Parameters.AddWithValue(caller);
        cmd.Parameters.AddWithValue(key);
        cmd.Parameters.AddWithValue(route);
        cmd.Parameters.AddWithValue(body.Hash());
        cmd.Parameters.AddWithValue(outcome);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
