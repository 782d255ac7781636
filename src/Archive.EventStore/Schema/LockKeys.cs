using System.Security.Cryptography;
using System.Text;

namespace Archive.EventStore.Schema;

/// <summary>
/// PostgreSQL advisory lock keys of one store schema. Single-bigint keys and the two-int keys
/// used per stream live in separate PostgreSQL key spaces, so they cannot collide.
/// </summary>
internal sealed class LockKeys
{
    public LockKeys(string schema)
    {
        SchemaHash = BitConverter.ToInt32(SHA256.HashData(Encoding.UTF8.GetBytes(schema)), 0);
        Append = Key(1);
        Migrate = Key(2);
        Leader = Key(3);
    }

    /// <summary>First key of the per-stream transaction lock (the second is hashtext(stream id)).</summary>
    public int SchemaHash { get; }

    /// <summary>Held for microseconds around xid assignment and position drawing.</summary>
    public long Append { get; }
    public long Migrate { get; }

    /// <summary>Held for the life of the projection daemon's leader connection.</summary>
    public long Leader { get; }

    private long Key(int purpose) => (0x4553_0000L + purpose) << 32 | (uint)SchemaHash;
}
