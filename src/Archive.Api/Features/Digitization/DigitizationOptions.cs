namespace Archive.Api.Features.Digitization;

/// <summary>Settings under <c>Archive:Digitization</c>.</summary>
public sealed class DigitizationOptions
{
    /// <summary>Whether this host runs digitization workers (jobs are queued by every host either way).</summary>
    public bool WorkersEnabled { get; set; }

    /// <summary>Jobs this host runs at once; 0 means one per core.</summary>
    public int Workers { get; set; }

    /// <summary>How long a taken job stays with its worker without a renewal (renewed every third of it; shows "converting").</summary>
    public double LeaseSeconds { get; set; } = 120;

    /// <summary>Claims (attempts) after which a failing job goes to the dead-letter list.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Wait before the first retry; doubles with each further attempt.</summary>
    public double RetryDelaySeconds { get; set; } = 30;

    /// <summary>Seconds without a heartbeat after which a worker node is taken for dead and its items go to the other workers.</summary>
    public double StaleNodeSeconds { get; set; } = 60;

    /// <summary>How often an idle worker looks for due jobs (the PostgreSQL queue's polling interval).</summary>
    public double PollSeconds { get; set; } = 1;

    /// <summary>Longest time one conversion may take before it is stopped and counted as a failure.</summary>
    public double OcrTimeoutSeconds { get; set; } = 900;

    /// <summary>Working folder for conversions (default: the system temp folder).</summary>
    public string? WorkFolder { get; set; }

    public int EffectiveWorkers => Workers > 0 ? Workers : Environment.ProcessorCount;
    public TimeSpan Lease => TimeSpan.FromSeconds(Math.Max(1, LeaseSeconds));
}
