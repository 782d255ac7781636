namespace Archive.EventStore.Encryption;

/// <summary>
/// Per-stream encryption of chosen event types (crypto-shredding). Events whose stored type name is in
/// <see cref="ProtectedTypes"/> have their data (and the <see cref="ProtectedHeaders"/> of their metadata)
/// stored as AES-256-GCM ciphertext under a data key of their stream; the data keys are kept in the
/// store's <c>stream_keys</c> table wrapped by the master key. Deleting a stream's key
/// (<see cref="EventStore.ShredStreamsAsync"/>) makes those events unreadable for good.
/// </summary>
public sealed class StreamEncryptionOptions
{
    /// <param name="masterKey">32 bytes that wrap every stream's data key; kept outside the database.</param>
    public StreamEncryptionOptions(ReadOnlySpan<byte> masterKey)
    {
        if (masterKey.Length != 32) throw new ArgumentException("the master key must be 32 bytes (AES-256)", nameof(masterKey));
        MasterKey = masterKey.ToArray();
    }

    internal byte[] MasterKey { get; }

    /// <summary>Stored type names whose data is encrypted.</summary>
    public ISet<string> ProtectedTypes { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Metadata header names whose values are encrypted on protected events (free text that may repeat the data).</summary>
    public ISet<string> ProtectedHeaders { get; } = new HashSet<string>(StringComparer.Ordinal) { "reason" };

    public StreamEncryptionOptions Protect(params string[] typeNames)
    {
        foreach (var t in typeNames) ProtectedTypes.Add(t);
        return this;
    }
}
