using Microsoft.Extensions.Options;

namespace Archive.Api.Features.Digitization;

/// <summary>
/// Digitization workers of this host (when <c>Archive:Digitization:WorkersEnabled</c>): as many loops as it has cores (or
/// <c>Workers</c>), each claiming one job at a time from <see cref="DigitizationQueue"/>, renewing its lease while it works and
/// stopping the job as soon as the lease is lost. A failure waits and retries with doubling delay; at <c>MaxAttempts</c>
/// the job is dead-lettered (listed for officers, recorded on the document) and the loop goes on with the next one.
/// </summary>
public sealed class DigitizationWorker(DigitizationQueue queue, IServiceProvider services, IOptions<DigitizationOptions> options,
    ILogger<DigitizationWorker> log) : BackgroundService
{
    /// <summary>This process's name in lease_owner: host, process id and a random part (a restarted process is another worker).</summary>
    public static readonly string NodeId = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..8]}";

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        var o = options.Value;
        if (!o.WorkersEnabled) return;
        log.LogInformation("Digitization: {Workers} workers as {Node}.", o.EffectiveWorkers, NodeId);
        await Task.WhenAll(Enumerable.Range(0, o.EffectiveWorkers).Select(i => Task.Run(() => LoopAsync(stop), CancellationToken.None)));
    }

    private async Task LoopAsync(CancellationToken stop)
    {
        var o = options.Value;
        while (!stop.IsCancellationRequested)
        {
            WorkItem? item = null;
            try { item = await queue.ClaimAsync(NodeId, o.Lease, stop); }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { return; }
            catch (Exception e) { log.LogWarning("Digitization: claiming a job failed: {Reason}", e.Message); }
            if (item is null)
            {
                try { await Task.Delay(TimeSpan.FromSeconds(o.PollSeconds), stop); } catch (OperationCanceledException) { return; }
                continue;
            }
            await RunOneAsync(item, stop);
        }
    }

    private async Task RunOneAsync(WorkItem item, CancellationToken stop)
    {
        var o = options.Value;
        using var work = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var lost = false;
        var renewal = Task.Run(async () =>
        {
            while (!work.IsCancellationRequested)
            {
                try { await Task.Delay(o.Lease / 3, work.Token); } catch (OperationCanceledException) { return; }
                try
                {
                    if (await queue.RenewAsync(item.JobId, NodeId, o.Lease, work.Token)) continue;
                    lost = true;
                    log.LogWarning("Digitization job {Job}: lease lost, stopping.", item.JobId);
                    await work.CancelAsync();
                    return;
                }
                catch (OperationCanceledException) { return; }
                catch (Exception e) { log.LogWarning("Digitization job {Job}: lease renewal failed: {Reason}", item.JobId, e.Message); }
            }
        }, CancellationToken.None);
        var processor = services.GetRequiredService<DigitizationProcessor>();
        try
        {
            // A job claimed more often than allowed killed its workers each time: it is not run again.
            if (item.Attempts > o.MaxAttempts) throw new OcrFailedException($"The job was taken {item.Attempts - 1} times and never finished (its worker stopped).");
            await processor.RunAsync(item, NodeId, work.Token);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested || lost) { }
        catch (Exception e)
        {
            var error = e is OcrFailedException ? e.Message : $"{e.GetType().Name}: {e.Message}";
            log.LogWarning("Digitization job {Job} of document {Id} failed (attempt {Attempt}): {Reason}", item.JobId, item.DocumentId, item.Attempts, error);
            try
            {
                var backoff = TimeSpan.FromSeconds(o.RetryDelaySeconds * Math.Pow(2, Math.Max(0, item.Attempts - 1)));
                var status = await queue.FailAsync(item.JobId, NodeId, error, o.MaxAttempts, backoff, CancellationToken.None);
                if (status == DigitizationQueue.Statuses.Dead) await processor.RecordDeadLetterAsync(item, error, CancellationToken.None);
            }
            catch (Exception e2) { log.LogError("Digitization job {Job}: recording the failure failed: {Reason}", item.JobId, e2.Message); }
        }
        finally
        {
            await work.CancelAsync();
            await renewal;
        }
    }
}
