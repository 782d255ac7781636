namespace Archive.EventStore;

/// <summary>
/// The stream's version was not the expected one. Marten #2260/#2696: callers get this typed
/// exception, never a raw PostgreSQL unique violation.
/// </summary>
public sealed class ConcurrencyException : Exception
{
    public ConcurrencyException(string streamId, ExpectedVersion expected, long actualVersion, Exception? inner = null)
        : base($"Stream '{streamId}' was expected at version {expected} but is at version {actualVersion}.", inner)
    {
        StreamId = streamId;
        Expected = expected;
        ActualVersion = actualVersion;
    }

    public string StreamId { get; }
    public ExpectedVersion Expected { get; }

    /// <summary>The stream's version when the append was refused (0: the stream does not exist); -1 when unknown.</summary>
    public long ActualVersion { get; }
}

/// <summary>The stream is archived and takes no more events.</summary>
public sealed class StreamArchivedException : InvalidOperationException
{
    public StreamArchivedException(string streamId, Exception inner)
        : base($"Stream '{streamId}' is archived and takes no more events.", inner) => StreamId = streamId;

    public string StreamId { get; }
}
