namespace Archive.EventStore.Integrity.Seals;

/// <summary>A seal's signature blob and, when a timestamp authority was used, its token.</summary>
public sealed record SealSignature(byte[] Signature, byte[]? TimestampToken);

/// <summary>
/// Signs and verifies a seal's canonical bytes (<see cref="SealEncoding.CanonicalSealBytes"/>).
/// The store knows nothing of certificates or signature formats: implementations live with
/// whoever holds the organization's key (the CLI ships a detached-CMS one).
/// </summary>
public interface ISealSigner
{
    Task<SealSignature> SignAsync(byte[] content, CancellationToken ct = default);

    /// <summary>
    /// Checks the signature (and the timestamp token's imprint, when present) over
    /// <paramref name="content"/>. Returns the problems found; empty means valid.
    /// </summary>
    IReadOnlyList<string> Verify(byte[] content, byte[] signature, byte[]? timestampToken);
}
