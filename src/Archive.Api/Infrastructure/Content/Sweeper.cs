using Npgsql;

namespace Archive.Api.Infrastructure.Content;

/// <summary>Answers whether anything still points at a blob. Features record references here.</summary>
public interface IBlobReferences
{
    Task<bool> IsReferencedAsync(string sha256, CancellationToken ct);
}

/// <summary>
/// References (tham chiếu tệp) in <c>archive_api.content_refs</c>: a document version, an
/// upload session, etc. (owner kind + id) holding a blob. Features add a reference in the
/// same step that records the blob, and remove it when the owner lets go.
/// </summary>
public sealed class ContentReferences(NpgsqlDataSource db) : IBlobReferences
{
    /// <param name="http">Under an <c>Idempotency-Key</c> the reference joins the request's transaction, with its events.</param>
    public Task AddAsync(string sha256, string ownerKind, string ownerId, CancellationToken ct, HttpContext? http = null) =>
        ExecAsync("insert into archive_api.content_refs (sha256, owner_kind, owner_id) values ($1, $2, $3) on conflict do nothing",
            sha256, ownerKind, ownerId, http, ct);

    public Task RemoveAsync(string sha256, string ownerKind, string ownerId, CancellationToken ct, HttpContext? http = null) =>
        ExecAsync("delete from archive_api.content_refs where sha256 = $1 and owner_kind = $2 and owner_id = $3", sha256, ownerKind, ownerId, http, ct);

    private Task<int> ExecAsync(string sql, string sha256, string ownerKind, string ownerId, HttpContext? http, CancellationToken ct) =>
        Idempotency.IdempotencyClaim.WriteAsync(http, db, async (conn, tx) =>
        {
            await using var cmd = new NpgsqlCommand(sql, conn, tx);
            cmd.Parameters.AddWithValue(sha256);
            cmd.Parameters.AddWithValue(ownerKind);
            cmd.Parameters.AddWithValue(ownerId);
            return await cmd.ExecuteNonQueryAsync(ct);
        }, ct);

    public async Task<bool> IsReferencedAsync(string sha256, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("select exists (select 1 from archive_api.content_refs where sha256 = $1)");
        cmd.Parameters.AddWithValue(sha256);
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }
}

public sealed record SweepResult(IReadOnlyList<string> Deleted, int TempFilesRemoved);

/// <summary>Removes unreferenced blobs older than a grace period (dọn tệp mồ côi).</summary>
public interface ISweeper
{
    Task<SweepResult> SweepAsync(TimeSpan grace, CancellationToken ct);
}

/// <summary>
/// The grace period covers the window between a blob's upload and the feature recording its
/// reference: a blob younger than it is never deleted, referenced or not.
/// </summary>
public sealed class ContentSweeper(IContentStore store, IBlobReferences references, TimeProvider clock) : ISweeper
{
    public async Task<SweepResult> SweepAsync(TimeSpan grace, CancellationToken ct)
    {
        var cutoff = clock.GetUtcNow() - grace;
        var deleted = new List<string>();
        var candidates = new List<string>();
        await foreach (var blob in store.ListAsync(ct))
            if (blob.StoredAt <= cutoff) candidates.Add(blob.Sha256);
        foreach (var sha in candidates)
            if (!await references.IsReferencedAsync(sha, ct) && await store.DeleteAsync(sha, ct)) deleted.Add(sha);

        var temps = 0;
        if (store is FileSystemContentStore fs)
            foreach (var t in fs.TempFiles().Where(t => t.LastWriteTimeUtc <= cutoff.UtcDateTime).ToList())
            {
                try { t.Delete(); temps++; } catch (IOException) { }
            }
        return new SweepResult(deleted, temps);
    }
}
