using Archive.Api.Features.Records;
using Archive.Domain.Disposition;
using Archive.Domain.Documents;
using Archive.Domain.Dossiers;
using Archive.Domain.Identifiers;
using Archive.Domain.Retention;
using Archive.EventStore;
using Npgsql;

namespace Archive.Api.Features.Disposition;

/// <summary>
/// Danh mục "Xem xét hủy" (TT 05/2025 Chapter VII): keeps one row per fixed-term record whose work has ended, with the
/// last day it must be kept (<see cref="RetentionPeriod.KeepUntil"/>). Which rows are due depends on today, so the list
/// query compares <c>keep_until</c> with the API's clock: a record enters the list the day after its period ends,
/// without any event. Permanent, open, destroyed records have no row. A document gets its own row only when it is kept
/// shorter than its dossier (otherwise the dossier's row covers it).
/// Rows are rewritten from the records' current state in the checkpoint's transaction, so replays converge.
/// </summary>
public sealed class ReviewProjection(RecordsRepository repo, DispositionStore store) : IAsyncProjection
{
    public const string ProjectionName = "disposition-review";
    public string Name => ProjectionName;

    public async Task ApplyAsync(IReadOnlyList<RecordedEvent> events, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        var dossiers = new HashSet<string>(StringComparer.Ordinal);
        var documents = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            if (e.StreamId.StartsWith("dossier-", StringComparison.Ordinal)) dossiers.Add(e.StreamId["dossier-".Length..]);
            else if (e.StreamId.StartsWith("document-", StringComparison.Ordinal)) documents.Add(e.StreamId["document-".Length..]);
        }
        // A document's hold or retention changes its dossiers' rows too: one lookup for the batch's documents.
        foreach (var filing in (await repo.FilingsOfAsync(documents, ct)).Values.SelectMany(f => f)) dossiers.Add(filing.DossierCode);
        foreach (var code in dossiers)
        {
            var (dossier, _) = await repo.LoadDossierAsync(code, ct);
            var docs = await store.DocumentsOfAsync(dossier, ct);
            await WriteAsync(connection, transaction, code, "dossier", DossierRow(dossier, docs), ct);
            foreach (var d in dossier.Documents) documents.Add(d.DocumentId);
        }
        foreach (var id in documents)
        {
            var (doc, _) = await repo.LoadDocumentAsync(id, ct);
            await WriteAsync(connection, transaction, id, "document", DocumentRow(doc, await store.DossiersOfAsync(id, ct)), ct);
        }
    }

    public async Task ResetAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("delete from archive_api.disposition_review", connection, transaction);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private sealed record Row(string? OrganId, string? Title, RetentionPeriod Retention, int EndYear, bool Held, string AccessRegime);

    private static Row? DossierRow(DossierState s, IReadOnlyList<DocumentState> docs)
    {
        if (s.Status is not (DossierStatus.Closed or DossierStatus.Transferred) || s.Metadata is null) return null;
        var c = CandidateFacts.ForDossier(s, docs);
        return c.Retention.IsPermanent || c.EndYear is null ? null
            : new Row(s.OrganId, s.Metadata.Title, c.Retention, c.EndYear.Value, c.IsUnderHold, s.Metadata.AccessMode);
    }

    private static Row? DocumentRow(DocumentState s, IReadOnlyList<DossierState> dossiers)
    {
        if (s.Status != DocumentStatus.Registered || s.Metadata is null || dossiers.Count == 0) return null;
        var c = CandidateFacts.ForDocument(s, dossiers);
        var dossierLongest = RetentionPeriod.Longest(dossiers.Select(d => d.Retention));
        if (c.Retention.IsPermanent || c.EndYear is null || dossierLongest is null || c.Retention >= dossierLongest) return null;
        var organ = DossierCode.TryParse(dossiers[0].Code, out var o, out _, out _) ? o : null;
        return new Row(organ, s.Metadata.Subject, c.Retention, c.EndYear.Value, c.IsUnderHold, s.Metadata.AccessMode);
    }

    private static async Task WriteAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string id, string kind, Row? row, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(row is null ? "delete from archive_api.disposition_review where id = $1" : """
            insert into archive_api.disposition_review (id, kind, organ_id, title, retention_code, retention_years, end_year, keep_until, held, access_regime)
            values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
            on conflict (id) do update set kind = excluded.kind, organ_id = excluded.organ_id, title = excluded.title,
                retention_code = excluded.retention_code, retention_years = excluded.retention_years, end_year = excluded.end_year,
                keep_until = excluded.keep_until, held = excluded.held, access_regime = excluded.access_regime, updated_at = now()
            """, conn, tx);
        cmd.Parameters.AddWithValue(id);
        if (row is not null)
        {
            cmd.Parameters.AddWithValue(kind);
            cmd.Parameters.AddWithValue((object?)row.OrganId ?? DBNull.Value);
            cmd.Parameters.AddWithValue((object?)row.Title ?? DBNull.Value);
            cmd.Parameters.AddWithValue(row.Retention.Code);
            cmd.Parameters.AddWithValue((object?)row.Retention.Years ?? DBNull.Value);
            cmd.Parameters.AddWithValue(row.EndYear);
            cmd.Parameters.AddWithValue(row.Retention.KeepUntil(row.EndYear)!.Value);
            cmd.Parameters.AddWithValue(row.Held);
            cmd.Parameters.AddWithValue(row.AccessRegime);
        }
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
