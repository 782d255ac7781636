using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Archive.EventStore.Integrity.Seals;

/// <summary>
/// The exact byte encodings a seal commits to. Changing any of these breaks every existing seal,
/// so they are versioned by <see cref="Format"/> and documented in docs/standards/audit-and-integrity.md.
/// </summary>
public static class SealEncoding
{
    public const string Format = "archive-seal-v1";

    /// <summary>
    /// leaf = SHA-256(0x00 ‖ position (8 bytes BE) ‖ UTF-8(stream id) ‖ version (8 bytes BE) ‖
    /// stored event hash (32) ‖ content hash (32)). The stream id needs no length prefix: every
    /// other field has a fixed size, so the total length fixes the id's length.
    /// </summary>
    public static byte[] Leaf(long position, string streamId, long version, byte[] storedHash, byte[] contentHash)
    {
        var id = Encoding.UTF8.GetBytes(streamId);
        var buf = new byte[1 + 8 + id.Length + 8 + storedHash.Length + contentHash.Length];
        buf[0] = 0x00;
        BinaryPrimitives.WriteInt64BigEndian(buf.AsSpan(1), position);
        id.CopyTo(buf, 9);
        BinaryPrimitives.WriteInt64BigEndian(buf.AsSpan(9 + id.Length), version);
        storedHash.CopyTo(buf, 17 + id.Length);
        contentHash.CopyTo(buf, 17 + id.Length + storedHash.Length);
        return SHA256.HashData(buf);
    }

    /// <summary>
    /// The second leaf input: the event hash recomputed (<see cref="EventHash"/>) from the row's
    /// current content and its stored previous hash. It differs from the stored hash when the data
    /// was edited without fixing the hash; the stored hash (the first input) differs from the
    /// sealed one when the attacker did recompute the chain. Either way the leaf changes.
    /// </summary>
    public static byte[] ContentHash(byte[]? previousHash, string streamId, long version, string type, string dataText,
        string metadataText, DateTimeOffset recordedAt) =>
        EventHash.Compute(previousHash, streamId, version, type, dataText, metadataText, recordedAt);

    /// <summary>node = SHA-256(0x01 ‖ left ‖ right).</summary>
    public static byte[] Node(byte[] left, byte[] right)
    {
        var buf = new byte[1 + left.Length + right.Length];
        buf[0] = 0x01;
        left.CopyTo(buf, 1);
        right.CopyTo(buf, 1 + left.Length);
        return SHA256.HashData(buf);
    }

    /// <summary>
    /// Merkle root of leaves in position order, built level by level; an odd last node is
    /// promoted unchanged to the next level. An empty list has no root (seals are never empty).
    /// </summary>
    public static byte[] Root(IReadOnlyList<byte[]> leaves)
    {
        if (leaves.Count == 0) throw new ArgumentException("a seal covers at least one event", nameof(leaves));
        var level = leaves.ToList();
        while (level.Count > 1)
        {
            var next = new List<byte[]>((level.Count + 1) / 2);
            for (var i = 0; i + 1 < level.Count; i += 2) next.Add(Node(level[i], level[i + 1]));
            if (level.Count % 2 == 1) next.Add(level[^1]);
            level = next;
        }
        return level[0];
    }

    /// <summary>
    /// What is signed: UTF-8("archive-seal-v1") ‖ seal number ‖ from position ‖ to position ‖
    /// event count (each 8 bytes BE) ‖ root (32) ‖ previous seal hash (32; zeros for seal 1) ‖
    /// sealed_at as microseconds since the Unix epoch (8 bytes BE).
    /// </summary>
    public static byte[] CanonicalSealBytes(long sealNumber, long fromPosition, long toPosition, long eventCount, byte[] root,
        byte[]? previousSealHash, DateTimeOffset sealedAt)
    {
        var tag = Encoding.UTF8.GetBytes(Format);
        var buf = new byte[tag.Length + 32 + 32 + 32 + 8];
        tag.CopyTo(buf, 0);
        var o = tag.Length;
        BinaryPrimitives.WriteInt64BigEndian(buf.AsSpan(o), sealNumber);
        BinaryPrimitives.WriteInt64BigEndian(buf.AsSpan(o + 8), fromPosition);
        BinaryPrimitives.WriteInt64BigEndian(buf.AsSpan(o + 16), toPosition);
        BinaryPrimitives.WriteInt64BigEndian(buf.AsSpan(o + 24), eventCount);
        if (root.Length != 32) throw new ArgumentException("root must be 32 bytes", nameof(root));
        root.CopyTo(buf, o + 32);
        if (previousSealHash is not null)
        {
            if (previousSealHash.Length != 32) throw new ArgumentException("previous seal hash must be 32 bytes", nameof(previousSealHash));
            previousSealHash.CopyTo(buf, o + 64);
        }
        BinaryPrimitives.WriteInt64BigEndian(buf.AsSpan(o + 96), ToMicros(sealedAt));
        return buf;
    }

    /// <summary>A seal's hash, which the next seal records: SHA-256 of its canonical bytes.</summary>
    public static byte[] SealHash(byte[] canonicalSealBytes) => SHA256.HashData(canonicalSealBytes);

    internal static long ToMicros(DateTimeOffset t) => (t.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;
}
