namespace Archive.EventStore;

/// <summary>
/// An event as stored. <see cref="TypeName"/>, <see cref="RawData"/> and <see cref="Data"/> are
/// the upcast form when an upcaster applied; <see cref="StoredTypeName"/> is what the row holds
/// (the hash covers the stored form). <see cref="Data"/> is null when the type name is unknown.
/// </summary>
public sealed record RecordedEvent(
    long Position,
    string StreamId,
    long Version,
    string TypeName,
    object? Data,
    string RawData,
    EventMetadata Metadata,
    DateTimeOffset RecordedAt,
    byte[] Hash,
    byte[]? PreviousHash)
{
    public string StoredTypeName { get; init; } = TypeName;
}
