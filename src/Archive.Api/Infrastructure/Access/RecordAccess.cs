using System.Security.Claims;
using Archive.Api.Features.Records;
using Archive.Api.Infrastructure.Auth;
using Npgsql;

namespace Archive.Api.Infrastructure.Access;

/// <summary>
/// Chế độ sử dụng hiện hành (each record's current access regime) for reads over many records. It is read from
/// <c>archive_api.record_list</c> (<see cref="RecordList"/>), the one inline read model that carries it, written in the
/// transaction that appends the event setting it, so it is never behind the record's own stream; a destroyed record keeps
/// its regime there in a tombstone row. Every read that lists or searches many records (search, audit timelines of a
/// fonds or dossier, the disposition review list, the access log) hides regime 03 (Mật) from uncleared callers through
/// it, never through an asynchronous read model: the search index may still show a record as 01 for a while after it
/// became 03 (docs/standards/audit-and-integrity.md, "Access decisions").
/// </summary>
public static class RecordAccess
{
    /// <summary>
    /// SQL predicate: the stream named by <paramref name="streamIdSql"/> (<c>dossier-{code}</c>, <c>document-{id}</c>)
    /// is not a regime 03 record, destroyed or not. Add it to a read for a caller without clearance.
    /// </summary>
    public static string NotSecret(string streamIdSql) =>
        // A probe per candidate row on the partial index record_list_secret. "not in (every 03 id)" built a hash of every 03
        // record for every query (about 140 ms per search over 1,000,000 documents, some 50,000 of them 03); "offset 0" keeps
        // the probe a per-row subplan. The derived table exposes only secret_stream, so the caller's unqualified columns
        // (kind, id, stream_id...) can only mean the outer row's, never record_list's own.
        $"not exists (select 1 from (select kind || '-' || id as secret_stream from archive_api.record_list where access_regime = '{AccessRegimes.Secret}') s " +
        $"where s.secret_stream = {streamIdSql} offset 0)";

    /// <summary>
    /// Whether <paramref name="caller"/> may see a destroyed record's residual: its metadata, regime included, was
    /// shredded, so the tombstone's regime decides (404 for an uncleared caller when it was 03, as for a live one).
    /// </summary>
    public static async Task<bool> MaySeeResidualAsync(NpgsqlDataSource db, ClaimsPrincipal caller, string kind, string id, CancellationToken ct)
    {
        if (caller.IsClearedForSecret()) return true;
        await using var cmd = db.CreateCommand("select access_regime from archive_api.record_list where kind = $1 and id = $2");
        cmd.Parameters.AddWithValue(kind);
        cmd.Parameters.AddWithValue(id);
        // No row: a record destroyed by a host older than the tombstones whose regime nothing kept; hide it.
        return await cmd.ExecuteScalarAsync(ct) is string regime && regime != AccessRegimes.Secret;
    }
}
