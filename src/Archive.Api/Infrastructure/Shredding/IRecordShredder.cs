using Npgsql;

namespace Archive.Api.Infrastructure.Shredding;

/// <summary>
/// Crypto-shredding (hủy không thể khôi phục) of destroyed records: makes the descriptive metadata of the
/// given record streams unrecoverable by deleting their per-record keys and every plaintext copy kept by read
/// models, inside the caller's transaction, so the destruction events and the shredding commit together.
/// The content blobs are deleted by the destruction step itself.
/// </summary>
public interface IRecordShredder
{
    /// <param name="streamIds">Event-store stream ids of the destroyed records (<c>document-{id}</c>, <c>dossier-{code}</c>).</param>
    Task ShredAsync(IReadOnlyList<string> streamIds, NpgsqlConnection connection, NpgsqlTransaction transaction,
        CancellationToken cancellationToken);
}
