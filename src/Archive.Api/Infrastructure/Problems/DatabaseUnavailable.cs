using System.Net.Sockets;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace Archive.Api.Infrastructure.Problems;

/// <summary>
/// The database is unreachable (stopped, crashed, restarting, refusing connections): every request that needs it
/// answers 503 problem+json with Retry-After, never 500, and changes nothing (the failed transaction never committed).
/// The host restarts its private cluster by itself (Hosting/ArchiveDatabase.cs).
/// </summary>
public static class DatabaseUnavailable
{
    /// <summary>Seconds a client should wait before retrying; the supervisor checks the cluster every second.</summary>
    public const int RetryAfterSeconds = 5;

    /// <summary>
    /// Whether <paramref name="e"/> (or an exception it wraps) says the server cannot be reached or is going away:
    /// any Npgsql failure that is not a server error (connection refused, broken or timed out, pool exhausted), or a
    /// server error of class 08 (connection exception), 57P01–57P03 (shutdown, crash, cannot connect now) or 53
    /// (insufficient resources: too many connections, disk full).
    /// </summary>
    public static bool Is(Exception? e)
    {
        for (var depth = 0; e is not null && depth < 8; depth++, e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException pe:
                    return pe.SqlState.StartsWith("08", StringComparison.Ordinal) || pe.SqlState.StartsWith("53", StringComparison.Ordinal)
                        || pe.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow;
                case NpgsqlException:
                    return true;
                case SocketException:
                    return true;
                case AggregateException a when a.InnerExceptions.Any(Is):
                    return true;
            }
        }
        return false;
    }

    public static ProblemDetails Details() => ApiProblems.Details(503,
        new Text("Cơ sở dữ liệu tạm thời không khả dụng", "Database temporarily unavailable"),
        new Text($"Kho lưu trữ tạm thời không kết nối được cơ sở dữ liệu và đang khôi phục; yêu cầu chưa được thực hiện. Vui lòng thử lại sau {RetryAfterSeconds} giây.",
                 $"The archive cannot reach its database right now and is recovering; nothing was done. Please retry in {RetryAfterSeconds} seconds."),
        "database-unavailable");

    public static void SetRetryAfter(HttpResponse response) => response.Headers.RetryAfter = RetryAfterSeconds.ToString();
}
