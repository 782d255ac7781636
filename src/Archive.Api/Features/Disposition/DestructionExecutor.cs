using Archive.Api.Features.Records;
using Archive.Api.Infrastructure.Content;
using Archive.Api.Infrastructure.Idempotency;
using Archive.Api.Infrastructure.Problems;
using Archive.Api.Infrastructure.Shredding;
using Archive.Domain.Common;
using Archive.Domain.Disposition;
using Archive.Domain.Documents;
using Archive.Domain.Dossiers;
using Archive.Domain.Retention;
using Archive.EventStore;
using Npgsql;

using FieldError = Archive.Domain.Common.FieldError;

namespace Archive.Api.Features.Disposition;

public sealed record ExecutionResponse(ProposalResponse Proposal, IReadOnlyList<string> DestroyedDocuments, IReadOnlyList<string> DeletedBlobs,
    IReadOnlyList<string> KeptSharedBlobs);

/// <summary>
/// Thi hành quyết định hủy (execution). In one transaction: <c>destruction.executed.v1</c> on the list, a
/// <c>*.destroyed.v1</c> residual on every destroyed dossier and document, their blob references and review rows
/// removed, and their metadata crypto-shredded (<see cref="IRecordShredder"/>). After the commit, the
/// content blobs no surviving record references are deleted. Blobs are content-addressed, so a blob shared with a
/// record that survives is kept. A crash between commit and deletion leaves unreferenced blobs, which the sweeper
/// removes after its grace period; it never leaves a destroyed record's bytes referenced.
/// A dossier takes with it every document filed only in dossiers destroyed by the same decision; a document also
/// filed in a surviving dossier survives.
/// </summary>
public sealed class DestructionExecutor(DispositionStore store, RecordsRepository repo, NpgsqlDataSource db, IContentStore content,
    TimeProvider clock, IRecordShredder shredder, ShreddingLedgerWriter ledger)
{
    public async Task<IResult> ExecuteAsync(string proposalId, ExecuteRequest body, HttpContext http, CancellationToken ct)
    {
        var (state, version) = await store.LoadProposalAsync(proposalId, ct);
        if (state.Status == DispositionStatus.None)
            return ApiProblems.NotFound(new Text("Không có danh mục đề nghị hủy này.", "No such destruction proposal."));
        var context = DispositionAccess.Context(http, clock);
        RetentionPeriod? fileRetention = null;
        var extra = new List<FieldError>();
        if (body.FileRetentionCode is not null)
        {
            var (period, errors) = RetentionPeriod.FromCode("fileRetentionCode", body.FileRetentionCode, body.FileRetentionYears);
            fileRetention = period;
            extra.AddRange(errors);
        }
        var (facts, factErrors) = await store.FactsAsync(state.Records.Select(r => (r.Kind, r.RecordCode)), ct);
        extra.AddRange(factErrors);

        // What goes: the listed dossiers and documents, plus documents filed only in listed dossiers.
        var dossierCodes = state.Records.Where(r => r.Kind == RecordKind.Dossier).Select(r => r.RecordCode).ToHashSet(StringComparer.Ordinal);
        var dossiers = new Dictionary<string, (DossierState State, long Version)>(StringComparer.Ordinal);
        foreach (var code in dossierCodes) dossiers[code] = await repo.LoadDossierAsync(code, ct);
        var documentIds = state.Records.Where(r => r.Kind == RecordKind.Document).Select(r => r.RecordCode).ToList();
        foreach (var (d, _) in dossiers.Values)
            foreach (var filed in d.Documents)
                if ((await repo.FilingsOfAsync(filed.DocumentId, ct)).All(f => dossierCodes.Contains(f.DossierCode)))
                    documentIds.Add(filed.DocumentId);
        var documents = new Dictionary<string, (DocumentState State, long Version)>(StringComparer.Ordinal);
        foreach (var id in documentIds.Distinct())
        {
            // A document destroyed earlier by its own list keeps its residual; only live ones go now.
            var loaded = await repo.LoadDocumentAsync(id, ct);
            if (loaded.State.Status == DocumentStatus.Registered) documents[id] = loaded;
        }

        IReadOnlyList<string> HashesOf(string documentId) => documents.TryGetValue(documentId, out var d)
            ? d.State.Contents.Select(c => c.Sha256).Distinct().ToList() : [];
        var destroyed = state.Records.Select(r => new DestroyedRecord(r.RecordCode, r.Kind switch
        {
            RecordKind.Dossier when dossiers.TryGetValue(r.RecordCode, out var d) =>
                d.State.Documents.Where(f => documents.ContainsKey(f.DocumentId)).SelectMany(f => HashesOf(f.DocumentId)).Distinct().ToList(),
            RecordKind.Document => HashesOf(r.RecordCode),
            _ => [],
        })).ToList();

        var decision = DispositionDecider.Decide(new ExecuteDestruction(body.ExecutedOn ?? context.Today, facts, destroyed, fileRetention), state, context);
        if (decision.Rejection?.Code == RejectionCodes.DestructionBlocked)
        {
            await repo.AppendAsync(DispositionStore.ProposalStream(proposalId), ExpectedVersion.Any, decision.Events, http, body.Reason, ct);
            return DispositionHttp.Problem(decision.Rejection);
        }
        var allErrors = (decision.Rejection?.Code == RejectionCodes.ValidationFailed ? decision.Rejection.Errors : []).Concat(extra).ToList();
        if (allErrors.Count > 0 && decision.Rejection?.Code is null or RejectionCodes.ValidationFailed) return RecordsHttp.Validation(allErrors);
        if (decision.IsRejected) return DispositionHttp.Problem(decision.Rejection!);
        var executed = decision.Events.OfType<DestructionExecuted>().Single();
        var decided = state.Decision!;

        // Each record re-checks the block on its own state: the residual events come from the record deciders.
        var appends = new List<(string Stream, long Version, IReadOnlyList<IDomainEvent> Events)>
        {
            (DispositionStore.ProposalStream(proposalId), version, decision.Events),
        };
        foreach (var (code, (d, v)) in dossiers)
        {
            var hashes = destroyed.First(x => x.RecordCode == code).ContentSha256s;
            var r = DossierDecider.Decide(new RecordDossierDestruction(decided.Number, decided.Date, executed.ExecutedOn, hashes), d, context);
            if (r.IsRejected) return DispositionHttp.Problem(r.Rejection!);
            appends.Add((RecordsRepository.DossierStream(code), v, r.Events));
        }
        foreach (var (id, (d, v)) in documents)
        {
            var r = DocumentDecider.Decide(new RecordDocumentDestruction(decided.Number, decided.Date, executed.ExecutedOn), d, context);
            if (r.IsRejected) return DispositionHttp.Problem(r.Rejection!);
            appends.Add((RecordsRepository.DocumentStream(id), v, r.Events));
        }

        long nextVersion;
        try { nextVersion = await CommitAsync(appends, documents.Keys.ToList(), dossiers.Keys.ToList(), http, body.Reason, ct); }
        catch (ConcurrencyException)
        {
            return ApiProblems.Conflict(new Text("Hồ sơ/tài liệu đã thay đổi trong lúc thi hành; hãy thử lại.",
                "A record changed while the destruction ran; retry."), "stale-version");
        }

        var candidates = documents.Values.SelectMany(d => d.State.Contents.Select(c => c.Sha256)).Distinct().ToList();
        var (deleted, kept) = await DeleteUnreferencedBlobsAsync(candidates, http, ct);
        var after = decision.Events.Aggregate(state, DispositionDecider.Evolve);
        return TypedResults.Ok(new ExecutionResponse(DispositionApi.Response(after, nextVersion), documents.Keys.Order().ToList(), deleted, kept));
    }

    private async Task<long> CommitAsync(IReadOnlyList<(string Stream, long Version, IReadOnlyList<IDomainEvent> Events)> appends,
        IReadOnlyList<string> documentIds, IReadOnlyList<string> dossierCodes, HttpContext http, string? reason, CancellationToken ct)
    {
        var metadata = RecordsRepository.MetadataFor(http, reason);
        string[] shredded = [.. dossierCodes.Select(RecordsRepository.DossierStream), .. documentIds.Select(RecordsRepository.DocumentStream)];
        // Under an Idempotency-Key this is the request's transaction: the destruction commits with the answer a retry gets.
        var proposalVersion = await IdempotencyClaim.WriteAsync(http, db, async (conn, tx) =>
        {
            long proposalVersion = 0; // the list's stream is appended first
            foreach (var (stream, version, events) in appends)
            {
                var result = await repo.Store.AppendAsync(conn, tx, stream, ExpectedVersion.Exactly(version), events.Cast<object>().ToList(), metadata, ct);
                if (proposalVersion == 0) proposalVersion = result.NextExpectedVersion;
            }
            await using (var refs = new NpgsqlCommand(
                "delete from archive_api.content_refs where owner_kind = 'document' and owner_id = any($1)", conn, tx))
            {
                refs.Parameters.AddWithValue(documentIds.ToArray());
                await refs.ExecuteNonQueryAsync(ct);
            }
            await using (var review = new NpgsqlCommand("delete from archive_api.disposition_review where id = any($1)", conn, tx))
            {
                review.Parameters.AddWithValue(documentIds.Concat(dossierCodes).ToArray());
                await review.ExecuteNonQueryAsync(ct);
            }
            await shredder.ShredAsync(shredded, conn, tx, ct);
            return proposalVersion;
        }, ct);
        if (IdempotencyClaim.Of(http) is { } claim) claim.AfterCommit(() => { ledger.Record(shredded); return Task.CompletedTask; });
        else ledger.Record(shredded);
        return proposalVersion;
    }

    /// <summary>
    /// Deletes each blob that nothing still points at: no reference row (any owner) and no content version of a document
    /// that has not been destroyed. Returns (deleted, kept because shared).
    /// </summary>
    /// <summary>
    /// Deletes the blobs nothing references any more. Under an <c>Idempotency-Key</c> the check reads in the request's
    /// (still open) transaction and the files go only once it has committed.
    /// </summary>
    private async Task<(List<string> Deleted, List<string> Kept)> DeleteUnreferencedBlobsAsync(IReadOnlyList<string> hashes, HttpContext http,
        CancellationToken ct)
    {
        var claim = IdempotencyClaim.Of(http);
        var deleted = new List<string>();
        var kept = new List<string>();
        foreach (var sha in hashes)
        {
            var sql = $"""
                select exists (select 1 from archive_api.content_refs where sha256 = $1)
                    or exists (select 1 from {Hosting.EventStoreSetup.Schema}.events e
                               where e.type = 'document.content.version.added.v1' and e.data->>'sha256' = $1
                                 and not exists (select 1 from {Hosting.EventStoreSetup.Schema}.events x
                                                 where x.stream_id = e.stream_id and x.type = 'document.destroyed.v1'))
                """;
            await using var cmd = claim is null ? db.CreateCommand(sql) : new NpgsqlCommand(sql, claim.Connection, claim.Transaction);
            cmd.Parameters.AddWithValue(sha);
            if ((bool)(await cmd.ExecuteScalarAsync(ct))!) kept.Add(sha);
            else deleted.Add(sha);
        }
        if (claim is null)
            foreach (var sha in deleted) await content.DeleteAsync(sha, ct);
        else
            claim.AfterCommit(async () => { foreach (var sha in deleted) await content.DeleteAsync(sha, CancellationToken.None); });
        return (deleted, kept);
    }
}
