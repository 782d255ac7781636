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
}
