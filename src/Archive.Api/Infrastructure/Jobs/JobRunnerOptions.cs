namespace Archive.Api.Infrastructure.Jobs;

/// <summary><c>Archive:Jobs</c> settings.</summary>
public sealed class JobRunnerOptions
{
    /// <summary>False stops this node from running any job (another node may still run them).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often a node looks for due jobs.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a claim on a job lasts. The running node renews it every third of this, so a job may run
    /// longer; a node that dies stops renewing and another node takes the job over once the lease ends.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Upper bound of the retry backoff, whatever the job's interval.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromHours(6);
}
