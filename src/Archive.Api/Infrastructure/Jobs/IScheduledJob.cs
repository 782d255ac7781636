namespace Archive.Api.Infrastructure.Jobs;

/// <summary>
/// A named recurring job (tác vụ định kỳ). Register it with one line,
/// <c>services.AddScheduledJob&lt;MyJob&gt;()</c>; <see cref="JobRunner"/> keeps its schedule in
/// <c>archive_api.jobs</c> and runs it on exactly one node at a time.
/// </summary>
public interface IScheduledJob
{
    /// <summary>Stable name, the job's row key: renaming a job starts a new schedule.</summary>
    string Name { get; }

    /// <summary>Time from the end of a successful run to the next start.</summary>
    TimeSpan Interval { get; }

    /// <summary>Delay before the very first run (when the job has no row yet). A restart never resets it.</summary>
    TimeSpan FirstRunDelay => Interval;

    /// <summary>Wait after the first failure; doubled after each further consecutive failure, capped by <see cref="Interval"/>.</summary>
    TimeSpan RetryBackoff => TimeSpan.FromMinutes(1);

    /// <summary>Non-null when the job cannot run in this configuration: it is then not scheduled, and the log says why.</summary>
    string? DisabledReason => null;

    /// <summary>
    /// One run. Returns a short summary kept as the job's last result. Throwing records the error and
    /// schedules a retry. The token is cancelled on shutdown and when this node loses the job's lease.
    /// </summary>
    Task<string?> RunAsync(JobRunContext context, CancellationToken ct);
}

/// <summary>What a run knows about itself: <paramref name="Attempt"/> is 1 for a first try, 2 for the first retry, …</summary>
public sealed record JobRunContext(string Name, int Attempt, string Node);
