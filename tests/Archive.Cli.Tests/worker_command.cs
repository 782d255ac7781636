using Archive.Cli.Worker;

namespace Archive.Cli.Tests;

/// <summary><c>archive worker</c>: a worker-only node is the archive host with its workers on and HTTP on the loopback only.</summary>
public class worker_command
{
    [Fact]
    public async Task a_worker_without_a_host_to_run_is_a_usage_error_that_says_how_to_name_one()
    {
        var (o, e) = (new StringWriter(), new StringWriter());
        var exit = await CliApp.RunAsync(["worker", "--host", Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"), "Archive.Api.dll")], o, e);
        exit.ShouldBe(CliApp.UsageError);
        e.ToString().ShouldContain("--host");
        e.ToString().ShouldContain(WorkerCommand.HostVariable);
    }

    [Fact]
    public async Task fewer_than_one_worker_is_a_usage_error()
    {
        var host = Path.Combine(Directory.CreateTempSubdirectory().FullName, "Archive.Api.dll");
        await File.WriteAllTextAsync(host, "");
        var (o, e) = (new StringWriter(), new StringWriter());
        (await CliApp.RunAsync(["worker", "--host", host, "--workers", "0"], o, e)).ShouldBe(CliApp.UsageError);
        e.ToString().ShouldContain("--workers");
    }

    [Fact]
    public void the_node_runs_its_workers_and_answers_http_on_the_loopback_only()
    {
        var settings = WorkerCommand.Settings(workers: 3, healthPort: 0);
        settings["Archive__Digitization__WorkersEnabled"].ShouldBe("true");
        settings["Archive__Digitization__Workers"].ShouldBe("3");
        settings["ASPNETCORE_URLS"].ShouldBe("http://127.0.0.1:0");
        WorkerCommand.Settings(workers: null, healthPort: 9000).ShouldNotContainKey("Archive__Digitization__Workers");
    }
}
