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
/// Idempotent POSTs. The row for (caller, key) is inserted before the handler runs, so a
/// concurrent duplicate finds it and gets 409 instead of executing twice. The body is hashed
/// while the handler streams it (no buffering, works for multipart); a retry's body is hashed
/// by draining it, then either the stored response is replayed or 422 is answered. Failed
/// attempts (5xx or exceptions) release the key so the client can retry.
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

        if (await TryClaimAsync(caller, key, route, ct))
            await ExecuteAndStoreAsync(http, caller, key);
        else
            await ReplayAsync(http, caller, key, route);
    }

    private async Task<bool> TryClaimAsync(string caller, string key, string route, CancellationToken ct)
    {
        // A 'pending' row older than any request can run was left by a crashed instance; take it over.
        await using (var stale = db.CreateCommand("""
            delete from archive_api.idempotency where caller = $1 and key = $2 and state = 'pending' and created_at < now() - interval '15 minutes'
            """))
        {
            stale.Parameters.AddWithValue(caller);
            stale.Parameters.AddWithValue(key);
            await stale.ExecuteNonQueryAsync(ct);
        }
        await using var cmd = db.CreateCommand("""
            insert into archive_api.idempotency (caller, key, route) values ($1, $2, $3) on conflict do nothing
            """);
        cmd.Parameters.AddWithValue(caller);
        cmd.Parameters.AddWithValue(key);
        cmd.Parameters.AddWithValue(route);
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    private async Task ExecuteAndStoreAsync(HttpContext http, string caller, string key)
    {
        using var hashing = new HashingReadStream(http.Request.Body);
        http.Request.Body = hashing;
        var originalBody = http.Response.Body;
        var capture = new CaptureStream(originalBody, MaxStoredBody);
        http.Response.Body = capture;
        var stored = false;
        try
        {
            await next(http);
            await hashing.DrainAsync(http.RequestAborted);
            if (http.Response.StatusCode < 500 && !capture.Overflowed)
            {
                await StoreAsync(http, caller, key, hashing.Hash(), capture.Captured);
                stored = true;
            }
        }
        finally
        {
            http.Response.Body = originalBody;
            if (!stored) await ReleaseAsync(caller, key);
        }
    }

    private async Task StoreAsync(HttpContext http, string caller, string key, byte[] hash, byte[] body)
    {
        var headers = ReplayedHeaders.Where(h => http.Response.Headers.ContainsKey(h))
            .ToDictionary(h => h, h => http.Response.Headers[h].ToString());
        await using var cmd = db.CreateCommand("""
            update archive_api.idempotency set state = 'done', request_hash = $3, status = $4, headers = $5, body = $6
            where caller = $1 and key = $2
            """);
        cmd.Parameters.AddWithValue(caller);
        cmd.Parameters.AddWithValue(key);
        cmd.Parameters.AddWithValue(hash);
        cmd.Parameters.AddWithValue(http.Response.StatusCode);
        cmd.Parameters.AddWithValue(NpgsqlDbType.Jsonb, JsonSerializer.Serialize(headers));
        cmd.Parameters.AddWithValue(body);
        await cmd.ExecuteNonQueryAsync(CancellationToken.None);
    }

    private async Task ReleaseAsync(string caller, string key)
    {
        try
        {
            await using var cmd = db.CreateCommand("delete from archive_api.idempotency where caller = $1 and key = $2 and state = 'pending'");
            cmd.Parameters.AddWithValue(caller);
            cmd.Parameters.AddWithValue(key);
            await cmd.ExecuteNonQueryAsync(CancellationToken.None);
        }
        catch (NpgsqlException e)
        {
            log.LogWarning(e, "Could not release an idempotency key after a failed request");
        }
    }

    private async Task ReplayAsync(HttpContext http, string caller, string key, string route)
    {
        var ct = http.RequestAborted;
        await using var cmd = db.CreateCommand("""
            select route, state, request_hash, status, headers::text, body from archive_api.idempotency where caller = $1 and key = $2
            """);
        cmd.Parameters.AddWithValue(caller);
        cmd.Parameters.AddWithValue(key);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct))
        {
            // The first attempt failed and released the key between our insert and this read.
            await WriteProblem(http, 409, new Text("Yêu cầu với Idempotency-Key này vừa thất bại; hãy thử lại.", "A request with this Idempotency-Key just failed; retry."), "idempotency-retry");
            return;
        }
        if (r.GetString(0) != route)
        {
            await WriteProblem(http, 422, new Text("Idempotency-Key đã được dùng cho một thao tác khác.", "The Idempotency-Key was used for a different operation."), "idempotency-key-reused");
            return;
        }
        if (r.GetString(1) != "done")
        {
            http.Response.Headers.RetryAfter = "1";
            await WriteProblem(http, 409, new Text("Yêu cầu với Idempotency-Key này đang được xử lý.", "A request with this Idempotency-Key is still in progress."), "idempotency-in-progress");
            return;
        }
        var storedHash = (byte[])r[2];
        var status = r.GetInt32(3);
        var headers = JsonSerializer.Deserialize<Dictionary<string, string>>(r.GetString(4))!;
        var body = (byte[])r[5];
        await r.DisposeAsync();

        using var hashing = new HashingReadStream(http.Request.Body);
        await hashing.DrainAsync(ct);
        if (!CryptographicOperations.FixedTimeEquals(hashing.Hash(), storedHash))
        {
            await WriteProblem(http, 422, new Text("Idempotency-Key đã được dùng với nội dung yêu cầu khác.", "The Idempotency-Key was used with a different request body."), "idempotency-key-reused");
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
