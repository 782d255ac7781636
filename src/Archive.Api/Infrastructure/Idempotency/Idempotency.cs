using System.Security.Cryptography;
using System.Text.Json;
using Archive.Api.Infrastructure.Auth;
using Archive.Api.Infrastructure.Problems;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using NpgsqlTypes;

namespace Archive.Api.Infrastructure.Idempotency;

/// <summary>Marks a POST endpoint as honouring <c>Idempotency-Key</c>.</summary>
public sealed class IdempotentMetadata;

public static class IdempotencyExtensions
{
    public const string Header = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";

    public static TBuilder Idempotent<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.WithMetadata(new IdempotentMetadata());
        return builder;
    }

    public static WebApplication UseIdempotency(this WebApplication app)
    {
        app.UseMiddleware<IdempotencyMiddleware>();
        return app;
    }
}

/// <summary>
/// Fault injection for tests only (never registered by the host): runs just before and just after the request's
/// transaction commits, given the answer's body, to stand in for a process that dies at that point.
/// </summary>
public sealed class IdempotencyTestHooks
{
    public Func<HttpContext, byte[], Task>? BeforeCommit { get; set; }
    public Func<HttpContext, byte[], Task>? AfterCommit { get; set; }
}

/// <summary>
/// Idempotent POSTs. One transaction per request: the key's advisory lock is taken in it (a concurrent duplicate waits
/// for the first to end, up to <c>Archive:Idempotency:WaitSeconds</c>, then finds its answer), the handler's writes join
/// it (<see cref="IdempotencyClaim.WriteAsync{T}"/>), the handler's answer (status, replayed headers, body) is buffered
/// and stored in it, and only then does it commit and the answer go out. After any crash a retry finds either the
/// stored answer (replayed, after checking route and body hash) or nothing at all (nothing committed: it runs, once).
/// A 5xx or an exception rolls everything back. Rows in the states of former designs ('pending': nothing committed;
/// 'committed': events without an answer) are still understood.
/// </summary>
public sealed class IdempotencyMiddleware(RequestDelegate next, NpgsqlDataSource db, IConfiguration config, ILogger<IdempotencyMiddleware> log)
{
    private static readonly string[] ReplayedHeaders = ["Location", "ETag", "Content-Type", "Last-Modified", "Content-Disposition", "X-Copy-Sha256"];
    private readonly int _waitMs = Math.Max(1, (int)((config.GetValue<double?>("Archive:Idempotency:WaitSeconds") ?? 30) * 1000));

    public async Task InvokeAsync(HttpContext http)
    {
        if (!HttpMethods.IsPost(http.Request.Method) || http.GetEndpoint()?.Metadata.GetMetadata<IdempotentMetadata>() is null
            || !http.Request.Headers.TryGetValue(IdempotencyExtensions.Header, out var keyValues)
            || http.User.FindFirst(ArchiveClaims.KeyId) is null)
        {
            await next(http);
            return;
        }
        var key = keyValues.ToString();
        if (key.Length is 0 or > 200)
        {
            await WriteProblem(http, 400, new Text("Idempotency-Key phải có từ 1 đến 200 ký tự.", "Idempotency-Key must be 1 to 200 characters."), "idempotency-key-invalid");
            return;
        }
        var caller = http.User.CallerId();
        var route = $"{http.Request.Method} {http.Request.Path}";
        var ct = http.RequestAborted;

        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        if (!await LockAsync(conn, tx, caller, key, ct))
        {
            http.Response.Headers.RetryAfter = "1";
            await WriteProblem(http, 409, new Text("Yêu cầu với Idempotency-Key này đang được xử lý.", "A request with this Idempotency-Key is still in progress."), "idempotency-in-progress");
            return;
        }
        var stored = await ReadStoredAsync(conn, tx, caller, key, ct);
        if (stored is not null)
        {
            await ReplayAsync(http, stored, route);
            return;
        }
        await ExecuteAsync(http, new IdempotencyClaim(caller, key, route, conn, tx));
    }

    /// <summary>Takes the key's lock, waiting for a request that holds it; false when it is still held after the wait.</summary>
    private async Task<bool> LockAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string caller, string key, CancellationToken ct)
    {
        await using (var wait = new NpgsqlCommand($"set local lock_timeout = {_waitMs}", conn, tx)) await wait.ExecuteNonQueryAsync(ct);
        await using (var save = new NpgsqlCommand("savepoint lock_wait", conn, tx)) await save.ExecuteNonQueryAsync(ct);
        try
        {
            await using var cmd = new NpgsqlCommand("select pg_advisory_xact_lock($1)", conn, tx);
            cmd.Parameters.AddWithValue(IdempotencyClaim.LockKey(caller, key));
            await cmd.ExecuteNonQueryAsync(ct);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.LockNotAvailable)
        {
            return false;
        }
        // The handler's own statements keep the server's default.
        await using (var reset = new NpgsqlCommand("release savepoint lock_wait; set local lock_timeout = default", conn, tx)) await reset.ExecuteNonQueryAsync(ct);
        return true;
    }

    private sealed record Stored(string Route, string State, byte[]? Hash, int Status, Dictionary<string, string> Headers, byte[] Body, string Outcome);

    private static async Task<Stored?> ReadStoredAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string caller, string key, CancellationToken ct)
    {
        // 'pending' rows were left by the first, claim-first design after a crash; nothing committed with them.
        await using (var stale = new NpgsqlCommand("delete from archive_api.idempotency where caller = $1 and key = $2 and state = 'pending'", conn, tx))
        {
            stale.Parameters.AddWithValue(caller);
            stale.Parameters.AddWithValue(key);
            await stale.ExecuteNonQueryAsync(ct);
        }
        await using var cmd = new NpgsqlCommand("""
            select route, state, request_hash, status, headers::text, body, outcome from archive_api.idempotency where caller = $1 and key = $2
            """, conn, tx);
        cmd.Parameters.AddWithValue(caller);
        cmd.Parameters.AddWithValue(key);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        var done = r.GetString(1) == "done";
        return new Stored(r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : (byte[])r[2], done ? r.GetInt32(3) : 0,
            done ? JsonSerializer.Deserialize<Dictionary<string, string>>(r.GetString(4))! : [], done ? (byte[])r[5] : [],
            r.IsDBNull(6) ? "" : r.GetString(6));
    }

    private async Task ExecuteAsync(HttpContext http, IdempotencyClaim claim)
    {
        using var hashing = new HashingReadStream(http.Request.Body);
        http.Request.Body = hashing;
        http.Items[typeof(IdempotencyClaim)] = claim;
        var originalBody = http.Response.Body;
        using var buffer = new MemoryStream();
        http.Response.Body = buffer;
        try
        {
            await next(http);
            await hashing.DrainAsync(http.RequestAborted);
        }
        finally
        {
            http.Response.Body = originalBody;
            http.Items.Remove(typeof(IdempotencyClaim));
        }
        var body = buffer.ToArray();
        if (http.Response.StatusCode < 500)
        {
            await StoreAsync(http, claim, hashing.Hash(), body);
            var hooks = http.RequestServices.GetService<IdempotencyTestHooks>();
            if (hooks?.BeforeCommit is { } before) await before(http, body);
            // Not cancellable: once the client's answer is decided it commits even if the client has gone.
            await claim.Transaction.CommitAsync(CancellationToken.None);
            foreach (var action in claim.CommittedActions)
                try { await action(); }
                catch (Exception e) { log.LogWarning(e, "An action after the commit of an idempotent request failed"); }
            if (hooks?.AfterCommit is { } after) await after(http, body);
        }
        else await claim.Transaction.RollbackAsync(CancellationToken.None);
        if (body.Length > 0)
        {
            http.Response.ContentLength = body.Length;
            await originalBody.WriteAsync(body, http.RequestAborted);
        }
    }

    /// <summary>The answer, in the request's transaction: it commits with the events or not at all.</summary>
    private static async Task StoreAsync(HttpContext http, IdempotencyClaim claim, byte[] hash, byte[] body)
    {
        var headers = ReplayedHeaders.Where(h => http.Response.Headers.ContainsKey(h))
            .ToDictionary(h => h, h => http.Response.Headers[h].ToString());
        await using var cmd = new NpgsqlCommand("""
            insert into archive_api.idempotency (caller, key, route, request_hash, state, status, headers, body)
            values ($1, $2, $3, $4, 'done', $5, $6, $7)
            """, claim.Connection, claim.Transaction);
        cmd.Parameters.AddWithValue(claim.Caller);
        cmd.Parameters.AddWithValue(claim.Key);
        cmd.Parameters.AddWithValue(claim.Route);
        cmd.Parameters.AddWithValue(hash);
        cmd.Parameters.AddWithValue(http.Response.StatusCode);
        cmd.Parameters.AddWithValue(NpgsqlDbType.Jsonb, JsonSerializer.Serialize(headers));
        cmd.Parameters.AddWithValue(body);
        await cmd.ExecuteNonQueryAsync(CancellationToken.None);
    }

    private static async Task ReplayAsync(HttpContext http, Stored stored, string route)
    {
        var ct = http.RequestAborted;
        if (stored.Route != route)
        {
            await WriteProblem(http, 422, new Text("Idempotency-Key đã được dùng cho một thao tác khác.", "The Idempotency-Key was used for a different operation."), "idempotency-key-reused");
            return;
        }
        using var hashing = new HashingReadStream(http.Request.Body);
        await hashing.DrainAsync(ct);
        if (stored.Hash is null || !CryptographicOperations.FixedTimeEquals(hashing.Hash(), stored.Hash))
        {
            await WriteProblem(http, 422, new Text("Idempotency-Key đã được dùng với nội dung yêu cầu khác.", "The Idempotency-Key was used with a different request body."), "idempotency-key-reused");
            return;
        }
        if (stored.State != "done")
        {
            // Only a row of the former design (events committed, answer stored afterwards) can be in this state.
            await WriteProblem(http, 409, new Text(
                $"Yêu cầu với Idempotency-Key này đã được thực hiện ({stored.Outcome}) nhưng máy chủ dừng trước khi lưu câu trả lời; không thực hiện lại. Hãy đọc hồ sơ/tài liệu để xem kết quả.",
                $"The request with this Idempotency-Key was carried out ({stored.Outcome}) but the server stopped before keeping its answer; it is not run again. Read the record to see the result."),
                "idempotency-answer-lost");
            return;
        }
        http.Response.StatusCode = stored.Status;
        foreach (var (name, value) in stored.Headers) http.Response.Headers[name] = value;
        http.Response.Headers[IdempotencyExtensions.ReplayedHeader] = "true";
        http.Response.ContentLength = stored.Body.Length;
        await http.Response.Body.WriteAsync(stored.Body, ct);
    }

    private static async Task WriteProblem(HttpContext http, int status, Text detail, string code)
    {
        http.Response.StatusCode = status;
        var problems = http.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = ApiProblems.Details(status, ApiProblems.TitleFor(status), detail, code),
        });
    }
}
