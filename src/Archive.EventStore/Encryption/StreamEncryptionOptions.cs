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

    /// <summary>Reads a master key written as base64 of 32 bytes (how hosts keep it in a file or in configuration).</summary>
    public static bool TryDecodeMasterKey(string base64, out byte[] key)
    {
        key = new byte[32];
        return Convert.TryFromBase64String(base64.Trim(), key, out var n) && n == 32;
    }

    /// <summary>Stored type names whose data is encrypted.</summary>
    public ISet<string> ProtectedTypes { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Metadata header names whose values are encrypted on protected events (free text that may repeat the data).</summary>
    public ISet<string> ProtectedHeaders { get; } = new HashSet<string>(StringComparer.Ordinal) { "reason" };

    public StreamEncryptionOptions Protect(params string[] typeNames)
    {
        foreach (var t in typeNames) ProtectedTypes.Add(t);
        return this;
    }

    /// <summary>
    /// Protects <paramref name="typeName"/> but also stores the given fields in clear, at their own JSON paths
    /// next to the ciphertext (dot-separated stored names, e.g. <c>metadata.paperFileCode</c>), so lookups by SQL
    /// on identifiers and codes keep working. They stay readable after shredding: list only what may remain.
    /// </summary>
    public StreamEncryptionOptions Protect(string typeName, IEnumerable<string> clearFields)
    {
        var paths = clearFields.ToArray();
        if (paths.Any(p => p.Split('.')[0] is "v" or "enc" || p.Split('.').Any(string.IsNullOrEmpty)))
            throw new ArgumentException("a clear field may not be empty or start at the envelope's own v or enc", nameof(clearFields));
        ProtectedTypes.Add(typeName);
        _clearFields[typeName] = paths;
        return this;
    }

    internal IReadOnlyList<string> ClearFieldsOf(string typeName) => _clearFields.GetValueOrDefault(typeName) ?? [];

    private readonly Dictionary<string, string[]> _clearFields = new(StringComparer.Ordinal);
}
