using Microsoft.Extensions.Options;

namespace Archive.Api.Features.Digitization;

/// <summary>Wolverine's handler of <see cref="DigitizeDocument"/> (its generated adapter is in <c>Internal/Generated</c>).</summary>
public static class DigitizeDocumentHandler
{
    public static Task Handle(DigitizeDocument message, DigitizationWorker worker, CancellationToken cancellation) =>
        worker.RunAsync(message.JobId, cancellation);
}

/// <summary>
/// Runs one job for Wolverine's listener. The job row is the state of record: taking it counts an attempt and writes this
/// process's lease (renewed every third of <c>LeaseSeconds</c>; if another process took the job over meanwhile, this one
/// stops). A failure is recorded on the row and rethrown so that Wolverine retries with doubling delay; at <c>MaxAttempts</c>
/// the row is dead-lettered (listed for officers, recorded on the document) and Wolverine moves the message to its dead
/// letters. A job taken more often than allowed killed its workers each time: it is dead-lettered without running again.
/// </summary>
public sealed class DigitizationWorker(DigitizationQueue queue, DigitizationProcessor processor, IOptions<DigitizationOptions> options,
    ILogger<DigitizationWorker> log)
{
    /// <summary>This process's name in lease_owner: host, process id and a random part (a restarted process is another worker).</summary>
    public static readonly string NodeId = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..8]}";

    public async Task RunAsync(string jobId, CancellationToken stop)
    {
        var o = options.Value;
        var item = await queue.TakeAsync(jobId, NodeId, o.Lease, stop);
        if (item is null)
        {
            log.LogInformation("Digitization job {Job}: nothing to do (done, dead-lettered or unknown).", jobId);
            return;
        }
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
                    log.LogWarning("Digitization job {Job}: taken over by another worker, stopping.", item.JobId);
                    await work.CancelAsync();
                    return;
                }
                catch (OperationCanceledException) { return; }
                catch (Exception e) { log.LogWarning("Digitization job {Job}: lease renewal failed: {Reason}", item.JobId, e.Message); }
            }
        }, CancellationToken.None);
        try
        {
            if (item.Attempts > o.MaxAttempts) throw new OcrFailedException($"The job was taken {item.Attempts - 1} times and never finished (its worker stopped).");
            await processor.RunAsync(item, NodeId, work.Token);
        }
        catch (OperationCanceledException) when (lost && !stop.IsCancellationRequested) { }
        catch (Exception e) when (!stop.IsCancellationRequested)
        {
            var error = e is OcrFailedException ? e.Message : $"{e.GetType().Name}: {e.Message}";
            log.LogWarning("Digitization job {Job} of document {Id} failed (attempt {Attempt}): {Reason}", item.JobId, item.DocumentId, item.Attempts, error);
            var backoff = TimeSpan.FromSeconds(o.RetryDelaySeconds * Math.Pow(2, Math.Max(0, item.Attempts - 1)));
            var status = await queue.FailAsync(item.JobId, NodeId, error, o.MaxAttempts, backoff, CancellationToken.None);
            if (status is null) return; // another worker holds the job now
            if (status != DigitizationQueue.Statuses.Dead) throw;
            await processor.RecordDeadLetterAsync(item, error, CancellationToken.None);
            throw new DigitizationDeadLetteredException(error);
        }
        finally
        {
            await work.CancelAsync();
            await renewal;
        }
    }
}
