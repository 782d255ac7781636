using System.Security.Claims;
using Archive.Api.Infrastructure.Auth;
using Npgsql;

namespace Archive.Api.Infrastructure.Access;

public static class AccessActions
{
    public const string View = "view";
    public const string Download = "download";
}

public sealed record AccessLogEntry(long Id, DateTimeOffset At, string Caller, string? CallerName, string? Role,
    string Action, string ResourceKind, string ResourceId, string? Purpose, string? ClientAddress, int? Status);

/// <summary>
/// Access and use history (lịch sử truy cập, sử dụng — NĐ 30/2020 Phụ lục VI III.6.l): who
/// viewed or downloaded what, when, why (<c>purpose</c> query or <c>X-Purpose</c> header) and
/// from where. Features call <see cref="RecordAsync"/> for every view and download.
/// </summary>
public sealed class AccessLog(NpgsqlDataSource db)
{
    public const string PurposeHeader = "X-Purpose";

    public static string? PurposeOf(HttpRequest request)
    {
        var p = request.Query["purpose"].ToString();
        if (string.IsNullOrWhiteSpace(p)) p = request.Headers[PurposeHeader].ToString();
        return string.IsNullOrWhiteSpace(p) ? null : p.Length > 500 ? p[..500] : p;
    }

    public async Task RecordAsync(HttpContext http, string action, string resourceKind, string resourceId, int? status = null, CancellationToken ct = default)
    {
        var user = http.User;
        await using var cmd = db.CreateCommand("""
            insert into archive_api.access_log (caller, caller_name, role, action, resource_kind, resource_id, purpose, client_address, status)
            values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            """);
        cmd.Parameters.AddWithValue(user.FindFirstValue(ArchiveClaims.KeyId) ?? user.FindFirstValue(ArchiveClaims.PersonId) ?? "anonymous");
        cmd.Parameters.AddWithValue((object?)user.FindFirstValue(ClaimTypes.Name) ?? DBNull.Value);
        cmd.Parameters.AddWithValue((object?)user.FindFirstValue(ClaimTypes.Role) ?? DBNull.Value);
        cmd.Parameters.AddWithValue(action);
        cmd.Parameters.AddWithValue(resourceKind);
        cmd.Parameters.AddWithValue(resourceId);
        cmd.Parameters.AddWithValue((object?)PurposeOf(http.Request) ?? DBNull.Value);
        cmd.Parameters.AddWithValue((object?)http.Connection.RemoteIpAddress?.ToString() ?? DBNull.Value);
        cmd.Parameters.AddWithValue((object?)status ?? DBNull.Value);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Newest first. Without clearance, uses of regime 03 records are left out (their purposes describe them), decided
    /// from the records' current regimes (<see cref="RecordAccess"/>).
    /// </summary>
    public async Task<IReadOnlyList<AccessLogEntry>> ListAsync(string? resourceKind, string? resourceId, int limit, bool clearedForSecret,
        CancellationToken ct)
    {
        var hidden = clearedForSecret ? "" : " and " + RecordAccess.NotSecret("(resource_kind || '-' || resource_id)");
        await using var cmd = db.CreateCommand($"""
            select id, at, caller, caller_name, role, action, resource_kind, resource_id, purpose, client_address, status
            from archive_api.access_log
            where ($1::text is null or resource_kind = $1) and ($2::text is null or resource_id = $2){hidden}
            order by id desc limit $3
            """);
        cmd.Parameters.AddWithValue((object?)resourceKind ?? DBNull.Value);
        cmd.Parameters.AddWithValue((object?)resourceId ?? DBNull.Value);
        cmd.Parameters.AddWithValue(limit);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var list = new List<AccessLogEntry>();
        while (await r.ReadAsync(ct))
            list.Add(new AccessLogEntry(r.GetInt64(0), new DateTimeOffset(r.GetDateTime(1), TimeSpan.Zero), r.GetString(2),
                r.IsDBNull(3) ? null : r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4), r.GetString(5), r.GetString(6),
                r.GetString(7), r.IsDBNull(8) ? null : r.GetString(8), r.IsDBNull(9) ? null : r.GetString(9),
                r.IsDBNull(10) ? null : r.GetInt32(10)));
        return list;
    }
}

public static class AccessLogEndpointExtensions
{
    /// <summary>
    /// Records a <see cref="AccessActions.View"/> of <paramref name="resourceKind"/> (id from the
    /// route value <paramref name="idRouteValue"/>) whenever the endpoint answers 2xx/304.
    /// Refused or missing reads are not views, so they are not logged here.
    /// </summary>
    public static TBuilder LogsView<TBuilder>(this TBuilder builder, string resourceKind, string idRouteValue = "id")
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (ctx, next) =>
        {
            var result = await next(ctx);
            var http = ctx.HttpContext;
            var inner = result;
            while (inner is INestedHttpResult nested) inner = nested.Result; // unwrap Results<...>
            var status = (inner as IStatusCodeHttpResult)?.StatusCode ?? http.Response.StatusCode;
            if (status is >= 200 and < 300 or 304)
                await http.RequestServices.GetRequiredService<AccessLog>().RecordAsync(http, AccessActions.View, resourceKind,
                    http.Request.RouteValues[idRouteValue]?.ToString() ?? "", status, http.RequestAborted);
            return result;
        });
}
