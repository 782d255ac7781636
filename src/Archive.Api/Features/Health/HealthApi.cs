using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Archive.Api.Hosting.OpenApi;

namespace Archive.Api.Features.Health;

public static class HealthApi
{
    private static readonly Dictionary<string, OperationDoc> Docs = new()
    {
        ["GET /health"] = new("Tình trạng dịch vụ", "Health",
            "200 khi dịch vụ và cơ sở dữ liệu sẵn sàng, 503 khi không kết nối được cơ sở dữ liệu.",
            "200 when the service and its database can serve requests, 503 when the database is unreachable.")
            { Returns = typeof(Health), Problems = [] },
    };

    public sealed record DatabaseHealth(string State, string? Server, string? Error);
    public sealed record Health(string Status, DatabaseHealth Database, int DeadLetters = 0);

    /// <summary>Liveness and database state; anonymous by design so load balancers can probe it.</summary>
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/health", async Task<Results<Ok<Health>, JsonHttpResult<Health>>> (NpgsqlDataSource db, HttpContext http, CancellationToken ct) =>
        {
            try
            {
                await using var cmd = db.CreateCommand("select current_setting('server_version')");
                var version = (string?)await cmd.ExecuteScalarAsync(ct);
                // An event a projection could not apply leaves a read model without it: degraded until an admin acts
                // (the dead letters are listed as alerts under /api/v1/audit/alerts).
                var deadLetters = await Audit.FixityAlerts.DeadLetterCountAsync(db, ct);
                return TypedResults.Ok(new Health(deadLetters > 0 ? "degraded" : "ok", new DatabaseHealth("connected", version, null), deadLetters));
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                Infrastructure.Problems.DatabaseUnavailable.SetRetryAfter(http.Response);
                return TypedResults.Json(new Health("unavailable", new DatabaseHealth("unreachable", null, e.GetType().Name)),
                    statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        }).AllowAnonymous().WithTags("Health").Describe(Docs).Produces<Health>(503);
        return routes;
    }
}
