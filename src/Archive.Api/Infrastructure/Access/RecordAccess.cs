using Archive.Api.Features.Records;
using Archive.Api.Infrastructure.Auth;
using Archive.Domain.Common;
using Archive.Domain.Documents;
using Archive.Domain.Dossiers;
using Archive.EventStore;
using Npgsql;
using Store = Archive.EventStore.EventStore;

namespace Archive.Api.Infrastructure.Access;

/// <summary>
/// Chế độ sử dụng hiện hành (each record's current access regime), kept by an inline projection: written in the
/// transaction that appends the event setting it, so it is never behind the record's own stream. Every read that
/// lists or searches many records (search, audit timelines of a fonds or dossier, the disposition review list, the
/// access log) hides regime 03 (Mật) from uncleared callers through this table, never through an asynchronous read
/// model: the search index may still show a record as 01 for a while after it became 03
/// (docs/standards/audit-and-integrity.md, "Access decisions").
/// </summary>
public static class RecordAccess
{
    public const string Table = "archive_api.record_access";

    public const string Ddl = """
        create table if not exists archive_api.record_access (
            stream_id text primary key,
            access_regime text not null,
            updated_position bigint not null);
        create index if not exists record_access_secret on archive_api.record_access (stream_id) where access_regime = '03';
        create table if not exists archive_api.record_access_backfill (done_at timestamptz not null);
        """;

    /// <summary>
    /// SQL predicate: the stream named by <paramref name="streamIdSql"/> is not a regime 03 record. Add it to a read
    /// for a caller without clearance.
    /// </summary>
    public static string NotSecret(string streamIdSql) =>
        $"{streamIdSql} not in (select stream_id from {Table} where access_regime = '{AccessRegimes.Secret}')";

    /// <summary>The regime a record's event sets, if it sets one (opening, registration, metadata edits).</summary>
    internal static string? RegimeSetBy(object? @event) => @event switch
    {
        DossierOpened e => e.Metadata.AccessMode,
        DossierMetadataChanged e => e.Metadata.AccessMode,
        DocumentRegistered e => e.Metadata.AccessMode,
        DocumentMetadataChanged e => e.Metadata.AccessMode,
        _ => null,
    };

    /// <summary>
    /// Fills the table once from the records' streams (archives from before it existed), before the host serves:
    /// until then the table would hide nothing. Rows written meanwhile by appends win (they are newer).
    /// </summary>
    public static async Task BackfillAsync(NpgsqlDataSource db, Store store, RecordsRepository repo, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var l = new NpgsqlCommand("select pg_advisory_xact_lock(hashtext('archive_api.record_access'))", conn, tx))
            await l.ExecuteScalarAsync(ct);
        await using (var done = new NpgsqlCommand("select exists (select 1 from archive_api.record_access_backfill)", conn, tx))
            if ((bool)(await done.ExecuteScalarAsync(ct))!) return;
        var streams = (await repo.StreamsOfTypeAsync("dossier", ct)).Concat(await repo.StreamsOfTypeAsync("document", ct)).ToList();
        foreach (var chunk in streams.Chunk(500))
        {
            var read = await store.ReadStreamsAsync(chunk, ct);
            var rows = new List<(string Stream, string Regime, long Position)>();
            foreach (var (stream, events) in read)
            {
                var last = events.LastOrDefault(e => RegimeSetBy(e.Data) is not null);
                if (last is not null) rows.Add((stream, RegimeSetBy(last.Data)!, last.Position));
            }
            await WriteAsync(conn, tx, rows, overwrite: false, ct);
        }
        await using (var mark = new NpgsqlCommand("insert into archive_api.record_access_backfill (done_at) values (now())", conn, tx))
            await mark.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
    }

    internal static async Task WriteAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyList<(string Stream, string Regime, long Position)> rows,
        bool overwrite, CancellationToken ct)
    {
        if (rows.Count == 0) return;
        await using var cmd = new NpgsqlCommand($"""
            insert into {Table} (stream_id, access_regime, updated_position)
            select * from unnest($1::text[], $2::text[], $3::bigint[])
            on conflict (stream_id) do {(overwrite
                ? $"update set access_regime = excluded.access_regime, updated_position = excluded.updated_position where {Table}.updated_position < excluded.updated_position"
                : "nothing")}
            """, conn, tx);
        cmd.Parameters.AddWithValue(rows.Select(r => r.Stream).ToArray());
        cmd.Parameters.AddWithValue(rows.Select(r => r.Regime).ToArray());
        cmd.Parameters.AddWithValue(rows.Select(r => r.Position).ToArray());
        await cmd.ExecuteNonQueryAsync(ct);
    }
}

/// <summary>Keeps <see cref="RecordAccess"/> in the append's transaction; appends that set no regime cost nothing.</summary>
public sealed class RecordAccessProjection : IInlineProjection
{
    public Task ApplyAsync(IReadOnlyList<RecordedEvent> events, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        List<(string, string, long)>? rows = null;
        foreach (var e in events)
            if (RecordAccess.RegimeSetBy(e.Data) is { } regime) (rows ??= []).Add((e.StreamId, regime, e.Position));
        return rows is null ? Task.CompletedTask
            : RecordAccess.WriteAsync(connection, transaction, rows.GroupBy(r => r.Item1).Select(g => g.Last()).ToList(), overwrite: true, ct);
    }
}
