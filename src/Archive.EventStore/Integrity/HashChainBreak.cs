namespace Archive.EventStore.Integrity;

/// <summary>One place where a stream's chain does not hold: the event at (stream, version) is
/// altered, missing, or does not link to its predecessor.</summary>
public sealed record HashChainBreak(string StreamId, long Version, string Reason);
