namespace Archive.EventStore;

/// <summary>An event a projection failed on; the projection moved past it.</summary>
public sealed record DeadLetter(string Projection, long Position, string StreamId, long Version, string TypeName, string Error, DateTimeOffset FailedAt);
