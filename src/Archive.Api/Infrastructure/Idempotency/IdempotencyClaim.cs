using Npgsql;

namespace Archive.Api.Infrastructure.Idempotency;

/// <summary>
/// The request's hold on its <c>Idempotency-Key</c> and the one transaction everything the request writes commits in.
/// The middleware opens the transaction, takes the key's transaction-level advisory lock in it, runs the handler, stores
/// the answer in it and only then commits: the events, the other rows the request wrote and the answer a retry will get
/// become durable together or not at all (docs/architecture.md, "Idempotency-Key"). Writers join it through
/// <see cref="WriteAsync{T}"/>; work that must not happen unless the transaction commits (deleting files, writing the
/// shredding ledger) is registered with <see cref="AfterCommit"/>.
/// </summary>
public sealed class IdempotencyClaim(string caller, string key, string route, NpgsqlConnection connection, NpgsqlTransaction transaction)
{
    private readonly List<Func<Task>> _afterCommit = [];
    private int _savepoints;

    public string Caller => caller;
    public string Key => key;
    public string Route => route;
    public NpgsqlConnection Connection => connection;
    public NpgsqlTransaction Transaction => transaction;

    public static IdempotencyClaim? Of(HttpContext? http) => http?.Items[typeof(IdempotencyClaim)] as IdempotencyClaim;

    /// <summary>The advisory lock key of (caller, key), 64 bits of its SHA-256.</summary>
    internal static long LockKey(string caller, string key) =>
        BitConverter.ToInt64(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(caller + "\n" + key)));

    /// <summary>Runs once the request's transaction has committed (never when it rolls back).</summary>
    public void AfterCommit(Func<Task> action) => _afterCommit.Add(action);

    internal IReadOnlyList<Func<Task>> CommittedActions => _afterCommit;

    /// <summary>
    /// Runs <paramref name="work"/> in the request's transaction when it holds an <c>Idempotency-Key</c> (inside a
    /// savepoint, so a refused append — a version conflict the handler retries — undoes only itself), otherwise in a
    /// transaction of its own that commits here.
    /// </summary>
    public static async Task<T> WriteAsync<T>(HttpContext? http, NpgsqlDataSource db, Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> work,
        CancellationToken ct)
    {
        if (Of(http) is { } claim) return await claim.InSavepointAsync(work, ct);
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var result = await work(conn, tx);
        await tx.CommitAsync(ct);
        return result;
    }

    private async Task<T> InSavepointAsync<T>(Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> work, CancellationToken ct)
    {
        var name = "w" + ++_savepoints;
        await transaction.SaveAsync(name, ct);
        T result;
        try { result = await work(connection, transaction); }
        catch
        {
            // A broken connection cannot roll back; the request's commit then fails and nothing is kept.
            try { await transaction.RollbackAsync(name, CancellationToken.None); } catch (NpgsqlException) { }
            throw;
        }
        await transaction.ReleaseAsync(name, ct);
        return result;
    }
}
