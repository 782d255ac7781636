using Archive.Api.Features.Records;
using Archive.Domain.Common;
using Archive.Domain.Disposition;
using Archive.Domain.Documents;
using Archive.Domain.Dossiers;
using Archive.Domain.Retention;
using Npgsql;
using Store = Archive.EventStore.EventStore;

using FieldError = Archive.Domain.Common.FieldError;

namespace Archive.Api.Features.Disposition;

/// <summary>
/// Loads what retention, holds and disposition decide on: the agency's schedule (<c>retention-schedule-{organId}</c>),
/// a destruction list (<c>disposition-{proposalId}</c>) and the current facts of each listed record.
/// </summary>
public sealed class DispositionStore(RecordsRepository repo, NpgsqlDataSource db)
{
    public static string ScheduleStream(string organId) => "retention-schedule-" + organId;
    public static string ProposalStream(string proposalId) => "disposition-" + proposalId;

    public Store Store => repo.Store;

    public Task<(RetentionSchedule State, long Version)> LoadScheduleAsync(string organId, CancellationToken ct) =>
        repo.Store.AggregateAsync(ScheduleStream(organId), RetentionSchedule.Initial,
            (s, e) => e.Data is IDomainEvent d ? RetentionSchedule.Evolve(s, d) : s, ct);

    public Task<(DispositionState State, long Version)> LoadProposalAsync(string proposalId, CancellationToken ct) =>
        repo.Store.AggregateAsync(ProposalStream(proposalId), DispositionState.Initial,
            (s, e) => e.Data is IDomainEvent d ? DispositionDecider.Evolve(s, d) : s, ct);

    /// <summary>The dossiers a document is filed in, folded.</summary>
    public async Task<IReadOnlyList<DossierState>> DossiersOfAsync(string documentId, CancellationToken ct) =>
        await DossiersAsync((await repo.FilingsOfAsync(documentId, ct)).Select(f => f.DossierCode), ct);

    public async Task<IReadOnlyList<DocumentState>> DocumentsOfAsync(DossierState dossier, CancellationToken ct) =>
        (await repo.LoadManyAsync([.. dossier.Documents.Select(d => RecordsRepository.DocumentStream(d.DocumentId))],
            DocumentState.Initial, DocumentDecider.Evolve, ct)).Select(x => x.State).ToList();

    /// <summary>The given dossiers, folded, read in one round trip.</summary>
    private async Task<IReadOnlyList<DossierState>> DossiersAsync(IEnumerable<string> codes, CancellationToken ct) =>
        (await repo.LoadManyAsync([.. codes.Select(RecordsRepository.DossierStream)], DossierState.Initial, DossierDecider.Evolve, ct))
            .Select(x => x.State).ToList();

    /// <summary>Every dossier whose metadata ever named this paper file code, folded to its current state.</summary>
    public async Task<IReadOnlyList<DossierState>> DossiersNamingPaperFileAsync(string paperFileCode, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"""
            select distinct stream_id from {repo.Store.Options.Schema}.events
            where type in ('dossier.opened.v1', 'dossier.metadata.changed.v1') and data->'metadata'->>'paperFileCode' = $1
            """);
        cmd.Parameters.AddWithValue(paperFileCode);
        var streams = new List<string>();
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct)) streams.Add(r.GetString(0));
        return await DossiersAsync(streams.Select(s => s["dossier-".Length..]), ct);
    }

    /// <summary>
    /// Current facts of each listed record, read fresh from the streams; records that do not exist or were already
    /// destroyed come back as field errors (<c>items[code]</c>) instead.
    /// </summary>
    public async Task<(List<DispositionCandidate> Facts, List<FieldError> Errors)> FactsAsync(IEnumerable<(RecordKind Kind, string Code)> records,
        CancellationToken ct)
    {
        var facts = new List<DispositionCandidate>();
        var errors = new List<FieldError>();
        foreach (var (kind, code) in records)
        {
            var field = $"items[{code}]";
            switch (kind)
            {
                case RecordKind.Dossier:
                    var (dossier, _) = await repo.LoadDossierAsync(code, ct);
                    if (dossier.Status == DossierStatus.None) errors.Add(NotFound(field, code));
                    else if (dossier.Status == DossierStatus.Destroyed) errors.Add(Destroyed(field, code));
                    else facts.Add(CandidateFacts.ForDossier(dossier, await DocumentsOfAsync(dossier, ct)));
                    break;
                case RecordKind.Document:
                    var (document, _) = await repo.LoadDocumentAsync(code, ct);
                    if (document.Status == DocumentStatus.None) errors.Add(NotFound(field, code));
                    else if (document.Status == DocumentStatus.Destroyed) errors.Add(Destroyed(field, code));
                    else facts.Add(CandidateFacts.ForDocument(document, await DossiersOfAsync(code, ct)));
                    break;
                default:
                    if (CandidateFacts.ForPaperOriginal(code, await DossiersNamingPaperFileAsync(code, ct)) is { } paper) facts.Add(paper);
                    else errors.Add(new(field, "not_found", $"Không có hồ sơ số hóa nào mang mã hồ sơ gốc giấy {code}.",
                        $"No digitised dossier names the paper file {code}."));
                    break;
            }
        }
        return (facts, errors);
    }

    private static FieldError NotFound(string field, string code) =>
        new(field, "not_found", $"Không có hồ sơ/tài liệu {code}.", $"There is no record {code}.");

    private static FieldError Destroyed(string field, string code) =>
        new(field, "already_destroyed", $"{code} đã bị hủy.", $"{code} has already been destroyed.");
}
