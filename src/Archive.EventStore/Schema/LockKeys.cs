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
        ProjectionBatch = Key(4);
    }

    /// <summary>First key of the per-stream transaction lock (the second is hashtext(stream id)).</summary>
    public int SchemaHash { get; }

    /// <summary>Held for microseconds around xid assignment and position drawing.</summary>
    public long Append { get; }
    public long Migrate { get; }

    /// <summary>
    /// Taken shared (transaction-level) by every projection batch before its first write: it marks the batch's
    /// xid as one that never appends events, so the safe horizon need not wait for it (see EventStore.SafeHorizonSql).
    /// </summary>
    public long ProjectionBatch { get; }

    /// <summary>The high and low halves of a bigint key as pg_locks shows them (classid, objid; objsubid 1).</summary>
    public static (uint ClassId, uint ObjId) Halves(long key) => ((uint)(key >> 32), (uint)key);

    /// <summary>
    /// Held (session-level) for the life of a projection's lease connection: one processor per projection
    /// among all nodes, each projection leased on its own.
    /// </summary>
    public long ProjectionLease(string projection) =>
        (0x4553_1000L << 32) | (BitConverter.ToUInt32(SHA256.HashData(Encoding.UTF8.GetBytes(projection)), 0) ^ (uint)SchemaHash);

    private long Key(int purpose) => (0x4553_0000L + purpose) << 32 | (uint)SchemaHash;
}
