namespace Archive.EventStore;

public sealed class ProjectionDaemonOptions
{
    /// <summary>Events per projection transaction.</summary>
    public int BatchSize { get; set; } = 2000;

    /// <summary>Pause when the projection had nothing to do; doubled while it stays idle, up to <see cref="MaxIdlePollInterval"/>.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Longest pause of an idle projection. An append through this process's store ends the pause at once; events appended
    /// by other processes (worker nodes) wait at most this long. Polling every <see cref="PollInterval"/> while idle cost an
    /// idle host about 0.05 cores and its database as much (docs/benchmarks.md, digitize).
    /// </summary>
    public TimeSpan MaxIdlePollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often a non-leader tries to become leader, and the pause after an error.</summary>
    public TimeSpan LeaderRetryInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Errors the daemon recovered from (lost connection, lost leadership...).</summary>
    public Action<Exception>? OnError { get; set; }
}
