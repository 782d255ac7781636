namespace Archive.EventStore;

/// <summary>
/// Outcome of an append. <paramref name="NextExpectedVersion"/> is the stream's version after the
/// append (pass it to <see cref="ExpectedVersion.Exactly"/> for the next append).
/// </summary>
public sealed record AppendResult(long NextExpectedVersion, long FirstPosition, long LastPosition);
