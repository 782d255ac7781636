using Npgsql;

namespace Archive.EventStore.Integrity.Seals;

/// <summary>
/// The seal tables, created by their own idempotent step rather than a store migration: seals are
/// an add-on, and a store without them is still a store. Nothing is ever written to the events
/// table, so sealing cannot disturb the append protocol (positions, xid order, stream heads).
/// </summary>
public static class SealSchema
{
    public static string SealsTable(string schema) => $"{schema}.audit_seals";
    public static string LeavesTable(string schema) => $"{schema}.audit_seal_leaves";

    /// <summary>Creates the seal tables if missing. Needs the store's schema to exist (MigrateAsync first).</summary>
    public static async Task EnsureAsync(NpgsqlDataSource dataSource, string schema, CancellationToken ct = default)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        // Concurrent "create table if not exists" can still collide on the catalog; one at a time.
        await using (var lk = new NpgsqlCommand("select pg_advisory_xact_lock(hashtext($1))", conn, tx))
        {
            lk.Parameters.AddWithValue($"audit_seal_schema:{schema}");
            await lk.ExecuteNonQueryAsync(ct);
        }
        await using (var cmd = new NpgsqlCommand($"""
            create table if not exists {schema}.audit_seals (
                seal_no bigint primary key,
                from_position bigint not null,
                to_position bigint not null,
                event_count bigint not null,
                root bytea not null,
                previous_seal_hash bytea,
                seal_hash bytea not null,
                signature bytea not null,
                timestamp_token bytea,
                sealed_at timestamptz not null
            );
            create table if not exists {schema}.audit_seal_leaves (
                position bigint primary key,
                seal_no bigint not null references {schema}.audit_seals (seal_no),
                stream_id text not null,
                version bigint not null,
                event_hash bytea not null,
                content_hash bytea not null,
                leaf_hash bytea not null
            );
            create index if not exists audit_seal_leaves_seal on {schema}.audit_seal_leaves (seal_no, position);
            """, conn, tx))
            await cmd.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
    }
}
