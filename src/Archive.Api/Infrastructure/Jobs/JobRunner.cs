using Microsoft.Extensions.Options;
using Npgsql;

namespace Archive.Api.Infrastructure.Jobs;

/// <summary>
/// Runs the registered <see cref="IScheduledJob"/>s from the durable schedule in <c>archive_api.jobs</c>
/// ("deciders plus a durable job table", instead of a message bus). Every node runs a runner; a job runs
/// on the node that claims its row, under a lease that node renews while the job runs, so a job never runs
/// on two nodes at once and a dead node's job is taken over when its lease ends.
/// </summary>
public sealed class JobRunner
{
    private readonly JobTable _table;
    private readonly JobRunnerOptions _options;
    private readonly ILogger<JobRunner> _log;
    private readonly IReadOnlyList<IScheduledJob> _all;
    private Dictionary<string, IScheduledJob> _active = new(StringComparer.Ordinal);

    public JobRunner(NpgsqlDataSource db, IEnumerable<IScheduledJob> jobs, IOptions<JobRunnerOptions> options, ILogger<JobRunner> log)
    {
        _table = new JobTable(db);
        _options = options.Value;
        _log = log;
        _all = jobs.ToList();
        var duplicate = _all.GroupBy(j => j.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new InvalidOperationException($"Two scheduled jobs are named '{duplicate.Key}'.");
    }

    /// <summary>This runner's identity in <c>lease_owner</c>: host, process and a per-runner suffix.</summary>
    public string Node { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>Jobs this node schedules (after <see cref="RegisterAsync"/>).</summary>
    public IReadOnlyCollection<string> Scheduled => _active.Keys;

    /// <summary>Jobs left out because they cannot run here, with the reason.</summary>
    public IReadOnlyDictionary<string, string> Disabled { get; private set; } = new Dictionary<string, string>();

    /// <summary>Writes each runnable job's row if it has none; existing rows keep their schedule and history.</summary>
    public async Task RegisterAsync(CancellationToken ct = default)
    {
        var active = new Dictionary<string, IScheduledJob>(StringComparer.Ordinal);
        var disabled = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var job in _all)
        {
            if (job.DisabledReason is { } why)
            {
                disabled[job.Name] = why;
                _log.LogWarning("Scheduled job {Job} is not scheduled: {Reason}", job.Name, why);
                continue;
            }
            if (job.Interval < TimeSpan.Zero) throw new InvalidOperationException($"Job '{job.Name}' has a negative interval.");
            await _table.RegisterAsync(job.Name, job.Interval, job.FirstRunDelay, ct);
            active[job.Name] = job;
        }
        _active = active;
        Disabled = disabled;
        _log.LogInformation("Job runner {Node} schedules {Jobs}", Node, string.Join(", ", active.Keys));
    }

    /// <summary>Claims one due job and runs it to its end; returns its name, or null when nothing was due.</summary>
    public async Task<string?> RunDueAsync(CancellationToken ct = default)
    {
        if (_active.Count == 0) return null;
        var claim = await _table.ClaimAsync([.. _active.Keys], Node, _options.LeaseDuration, ct);
        if (claim is not { } c) return null;
        await RunClaimedAsync(_active[c.Name], c.Attempts, ct);
        return c.Name;
    }

    /// <summary>Runs due jobs until none is due; returns how many runs there were.</summary>
    public async Task<int> RunAllDueAsync(CancellationToken ct = default)
    {
        var runs = 0;
        while (await RunDueAsync(ct) is not null) runs++;
        return runs;
    }

    public Task<IReadOnlyList<JobStatus>> ListAsync(CancellationToken ct = default) => _table.ListAsync(ct);

    public Task<JobStatus?> GetAsync(string name, CancellationToken ct = default) => _table.GetAsync(name, ct);

    private async Task RunClaimedAsync(IScheduledJob job, int failuresBefore, CancellationToken ct)
    {
        using var run = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var leaseLost = false;
        var heartbeat = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    await Task.Delay(_options.LeaseDuration / 3, run.Token);
                    if (await _table.RenewAsync(job.Name, Node, _options.LeaseDuration, run.Token)) continue;
                    leaseLost = true;
                    await run.CancelAsync();
                    return;
                }
            }
            catch (OperationCanceledException) { }
            catch (NpgsqlException e)
            {
                // Cannot renew: stop the run rather than risk a second node starting it after the lease ends.
                _log.LogWarning(e, "Job {Job}: lease renewal failed, stopping the run", job.Name);
                leaseLost = true;
                await run.CancelAsync();
            }
        }, CancellationToken.None);

        try
        {
            var result = await job.RunAsync(new JobRunContext(job.Name, failuresBefore + 1, Node), run.Token);
            await run.CancelAsync();
            if (!await _table.SucceededAsync(job.Name, Node, Truncate(result, 4000), CancellationToken.None))
                _log.LogWarning("Job {Job} finished after this node lost its lease; the result was not recorded", job.Name);
            else _log.LogInformation("Job {Job} succeeded: {Result}", job.Name, result);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutdown is not the job's failure: hand it back as it was, still due.
            await _table.ReleaseAsync(job.Name, Node, CancellationToken.None);
            throw;
        }
        catch (OperationCanceledException) when (leaseLost)
        {
            _log.LogWarning("Job {Job} stopped: this node lost its lease", job.Name);
        }
        catch (Exception e)
        {
            await run.CancelAsync();
            var retryIn = Backoff(job, failuresBefore);
            var error = Truncate($"{e.GetType().Name}: {e.Message}", 4000)!;
            await _table.FailedAsync(job.Name, Node, retryIn, error, CancellationToken.None);
            _log.LogError(e, "Job {Job} failed (attempt {Attempt}); retry in {RetryIn}", job.Name, failuresBefore + 1, retryIn);
        }
        finally
        {
            await run.CancelAsync();
            await heartbeat;
        }
    }

    /// <summary>RetryBackoff × 2^(failures so far), never beyond the job's interval or <see cref="JobRunnerOptions.MaxBackoff"/>.</summary>
    internal TimeSpan Backoff(IScheduledJob job, int failuresBefore)
    {
        var factor = Math.Pow(2, Math.Min(failuresBefore, 30));
        var backoff = TimeSpan.FromTicks((long)Math.Min(job.RetryBackoff.Ticks * factor, TimeSpan.MaxValue.Ticks / 2.0));
        var cap = job.Interval < _options.MaxBackoff ? job.Interval : _options.MaxBackoff;
        return backoff < cap ? backoff : cap;
    }

    private static string? Truncate(string? s, int max) => s is null || s.Length <= max ? s : s[..max];
}
