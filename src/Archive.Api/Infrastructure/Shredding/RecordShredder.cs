using Archive.Api.Infrastructure.Problems;
using Archive.Domain.Documents;
using Npgsql;
using NpgsqlTypes;
using Store = Archive.EventStore.EventStore;

namespace Archive.Api.Infrastructure.Shredding;

/// <summary>
/// Crypto-shredding of destroyed records (see <see cref="IRecordShredder"/>), in the caller's transaction:
/// deletes the records' stream keys (their titles, subjects and every other protected field become
/// unreadable in the event store) and removes or redacts every plaintext copy the API keeps: search index,
/// page-text and review-list rows (the record-list row becomes a tombstone that keeps only codes and the access regime), cached idempotent responses that name the record, free-text purposes in the access log, and dead
/// letters' error text. Queues a VACUUM of those tables for after the commit.
/// </summary>
public sealed class RecordShredder(Store store, ShreddingVacuum vacuum) : IRecordShredder
{
    public const string Redacted = "[shredded]";

    public async Task ShredAsync(IReadOnlyList<string> streamIds, NpgsqlConnection connection, NpgsqlTransaction transaction,
        CancellationToken cancellationToken)
    {
        var ct = cancellationToken;
        var streams = streamIds.Distinct(StringComparer.Ordinal).ToArray();
        if (streams.Length == 0) return;
        var recordIds = streams.Select(RecordIdOf).ToArray();
        // Read before the keys go: downloads are logged by content hash too.
        var resourceIds = recordIds.Concat(await ContentHashesAsync(streams, ct)).Distinct(StringComparer.Ordinal).ToArray();

        await store.ShredStreamsAsync(streams, connection, transaction, ct);
        await ExecAsync(connection, transaction, ct, "delete from archive_api.search_index where id = any($1)", P(recordIds));
        // Recognised text of a digitized document's pages is its content in plain words.
        await ExecAsync(connection, transaction, ct, "delete from archive_api.page_text where document_id = any($1)", P(recordIds));
        // The record list keeps a tombstone (regime and codes, no text); its projection makes it on the destruction event,
        // a restore re-shreds without one.
        await ExecAsync(connection, transaction, ct,
            $"update archive_api.record_list set {Features.Records.RecordList.TombstoneSet}, updated_at = now() where id = any($1)", P(recordIds));
        // The "Xem xét hủy" list keeps a title too; its projection would delete the row only later.
        await ExecAsync(connection, transaction, ct, "delete from archive_api.disposition_review where id = any($1)", P(recordIds));
        // So do the review projection's facts (title, subject); the projection writes them again, without text, when it folds the destruction.
        await ExecAsync(connection, transaction, ct, "delete from archive_api.disposition_review_dossiers where code = any($1)", P(recordIds));
        await ExecAsync(connection, transaction, ct, "delete from archive_api.disposition_review_documents where id = any($1)", P(recordIds));
        // A replay of a request about a destroyed record answers 410 instead of the cached body, which held its metadata.
        await ExecAsync(connection, transaction, ct, """
            update archive_api.idempotency set status = 410, headers = $2, body = $3
            where state = 'done' and exists (select 1 from unnest($1::text[]) i
                where position(convert_to(i, 'UTF8') in body) > 0 or strpos(headers::text, i) > 0)
            """, P(recordIds), new NpgsqlParameter { Value = GoneHeaders, NpgsqlDbType = NpgsqlDbType.Jsonb }, P(GoneBody));
        await ExecAsync(connection, transaction, ct,
            $"update archive_api.access_log set purpose = '{Redacted}' where purpose is not null and resource_id = any($1)", P(resourceIds));
        await ExecAsync(connection, transaction, ct,
            $"update {store.Options.Schema}.dead_letters set error = '{Redacted}' where stream_id = any($1)", P(streams));
        await vacuum.EnqueueAsync(streams, connection, transaction, ct);
    }

    /// <summary><c>document-{id}</c> → id, <c>dossier-{code}</c> → code (the search index and access log key records so).</summary>
    public static string RecordIdOf(string streamId) =>
        streamId.StartsWith("document-", StringComparison.Ordinal) ? streamId["document-".Length..]
        : streamId.StartsWith("dossier-", StringComparison.Ordinal) ? streamId["dossier-".Length..]
        : streamId;

    private async Task<IReadOnlyList<string>> ContentHashesAsync(IEnumerable<string> streams, CancellationToken ct)
    {
        var hashes = new List<string>();
        foreach (var stream in streams.Where(s => s.StartsWith("document-", StringComparison.Ordinal)))
            foreach (var e in await store.ReadStreamAsync(stream, ct: ct))
                switch (e.Data)
                {
                    case ContentVersionAdded added: hashes.Add(added.Sha256); break;
                    case DocumentDestroyed destroyed: hashes.AddRange(destroyed.ContentSha256s); break;
                }
        return hashes;
    }

    private static readonly string GoneHeaders = """{"Content-Type": "application/problem+json"}""";

    private static readonly byte[] GoneBody = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(ApiProblems.Details(410,
        new Text("Hồ sơ, tài liệu đã bị hủy", "Record destroyed"),
        new Text("Tài liệu mà yêu cầu này tạo hoặc sửa đã được hủy theo quyết định hủy; nội dung không còn.",
            "The record this request created or changed was destroyed under a destruction decision; its content is gone."),
        "record-destroyed"), new System.Text.Json.JsonSerializerOptions { Encoder = Json.ArchiveJson.Encoder });

    private static NpgsqlParameter P(object value) => new() { Value = value };

    private static async Task ExecAsync(NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct, string sql, params NpgsqlParameter[] args)
    {
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        cmd.Parameters.AddRange(args);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
