namespace Archive.EventStore.Encryption;

/// <summary>
/// What reading returns as <see cref="RecordedEvent.Data"/> for a protected event whose stream key was
/// deleted: the event's place, type, time and hashes remain, its content is gone for good.
/// </summary>
public sealed record ShreddedEvent(string TypeName, DateTimeOffset ShreddedAt)
{
    /// <summary>The <see cref="RecordedEvent.RawData"/> of a shredded event.</summary>
    public const string RawData = """{"shredded":true}""";

    /// <summary>The value a protected metadata header reads as after shredding.</summary>
    public const string ShreddedHeader = "[shredded]";
}

/// <summary>The stream's key was deleted: it takes no more protected events.</summary>
public sealed class StreamShreddedException(string streamId)
    : InvalidOperationException($"Stream '{streamId}' was shredded and takes no more protected events.")
{
    public string StreamId { get; } = streamId;
}

/// <summary>
/// A protected event could not be decrypted: its ciphertext or its stream key was altered, or the key row is
/// missing without a shredding record, or the master key is not the one the key was wrapped with.
/// </summary>
public sealed class EventDecryptionException(string streamId, long version, string reason, Exception? inner = null)
    : System.Security.Cryptography.CryptographicException($"Event {streamId}@{version} cannot be decrypted: {reason}.", inner)
{
    public string StreamId { get; } = streamId;
    public long Version { get; } = version;
}
