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
/// Idempotent POSTs. The request holds its key for as long as it runs (<see cref="IdempotencyClaim"/>: an advisory
/// lock in a transaction of its own, released by commit, rollback or a crash), so a concurrent duplicate gets 409
/// instead of executing twice. Events the request appends record the key's outcome in their own transaction; the
/// answer (status, replayed headers, body) is stored when the handler returns. A retry then finds one of three
/// states: the answer (replayed, after checking the body's hash), an outcome without an answer (the process stopped
/// between the commit and storing the answer: 409 <c>idempotency-answer-lost</c>, never a second execution), or
/// nothing (nothing was committed: it runs, once). Failed attempts (5xx, exceptions) store no answer.
/// </summary>
public sealed class IdempotencyMiddleware(RequestDelegate next, NpgsqlDataSource db, ILogger<IdempotencyMiddleware> log)
{
    private const int MaxStoredBody = 1 << 20;
    private static readonly string[] ReplayedHeaders = ["Location", "ETag", "Content-Type", "Last-Modified"];

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

        await using var holder = await db.OpenConnectionAsync(ct);
        await using var hold = await holder.BeginTransactionAsync(ct);
        await using (var lockCmd = new NpgsqlCommand("select pg_try_advisory_xact_lock($1)", holder, hold))
        {
            lockCmd.Parameters.AddWithValue(IdempotencyClaim.LockKey(caller, key));
            if (!(bool)(await lockCmd.ExecuteScalarAsync(ct))!)
            {
                http.Response.Headers.RetryAfter = "1";
                await WriteProblem(http, 409, new Text("Yêu cầu với Idempotency-Key này đang được xử lý.", "A request with this Idempotency-Key is still in progress."), "idempotency-in-progress");
                return;
            }
        }
        if (await HasRowAsync(caller, key, ct))
            await ReplayAsync(http, caller, key, route);
        else
            await ExecuteAndStoreAsync(http, caller, key, route);
        await hold.CommitAsync(CancellationToken.None);
    }

    private async Task<bool> HasRowAsync(string caller, string key, CancellationToken ct)
    {
        // 'pending' rows were left by the former claim-first design after a crash; nothing committed with them. Removed
        // in a statement of its own: an uncommitted delete in the holding transaction would block the request's append.
        await using (var stale = db.CreateCommand("delete from archive_api.idempotency where caller = $1 and key = $2 and state = 'pending'"))
        {
            stale.Parameters.AddWithValue(caller);
            stale.Parameters.AddWithValue(key);
            await stale.ExecuteNonQueryAsync(ct);
        }
        await using var cmd = db.CreateCommand("select exists (select 1 from archive_api.idempotency where caller = $1 and key = $2)");
        cmd.Parameters.AddWithValue(caller);
        cmd.Parameters.AddWithValue(key);
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    private async Task ExecuteAndStoreAsync(HttpContext http, string caller, string key, string route)
    {
        using var hashing = new HashingReadStream(http.Request.Body);
        http.Request.Body = hashing;
        http.Items[typeof(IdempotencyClaim)] = new IdempotencyClaim(caller, key, route, hashing);
        var originalBody = http.Response.Body;
        var capture = new CaptureStream(originalBody, MaxStoredBody);
        http.Response.Body = capture;
        try
        {
            await next(http);
            await hashing.DrainAsync(http.RequestAborted);
            if (http.Response.StatusCode < 500 && !capture.Overflowed)
                await StoreAsync(http, caller, key, route, hashing.Hash(), capture.Captured);
        }
        finally
        {
            http.Response.Body = originalBody;
            http.Items.Remove(typeof(IdempotencyClaim));
        }
    }

    private async Task StoreAsync(HttpContext http, string caller, string key, string route, byte[] hash, byte[] body)
    {
        var headers = ReplayedHeaders.Where(h => http.Response.Headers.ContainsKey(h))
            .ToDictionary(h => h, h => http.Response.Headers[h].ToString());
        try
        {
            await using var cmd = db.CreateCommand("""
                insert into archive_api.idempotency (caller, key, route, request_hash, state, status, headers, body)
                values ($1, $2, $3, $4, 'done', $5, $6, $7)
                on conflict (caller, key) do update set state = 'done', request_hash = excluded.request_hash, status = excluded.status,
                    headers = excluded.headers, body = excluded.body
                """);
            cmd.Parameters.AddWithValue(caller);
            cmd.Parameters.AddWithValue(key);
            cmd.Parameters.AddWithValue(route);
            cmd.Parameters.AddWithValue(hash);
            cmd.Parameters.AddWithValue(http.Response.StatusCode);
            cmd.Parameters.AddWithValue(NpgsqlDbType.Jsonb, JsonSerializer.Serialize(headers));
            cmd.Parameters.AddWithValue(body);
            await cmd.ExecuteNonQueryAsync(CancellationToken.None);
        }
        catch (NpgsqlException e)
        {
            // The answer was sent; a retry will learn from the committed outcome that the request was carried out.
            log.LogWarning(e, "Could not store the answer of an idempotent request");
        }
    }

    private async Task ReplayAsync(HttpContext http, string caller, string key, string route)
    {
        var ct = http.RequestAborted;
        await using var cmd = db.CreateCommand("""
            select route, state, request_hash, status, headers::text, body, outcome from archive_api.idempotency where caller = $1 and key = $2
            """);
        cmd.Parameters.AddWithValue(caller);
        cmd.Parameters.AddWithValue(key);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct))
        {
            // Removed meanwhile (the shredding of a destroyed record rewrites, never removes, so only by hand).
            await WriteProblem(http, 409, new Text("Yêu cầu với Idempotency-Key này vừa thất bại; hãy thử lại.", "A request with this Idempotency-Key just failed; retry."), "idempotency-retry");
            return;
        }
        if (r.GetString(0) != route)
        {
            await WriteProblem(http, 422, new Text("Idempotency-Key đã được dùng cho một thao tác khác.", "The Idempotency-Key was used for a different operation."), "idempotency-key-reused");
            return;
        }
        var done = r.GetString(1) == "done";
        var storedHash = (byte[])r[2];
        var outcome = r.IsDBNull(6) ? "" : r.GetString(6);
        var status = done ? r.GetInt32(3) : 0;
        var headers = done ? JsonSerializer.Deserialize<Dictionary<string, string>>(r.GetString(4))! : [];
        var body = done ? (byte[])r[5] : [];
        await r.DisposeAsync();

        using var hashing = new HashingReadStream(http.Request.Body);
        await hashing.DrainAsync(ct);
        if (!CryptographicOperations.FixedTimeEquals(hashing.Hash(), storedHash))
        {
            await WriteProblem(http, 422, new Text("Idempotency-Key đã được dùng với nội dung yêu cầu khác.", "The Idempotency-Key was used with a different request body."), "idempotency-key-reused");
            return;
        }
        if (!done)
        {
            await WriteProblem(http, 409, new Text(
                $"Yêu cầu với Idempotency-Key này đã được thực hiện ({outcome}) nhưng máy chủ dừng trước khi lưu câu trả lời; không thực hiện lại. Hãy đọc hồ sơ/tài liệu để xem kết quả.",
                $"The request with this Idempotency-Key was carried out ({outcome}) but the server stopped before keeping its answer; it is not run again. Read the record to see the result."),
                "idempotency-answer-lost");
            return;
        }
        http.Response.StatusCode = status;
        foreach (var (name, value) in headers) http.Response.Headers[name] = value;
        http.Response.Headers[IdempotencyExtensions.ReplayedHeader] = "true";
        http.Response.ContentLength = body.Length;
        await http.Response.Body.WriteAsync(body, ct);
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
