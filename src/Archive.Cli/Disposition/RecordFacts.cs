using Archive.Domain.Common;
using Archive.Domain.Disposition;
using Archive.Domain.Documents;
using Archive.Domain.Dossiers;
using Npgsql;

namespace Archive.Cli.Disposition;

/// <summary>
/// Loads the current state of listed records straight from the event store and turns it into decider facts with the
/// domain's <see cref="CandidateFacts"/>, the same rules the API applies (streams <c>dossier-{code}</c>, <c>document-{id}</c>).
/// </summary>
internal sealed class RecordFacts(EventStore.EventStore store, NpgsqlDataSource db)
{
    public EventStore.EventStore Store => store;

    public async Task<(List<DispositionCandidate> Facts, List<FieldError> Missing)> FactsAsync(
        IEnumerable<(RecordKind Kind, string Code)> items, CancellationToken ct)
    {
        var facts = new List<DispositionCandidate>();
        var missing = new List<FieldError>();
        foreach (var (kind, code) in items)
        {
            DispositionCandidate? fact = kind switch
            {
                RecordKind.Dossier when await DossierAsync(code, ct) is { Status: not (DossierStatus.None or DossierStatus.Destroyed) } d =>
                    CandidateFacts.ForDossier(d, await DocumentsAsync(d.Documents.Select(x => x.DocumentId), ct)),
                RecordKind.Document when await DocumentAsync(code, ct) is { Status: DocumentStatus.Registered } doc =>
                    CandidateFacts.ForDocument(doc, await DossiersAsync(await StreamsAsync(
                        "select distinct 'dossier-' || (data->>'dossierCode') from {0}.events where type = 'dossier.document.filed.v1' and data->>'documentId' = $1",
                        code, ct), ct)),
                RecordKind.PaperOriginal => CandidateFacts.ForPaperOriginal(code, await DossiersAsync(await StreamsAsync(
                    "select distinct stream_id from {0}.events where type in ('dossier.opened.v1', 'dossier.metadata.changed.v1') and data->'metadata'->>'paperFileCode' = $1",
                    code, ct), ct)),
                _ => null,
            };
            if (fact is not null) facts.Add(fact);
            else missing.Add(new($"items[{code}]", "not_found", $"Không có hồ sơ/tài liệu {code} (hoặc đã bị hủy).",
                $"There is no record {code} (or it was destroyed)."));
        }
        return (facts, missing);
    }

    private async Task<DossierState> DossierAsync(string code, CancellationToken ct) =>
        (await store.AggregateAsync("dossier-" + code, DossierState.Initial, (s, e) => e.Data is IDomainEvent d ? DossierDecider.Evolve(s, d) : s, ct)).State;

    private async Task<DocumentState> DocumentAsync(string id, CancellationToken ct) =>
        (await store.AggregateAsync("document-" + id, DocumentState.Initial, (s, e) => e.Data is IDomainEvent d ? DocumentDecider.Evolve(s, d) : s, ct)).State;

    // A dossier's documents (or a document's dossiers) are read in one round trip, not one per stream.
    private async Task<List<DocumentState>> DocumentsAsync(IEnumerable<string> ids, CancellationToken ct) =>
        await FoldManyAsync(ids.Select(id => "document-" + id).ToList(), DocumentState.Initial, DocumentDecider.Evolve, ct);

    private async Task<List<DossierState>> DossiersAsync(IEnumerable<string> streams, CancellationToken ct) =>
        await FoldManyAsync(streams.ToList(), DossierState.Initial, DossierDecider.Evolve, ct);

    private async Task<List<TState>> FoldManyAsync<TState>(List<string> streams, TState initial, Func<TState, IDomainEvent, TState> evolve,
        CancellationToken ct)
    {
        var read = await store.ReadStreamsAsync(streams, ct);
        return streams.Select(id => read.TryGetValue(id, out var events)
            ? events.Select(e => e.Data).OfType<IDomainEvent>().Aggregate(initial, evolve)
            : initial).ToList();
    }

    private async Task<List<string>> StreamsAsync(string sql, string value, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(string.Format(sql, store.Options.Schema));
        cmd.Parameters.AddWithValue(value);
        var list = new List<string>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) list.Add(r.GetString(0));
        return list;
    }
}
