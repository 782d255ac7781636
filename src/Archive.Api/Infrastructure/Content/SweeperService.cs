using Microsoft.Extensions.Options;

namespace Archive.Api.Infrastructure.Content;

/// <summary>Runs the content sweeper on a schedule so refused or abandoned uploads do not pile up.</summary>
internal sealed class SweeperService(ISweeper sweeper, IOptions<ContentStoreOptions> options, TimeProvider clock,
    ILogger<SweeperService> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, clock);
        do
        {
            try
            {
                var result = await sweeper.SweepAsync(options.Value.SweepGrace, stoppingToken);
                if (result.Deleted.Count > 0 || result.TempFilesRemoved > 0)
                    log.LogInformation("Content sweep deleted {Blobs} unreferenced blobs and {Temp} temporary files",
                        result.Deleted.Count, result.TempFilesRemoved);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A failed sweep only delays cleanup; the next tick tries again.
                log.LogWarning(e, "Content sweep failed");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
