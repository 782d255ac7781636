using System.Text.Json;
using System.Text.Json.Serialization;
using Archive.Api.Features.Records;
using Archive.Domain.Documents;
using Archive.Domain.Dossiers;
using Archive.Domain.Identifiers;
using Archive.EventStore;
using Npgsql;
using NpgsqlTypes;

namespace Archive.Api.Features.Disposition;

/// <summary>
/// Danh mục "Xem xét hủy" (TT 05/2025 Chapter VII): keeps one row per fixed-term record whose work has ended, with the
/// last day it must be kept (<see cref="Domain.Retention.RetentionPeriod.KeepUntil"/>). Which rows are due depends on
/// today, so the list query compares <c>keep_until</c> with the API's clock: a record enters the list the day after its
/// period ends, without any event. Permanent, open, destroyed records have no row. A document gets its own row only when
/// it is kept shorter than its dossier (otherwise the dossier's row covers it).
/// <para>
/// Incremental and set-based: a record's row depends on its own state and on the records it is filed with (a dossier
/// is held when any of its documents is; a document's end year and comparison period come from its dossiers), so the
/// projection keeps each record's facts (<c>disposition_review_dossiers</c>, <c>_documents</c>, <c>_filings</c>)
/// and derives the rows in SQL from them. A batch folds only the records it touches (a dossier without its filings),
/// upserts their facts, then rewrites in one statement each the rows of the touched records, of the dossiers of touched
/// documents, and of the documents of dossiers whose period, end year or hold changed. It never reloads a dossier's
/// documents. Everything commits with the checkpoint, so replays converge (<see cref="Rules"/> states the rows' rules).
/// </para>
/// </summary>
public sealed class ReviewProjection(RecordsRepository repo) : IAsyncProjection
{
    public const string ProjectionName = "disposition-review";
    public string Name => ProjectionName;

    public async Task ApplyAsync(IReadOnlyList<RecordedEvent> events, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        var dossiers = new HashSet<string>(StringComparer.Ordinal);
        var documents = new HashSet<string>(StringComparer.Ordinal);
        var filings = new List<(string Dossier, string Document, long Position)>();
        foreach (var e in events)
        {
            if (e.StreamId.StartsWith("dossier-", StringComparison.Ordinal))
            {
                dossiers.Add(e.StreamId["dossier-".Length..]);
                if (e.Data is DocumentFiled f) filings.Add((f.DossierCode, f.DocumentId, e.Position));
            }
            else if (e.StreamId.StartsWith("document-", StringComparison.Ordinal)) documents.Add(e.StreamId["document-".Length..]);
        }
        if (dossiers.Count == 0 && documents.Count == 0) return;
        var streams = await repo.Store.ReadStreamsThroughBatchAsync(
            [.. dossiers.Select(RecordsRepository.DossierStream), .. documents.Select(RecordsRepository.DocumentStream)],
            events, RecordsRepository.FilingEventTypes, ct);
        var dossierFacts = dossiers.Select(code => DossierFacts.Of(code, DossierDecider.Fold(Events(streams, RecordsRepository.DossierStream(code))))).ToList();
        var documentFacts = documents.Select(id => DocumentFacts.Of(id, DocumentDecider.Fold(Events(streams, RecordsRepository.DocumentStream(id))))).ToList();

        // Facts first (one round trip): which dossiers changed what their documents' rows depend on, and which dossiers
        // hold the touched documents (their "held" may have changed).
        var changedDossiers = new List<string>();
        var dossiersOfDocuments = new List<string>();
        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            // Only the two queries return result sets (the reader skips the others): the changed dossiers, then the dossiers of
            // the touched documents (read after the filings are in).
            batch.BatchCommands.Add(Command(Rules.UpsertDocumentFacts, Json(documentFacts)));
            batch.BatchCommands.Add(Command(Rules.InsertFilings, filings.Select(f => f.Dossier).ToArray(), filings.Select(f => f.Document).ToArray(),
                filings.Select(f => f.Position).ToArray(), filings.Select(f => OrganOf(f.Dossier)).ToArray()));
            batch.BatchCommands.Add(Command(Rules.UpsertDossierFacts, Json(dossierFacts)));
            batch.BatchCommands.Add(Command(Rules.DossiersOf, documents.ToArray()));
            await using var r = await batch.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) changedDossiers.Add(r.GetString(0));
            await r.NextResultAsync(ct);
            while (await r.ReadAsync(ct)) dossiersOfDocuments.Add(r.GetString(0));
        }

        // Then the rows (one round trip, one statement per kind).
        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            batch.BatchCommands.Add(Command(Rules.WriteDossierRows, dossiers.Concat(dossiersOfDocuments).Distinct(StringComparer.Ordinal).ToArray()));
            batch.BatchCommands.Add(Command(Rules.WriteDocumentRows,
                documents.Concat(filings.Select(f => f.Document)).Distinct(StringComparer.Ordinal).ToArray(), changedDossiers.ToArray()));
            await batch.ExecuteNonQueryAsync(ct);
        }
    }

    public async Task ResetAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(Rules.Reset, connection, transaction);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static IEnumerable<Domain.Common.IDomainEvent> Events(IReadOnlyDictionary<string, IReadOnlyList<RecordedEvent>> streams, string stream) =>
        streams.GetValueOrDefault(stream, []).Select(e => e.Data).OfType<Domain.Common.IDomainEvent>();

    private static string? OrganOf(string dossierCode) => DossierCode.TryParse(dossierCode, out var organ, out _, out _) ? organ : null;

    private static NpgsqlBatchCommand Command(string sql, params NpgsqlParameter[] parameters)
    {
        var cmd = new NpgsqlBatchCommand(sql);
        cmd.Parameters.AddRange(parameters);
        return cmd;
    }

    private static NpgsqlBatchCommand Command(string sql, params Array[] arrays) => Command(sql, arrays.Select(a => new NpgsqlParameter { Value = a }).ToArray());

    /// <summary>Facts travel as one jsonb array per kind (read by jsonb_to_recordset).</summary>
    private static NpgsqlParameter Json<T>(IReadOnlyList<T> rows) => new() { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = JsonSerializer.Serialize(rows) };

    /// <summary>What a dossier's row and its documents' rows need from its state.</summary>
    private sealed record DossierFacts(
        [property: JsonPropertyName("code")] string Code,
        [property: JsonPropertyName("organ_id")] string? OrganId,
        [property: JsonPropertyName("reviewable")] bool Reviewable,
        [property: JsonPropertyName("title")] string? Title,
        [property: JsonPropertyName("access_regime")] string? AccessRegime,
        [property: JsonPropertyName("retention_code")] string? RetentionCode,
        [property: JsonPropertyName("retention_years")] int? RetentionYears,
        [property: JsonPropertyName("permanent")] bool? Permanent,
        [property: JsonPropertyName("end_year")] int? EndYear,
        [property: JsonPropertyName("held")] bool Held)
    {
        public static DossierFacts Of(string code, DossierState s)
        {
            var retention = s.Retention;
            // Only a closed or transferred dossier whose description is readable is listed (not open, destroyed or shredded).
            var reviewable = s.Status is DossierStatus.Closed or DossierStatus.Transferred && s.Metadata is not null;
            return new(code, s.OrganId, reviewable, reviewable ? s.Metadata!.Title : null, s.Metadata?.AccessMode,
                retention?.Code, retention?.Years, retention?.IsPermanent, s.ClosedEndDate?.Year, s.IsHeld);
        }
    }

    /// <summary>What a document's row needs from its own state.</summary>
    private sealed record DocumentFacts(
        [property: JsonPropertyName("id")] string Id,
        [property: JsonPropertyName("reviewable")] bool Reviewable,
        [property: JsonPropertyName("subject")] string? Subject,
        [property: JsonPropertyName("access_regime")] string? AccessRegime,
        [property: JsonPropertyName("retention_code")] string? RetentionCode,
        [property: JsonPropertyName("retention_years")] int? RetentionYears,
        [property: JsonPropertyName("permanent")] bool Permanent,
        [property: JsonPropertyName("held")] bool Held)
    {
        public static DocumentFacts Of(string id, DocumentState s)
        {
            var reviewable = s.Status == DocumentStatus.Registered && s.Metadata is not null;
            var retention = s.Metadata?.GetRetention();
            return new(id, reviewable, reviewable ? s.Metadata!.Subject : null, s.Metadata?.AccessMode, retention?.Code, retention?.Years,
                retention?.IsPermanent ?? true, s.IsHeld);
        }
    }

    /// <summary>
    /// The rules of the list, in SQL over the facts (the same rules as <see cref="Domain.Disposition.CandidateFacts"/>):
    /// <list type="bullet">
    /// <item>A dossier has a row when it is closed or transferred, of fixed term, with an end year (the year it was
    /// closed); it is held when it or any document filed in it is held.</item>
    /// <item>A document has a row when it is registered, of fixed term, filed in at least one dossier, every one of its
    /// dossiers is closed (end year: the latest), and it is kept shorter than the longest of their periods (a permanent
    /// dossier is longer than any term); organ: that of its first dossier; held when it or any of its dossiers is.</item>
    /// </list>
    /// Rows equal to the stored ones are not rewritten.
    /// </summary>
    private static class Rules
    {
        private const string Schema = "archive_api";

        public const string UpsertDossierFacts = $"""
            with new as (select * from jsonb_to_recordset($1) as r(code text, organ_id text, reviewable boolean, title text, access_regime text,
                    retention_code text, retention_years int, permanent boolean, end_year int, held boolean)),
                old as (select o.* from {Schema}.disposition_review_dossiers o where o.code in (select code from new)),
                up as (insert into {Schema}.disposition_review_dossiers (code, organ_id, reviewable, title, access_regime, retention_code,
                        retention_years, permanent, end_year, held)
                    select code, organ_id, reviewable, title, access_regime, retention_code, retention_years, permanent, end_year, held from new
                    on conflict (code) do update set organ_id = excluded.organ_id, reviewable = excluded.reviewable, title = excluded.title,
                        access_regime = excluded.access_regime, retention_code = excluded.retention_code, retention_years = excluded.retention_years,
                        permanent = excluded.permanent, end_year = excluded.end_year, held = excluded.held)
            select n.code from new n left join old o on o.code = n.code
            where o.code is null or (o.retention_years, o.permanent, o.end_year, o.held) is distinct from (n.retention_years, n.permanent, n.end_year, n.held)
            """;

        public const string UpsertDocumentFacts = $"""
            insert into {Schema}.disposition_review_documents (id, reviewable, subject, access_regime, retention_code, retention_years, permanent, held)
            select id, reviewable, subject, access_regime, retention_code, retention_years, permanent, held
            from jsonb_to_recordset($1) as r(id text, reviewable boolean, subject text, access_regime text, retention_code text,
                retention_years int, permanent boolean, held boolean)
            on conflict (id) do update set reviewable = excluded.reviewable, subject = excluded.subject, access_regime = excluded.access_regime,
                retention_code = excluded.retention_code, retention_years = excluded.retention_years, permanent = excluded.permanent,
                held = excluded.held
            """;

        public const string InsertFilings = $"""
            insert into {Schema}.disposition_review_filings (dossier_code, document_id, position, organ_id)
            select * from unnest($1::text[], $2::text[], $3::bigint[], $4::text[]) on conflict do nothing
            """;

        public const string DossiersOf = $"select distinct dossier_code from {Schema}.disposition_review_filings where document_id = any($1)";

        private const string RowColumns = "id, kind, organ_id, title, retention_code, retention_years, end_year, keep_until, held, access_regime";

        private const string UpsertRows = $"""
            insert into {Schema}.disposition_review ({RowColumns}) select {RowColumns} from rows
            on conflict (id) do update set kind = excluded.kind, organ_id = excluded.organ_id, title = excluded.title,
                retention_code = excluded.retention_code, retention_years = excluded.retention_years, end_year = excluded.end_year,
                keep_until = excluded.keep_until, held = excluded.held, access_regime = excluded.access_regime, updated_at = now()
            where (disposition_review.kind, disposition_review.organ_id, disposition_review.title, disposition_review.retention_code,
                   disposition_review.retention_years, disposition_review.end_year, disposition_review.keep_until, disposition_review.held,
                   disposition_review.access_regime)
                is distinct from (excluded.kind, excluded.organ_id, excluded.title, excluded.retention_code, excluded.retention_years,
                   excluded.end_year, excluded.keep_until, excluded.held, excluded.access_regime)
            """;

        public const string WriteDossierRows = $"""
            with rows as (
                select x.code as id, 'dossier' as kind, x.organ_id, x.title, x.retention_code, x.retention_years, x.end_year,
                    make_date(x.end_year + x.retention_years, 12, 31) as keep_until,
                    x.held or exists (select 1 from {Schema}.disposition_review_filings f join {Schema}.disposition_review_documents d on d.id = f.document_id
                        where f.dossier_code = x.code and d.held) as held,
                    x.access_regime
                from {Schema}.disposition_review_dossiers x
                where x.code = any($1) and x.reviewable and not x.permanent and x.end_year is not null),
            gone as (delete from {Schema}.disposition_review r where r.id = any($1) and r.id not in (select id from rows))
            {UpsertRows}
            """;

        public const string WriteDocumentRows = $"""
            with wanted as (select unnest($1::text[]) as id
                    union select document_id from {Schema}.disposition_review_filings where dossier_code = any($2)),
                rows as (
                select d.id, 'document' as kind, (array_agg(f.organ_id order by f.position))[1] as organ_id, d.subject as title, d.retention_code,
                    d.retention_years, max(x.end_year) as end_year, make_date(max(x.end_year) + d.retention_years, 12, 31) as keep_until,
                    d.held or bool_or(x.held) as held, d.access_regime
                from {Schema}.disposition_review_documents d
                join {Schema}.disposition_review_filings f on f.document_id = d.id
                left join {Schema}.disposition_review_dossiers x on x.code = f.dossier_code
                where d.id in (select id from wanted) and d.reviewable and not d.permanent
                group by d.id
                having count(*) = count(x.end_year)
                    and (bool_or(x.permanent) or d.retention_years < max(x.retention_years) filter (where not x.permanent))),
            gone as (delete from {Schema}.disposition_review r where r.id in (select id from wanted) and r.id not in (select id from rows))
            {UpsertRows}
            """;

        public const string Reset = $"""
            delete from {Schema}.disposition_review;
            delete from {Schema}.disposition_review_dossiers;
            delete from {Schema}.disposition_review_documents;
            delete from {Schema}.disposition_review_filings;
            """;
    }
}
