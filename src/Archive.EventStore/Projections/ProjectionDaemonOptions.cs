namespace Archive.EventStore;

public sealed class ProjectionDaemonOptions
{
    /// <summary>Events per projection transaction.</summary>
    public int BatchSize { get; set; } = 2000;

    /// <summary>Pause when no projection had anything to do.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How often a non-leader tries to become leader, and the pause after an error.</summary>
    public TimeSpan LeaderRetryInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Errors the daemon recovered from (lost connection, lost leadership...).</summary>
    public Action<Exception>? OnError { get; set; }
}
