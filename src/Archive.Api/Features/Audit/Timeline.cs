using System.Runtime.CompilerServices;
using System.Text.Json;
using Archive.Api.Features.Records;
using Archive.Api.Hosting;
using Archive.Api.Infrastructure.Access;
using Archive.Api.Infrastructure.Auth;
using Archive.Api.Infrastructure.Search;
using Npgsql;
using NpgsqlTypes;

namespace Archive.Api.Features.Audit;

/// <summary>One event as an auditor sees it: who, when, from where, why, and what changed.</summary>
public sealed record TimelineEntry(long Position, string StreamId, long Version, string Type, DateTimeOffset RecordedAt,
    string? Actor, string? ActorName, string? ActorRole, string? SourceAddress, string? Reason, string? CorrelationId,
    JsonElement? Changes, JsonElement Data);

public sealed record TimelinePage(string Record, string Kind, IReadOnlyList<TimelineEntry> Items, long? NextCursor);

/// <summary>Which record a timeline is about; <see cref="Kind"/> is fonds, dossier or document.</summary>
public sealed record TimelineScope(string Record, string Kind);

/// <summary>Filters of a timeline read: period [From, To), event types, and the position to continue after.</summary>
public sealed record TimelineFilter(DateTimeOffset? From, DateTimeOffset? To, IReadOnlyList<string> Types, long? After);

/// <summary>
/// The audit timeline (lịch sử xử lý) of a fonds, dossier or document, read from the event log in position
/// order (stable: positions never change). A document's timeline holds its own stream and every dossier event
/// that names it (its filings, retention updates); a dossier's adds the streams of the documents filed in it;
/// a fonds' adds its dossiers (codes <c>organId.*</c>) and their documents.
/// </summary>
public sealed class Timeline(NpgsqlDataSource db, Archive.EventStore.EventStore store)
{
    private static readonly string E = $"{EventStoreSetup.Schema}.events";

    public async Task<TimelineScope?> ResolveAsync(string record, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"""
            select s.kind from (values (1, 'fonds', $1), (2, 'dossier', $2), (3, 'document', $3)) as s(o, kind, stream)
             where exists (select 1 from {EventStoreSetup.Schema}.streams where id = s.stream) order by s.o limit 1
            """);
        cmd.Parameters.AddWithValue(RecordsRepository.FondsStream(record));
        cmd.Parameters.AddWithValue(RecordsRepository.DossierStream(record));
        cmd.Parameters.AddWithValue(RecordsRepository.DocumentStream(record));
        return await cmd.ExecuteScalarAsync(ct) is string kind ? new TimelineScope(record, kind) : null;
    }

    public async Task<TimelinePage> PageAsync(TimelineScope scope, TimelineFilter filter, bool clearedForSecret, int limit, CancellationToken ct)
    {
        var items = new List<TimelineEntry>(limit + 1);
        await foreach (var e in ReadAsync(scope, filter, clearedForSecret, limit + 1, ct)) items.Add(e);
        long? next = items.Count > limit ? items[limit - 1].Position : null;
        if (items.Count > limit) items.RemoveAt(limit);
        return new TimelinePage(scope.Record, scope.Kind, items, next);
    }

    /// <summary>
    /// Streams the matching events from the database reader in chunks (exports never buffer the period); protected
    /// events (encrypted data and reason, docs/architecture.md "Encryption and crypto-shredding") are opened through
    /// the store, so the timeline shows their changes and reason, or the shredded marker after a destruction.
    /// </summary>
    public async IAsyncEnumerable<TimelineEntry> ReadAsync(TimelineScope scope, TimelineFilter filter, bool clearedForSecret, int? limit,
        [EnumeratorCancellation] CancellationToken ct)
    {
        var chunk = new List<TimelineEntry>(256);
        await foreach (var e in ReadRowsAsync(scope, filter, clearedForSecret, limit, ct))
        {
            chunk.Add(e);
            if (chunk.Count < 256) continue;
            foreach (var opened in await OpenAsync(chunk, ct)) yield return opened;
            chunk.Clear();
        }
        foreach (var opened in await OpenAsync(chunk, ct)) yield return opened;
    }

    private async Task<IReadOnlyList<TimelineEntry>> OpenAsync(List<TimelineEntry> rows, CancellationToken ct)
    {
        var sealedRows = rows.Where(e => (e.Data.ValueKind == JsonValueKind.Object && e.Data.TryGetProperty("enc", out _))
                                         || e.Reason?.StartsWith("enc:", StringComparison.Ordinal) == true).Select(e => e.Position).ToList();
        if (sealedRows.Count == 0) return rows.ToList();
        var opened = (await store.ReadPositionsAsync(sealedRows, ct)).ToDictionary(e => e.Position);
        // Through jsonb, so opened data reads exactly like plain rows (jsonb's key order and spacing).
        var canonical = new Dictionary<long, JsonElement>();
        await using (var cmd = db.CreateCommand("select p, d::text from unnest($1::bigint[], $2::jsonb[]) as t(p, d)"))
        {
            cmd.Parameters.AddWithValue(opened.Keys.ToArray());
            cmd.Parameters.Add(new NpgsqlParameter { Value = opened.Values.Select(o => o.RawData).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) canonical[r.GetInt64(0)] = JsonSerializer.Deserialize<JsonElement>(r.GetString(1));
        }
        return rows.Select(e =>
        {
            if (!opened.TryGetValue(e.Position, out var o)) return e;
            var data = canonical[e.Position];
            return e with
            {
                Reason = o.Metadata.Headers.GetValueOrDefault("reason"),
                Data = data,
                Changes = data.ValueKind == JsonValueKind.Object && data.TryGetProperty("changes", out var c) ? c : null,
            };
        }).ToList();
    }

    private async IAsyncEnumerable<TimelineEntry> ReadRowsAsync(TimelineScope scope, TimelineFilter filter, bool clearedForSecret, int? limit,
        [EnumeratorCancellation] CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var cmd = Build(conn, scope, filter, clearedForSecret, limit);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            string? S(int i) => r.IsDBNull(i) ? null : r.GetString(i);
            // Deserialize (not JsonDocument.Parse) so no pooled buffer is left undisposed per row of a long export.
            JsonElement? changes = r.IsDBNull(11) ? null : JsonSerializer.Deserialize<JsonElement>(r.GetString(11));
            yield return new TimelineEntry(r.GetInt64(0), r.GetString(1), r.GetInt64(2), r.GetString(3), r.GetFieldValue<DateTimeOffset>(4),
                S(5), S(6), S(7), S(8), S(9), S(10), changes, JsonSerializer.Deserialize<JsonElement>(r.GetString(12)));
        }
    }

    private static NpgsqlCommand Build(NpgsqlConnection conn, TimelineScope scope, TimelineFilter filter, bool clearedForSecret, int? limit)
    {
        var cmd = new NpgsqlCommand { Connection = conn };
        string P(object value, NpgsqlDbType? type = null)
        {
            var p = type is { } t ? new NpgsqlParameter { NpgsqlDbType = t, Value = value } : new NpgsqlParameter { Value = value };
            cmd.Parameters.Add(p);
            return "$" + cmd.Parameters.Count;
        }
        const string Filed = "'dossier.document.filed.v1'";
        var where = scope.Kind switch
        {
            RecordKinds.Document => $"(stream_id = {P(RecordsRepository.DocumentStream(scope.Record))} or (stream_id like 'dossier-%' and data->>'documentId' = {P(scope.Record)}))",
            RecordKinds.Dossier => Dossier(P(RecordsRepository.DossierStream(scope.Record))),
            _ => Fonds(P(RecordsRepository.FondsStream(scope.Record)), P("dossier-" + EscapeLike(scope.Record) + ".%")),
        };
        static string Dossier(string stream) =>
            $"(stream_id = {stream} or stream_id in (select 'document-' || (data->>'documentId') from {E} where stream_id = {stream} and type = {Filed}))";
        static string Fonds(string stream, string dossiers) =>
            $"(stream_id = {stream} or stream_id like {dossiers} escape '\\' or stream_id in " +
            $"(select 'document-' || (data->>'documentId') from {E} where stream_id like {dossiers} escape '\\' and type = {Filed}))";

        var sql = new System.Text.StringBuilder($"""
            select position, stream_id, version, type, recorded_at, metadata->>'actor', metadata->'headers'->>'actorName',
                   metadata->'headers'->>'actorRole', metadata->'headers'->>'sourceAddress', metadata->'headers'->>'reason',
                   metadata->>'correlationId', (data->'changes')::text, data::text
              from {E} where {where}
            """);
        // Regime 03 records inside a fonds or dossier (or the secret dossier a document is filed in) stay invisible to
        // uncleared callers, as everywhere else (their own timelines answer 404 before this query runs). The regimes
        // come from the table written in each append's transaction, never from the asynchronous search index.
        if (!clearedForSecret) sql.Append(" and " + RecordAccess.NotSecret("stream_id"));
        if (filter.From is { } from) sql.Append($" and recorded_at >= {P(from)}");
        if (filter.To is { } to) sql.Append($" and recorded_at < {P(to)}");
        if (filter.Types.Count > 0) sql.Append($" and type = any({P(filter.Types.ToArray())})");
        if (filter.After is { } after) sql.Append($" and position > {P(after)}");
        sql.Append(" order by position");
        if (limit is { } l) sql.Append($" limit {P((long)l)}");
        cmd.CommandText = sql.ToString();
        return cmd;
    }

    private static string EscapeLike(string s) => s.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");
}
