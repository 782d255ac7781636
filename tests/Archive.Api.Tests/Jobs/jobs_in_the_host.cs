using Archive.Api.Infrastructure.Jobs;
using Archive.Api.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Archive.Api.Tests.Jobs;

/// <summary>The host with a job registered in one line and a short poll: the hosted loop runs it by itself.</summary>
public class HostedJobFixture : ApiFixture
{
    public GateJob Job { get; } = new("hosted-probe", TimeSpan.FromHours(1));

    protected override void Configure(IWebHostBuilder builder) =>
        builder.UseSetting("Archive:Jobs:PollInterval", "00:00:00.100")
               .ConfigureServices(s => s.AddSingleton<IScheduledJob>(Job));
}

public class jobs_in_the_host(HostedJobFixture api) : IClassFixture<HostedJobFixture>
{
    [Fact]
    public async Task a_registered_job_is_run_by_the_hosts_loop_and_its_outcome_recorded()
    {
        await api.Job.Entered.Task.WaitAsync(TimeSpan.FromSeconds(60));
        var runner = api.Service<JobRunner>();
        JobStatus? status = null;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        // The run is entered before its outcome is written; wait for the row to say so.
        while ((status = await runner.GetAsync("hosted-probe")) is not { LastStatus: "succeeded" } && DateTime.UtcNow < deadline)
            await Task.Delay(50);
        status.ShouldNotBeNull();
        status.LastStatus.ShouldBe("succeeded");
        status.Runs.ShouldBe(1);
        status.LastResult.ShouldBe("run 1");
        (status.NextRunAt - status.LastFinishedAt!.Value).ShouldBe(TimeSpan.FromHours(1), TimeSpan.FromSeconds(1));
        api.Job.Runs.ShouldBe(1);
    }
}
