using System.Text.Json;
using Archive.Api.Infrastructure.Problems;
using Archive.Api.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace Archive.Api.Tests;

/// <summary>The global handler, driven directly: no endpoint exists whose purpose is to crash.</summary>
public class unexpected_errors(ApiFixture api) : IClassFixture<ApiFixture>
{
    private async Task<(int Status, string Body)> Handle(Exception e)
    {
        var http = new DefaultHttpContext { RequestServices = api.Host.Services };
        http.Response.Body = new MemoryStream();
        var handler = new ArchiveExceptionHandler(api.Service<IProblemDetailsService>(), NullLogger<ArchiveExceptionHandler>.Instance);
        (await handler.TryHandleAsync(http, e, default)).ShouldBeTrue();
        http.Response.Body.Position = 0;
        return (http.Response.StatusCode, await new StreamReader(http.Response.Body).ReadToEndAsync());
    }

    [Fact]
    public async Task an_unexpected_exception_is_a_500_problem_without_internals()
    {
        var (status, body) = await Handle(new InvalidOperationException("Host=db;Password=hunter2"));
        status.ShouldBe(500);
        body.ShouldNotContain("hunter2");
        body.ShouldNotContain("InvalidOperationException");
        JsonDocument.Parse(body).RootElement.GetProperty("title_en").GetString().ShouldBe("Server error");
    }

    [Fact]
    public async Task json_and_bad_request_exceptions_are_400_and_oversized_bodies_413()
    {
        (await Handle(new JsonException("bad"))).Status.ShouldBe(400);
        (await Handle(new BadHttpRequestException("bad", 400))).Status.ShouldBe(400);
        (await Handle(new BadHttpRequestException("too big", 413))).Status.ShouldBe(413);
    }

    [Theory]
    [InlineData("57P01")] // admin_shutdown: the server is stopping
    [InlineData("57P03")] // cannot_connect_now: starting up or recovering
    [InlineData("08006")] // connection_failure
    [InlineData("53300")] // too_many_connections
    public async Task a_database_that_is_going_away_is_a_503_with_retry_after_not_a_500(string sqlState)
    {
        var (status, body) = await Handle(new Npgsql.PostgresException("terminating connection", "FATAL", "FATAL", sqlState));
        status.ShouldBe(503);
        JsonDocument.Parse(body).RootElement.GetProperty("code").GetString().ShouldBe("database-unavailable");
    }

    [Fact]
    public async Task a_refused_or_broken_connection_is_a_503_and_a_query_error_is_still_a_500()
    {
        var http = new DefaultHttpContext { RequestServices = api.Host.Services };
        http.Response.Body = new MemoryStream();
        var handler = new ArchiveExceptionHandler(api.Service<IProblemDetailsService>(), NullLogger<ArchiveExceptionHandler>.Instance);
        var refused = new Npgsql.NpgsqlException("Failed to connect to 127.0.0.1:5432",
            new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.ConnectionRefused));
        (await handler.TryHandleAsync(http, new InvalidOperationException("wrapped", refused), default)).ShouldBeTrue();
        http.Response.StatusCode.ShouldBe(503);
        http.Response.Headers.RetryAfter.ToString().ShouldBe(DatabaseUnavailable.RetryAfterSeconds.ToString());

        (await Handle(new Npgsql.PostgresException("division by zero", "ERROR", "ERROR", "22012"))).Status.ShouldBe(500);
    }
}
