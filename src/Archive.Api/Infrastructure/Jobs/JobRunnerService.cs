using Microsoft.Extensions.Options;

namespace Archive.Api.Infrastructure.Jobs;

/// <summary>The host's loop: register the jobs, then run whatever is due every poll interval.</summary>
internal sealed class JobRunnerService(JobRunner runner, IOptions<JobRunnerOptions> options, TimeProvider clock,
    ILogger<JobRunnerService> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            log.LogInformation("Job runner disabled on this node (Archive:Jobs:Enabled=false)");
            return;
        }
        await Task.Yield();
        using var timer = new PeriodicTimer(options.Value.PollInterval, clock);
        var registered = false;
        do
        {
            try
            {
                if (!registered) { await runner.RegisterAsync(stoppingToken); registered = true; }
                await runner.RunAllDueAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The database may be briefly away; the schedule is in the table, so the next tick resumes it.
                log.LogWarning(e, "Job runner poll failed");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
