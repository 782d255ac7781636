using Archive.Api.Infrastructure.Search;
using Archive.Domain.Access;
using Archive.Domain.Documents;
using Archive.Domain.Dossiers;
using Archive.Domain.Fonds;
using Archive.Domain.Identifiers;
using Archive.EventStore;
using Npgsql;

namespace Archive.Api.Features.Records;

/// <summary>
/// Folds fonds, dossier and document events into <see cref="SearchIndex"/> rows. For every record touched in a
/// batch it folds that record's stream as the batch leaves it (earlier events read back, except a dossier's filings,
/// which its row does not show) and upserts the whole row, so replays and rebuilds converge (upserts are idempotent
/// and skip unchanged rows; a destroyed record's row is removed). A document converted in the batch also gets the words
/// of its recognised pages (<c>page_terms</c>, read from <c>page_text</c>, which its conversion event committed with). Rows are written in the batch's
/// transaction, so they commit together with the checkpoint: one commit per batch (a commit per row made catch-up
/// wait for one WAL flush per document).
/// </summary>
public sealed class SearchProjection(RecordsRepository repo, SearchIndex index) : IAsyncProjection
{
    public const string ProjectionName = "search-index";
    public string Name => ProjectionName;

    public async Task ApplyAsync(IReadOnlyList<RecordedEvent> events, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        var fonds = new HashSet<string>();
        var dossiers = new HashSet<string>();
        var documents = new HashSet<string>();
        // Documents whose page texts were (re)written with an event of this batch: their rows take the pages' words.
        var converted = new HashSet<string>();
        foreach (var e in events)
        {
            if (e.Data is DocumentDigitized digitized) converted.Add(digitized.DocumentId);
            if (e.StreamId.StartsWith("fonds-", StringComparison.Ordinal)) fonds.Add(e.StreamId["fonds-".Length..]);
            else if (e.StreamId.StartsWith("dossier-", StringComparison.Ordinal))
            {
                dossiers.Add(e.StreamId["dossier-".Length..]);
                if (e.Data is DocumentFiled f) documents.Add(f.DocumentId);
            }
            else if (e.StreamId.StartsWith("document-", StringComparison.Ordinal)) documents.Add(e.StreamId["document-".Length..]);
        }
        // One round trip for the touched streams' earlier events, one for the documents' filings, one for all row writes:
        // on a busy machine each round trip waits for the scheduler, and per-record round trips made catch-up ~150 documents/s.
        var streams = await repo.Store.ReadStreamsThroughBatchAsync(
            [.. fonds.Select(RecordsRepository.FondsStream), .. dossiers.Select(RecordsRepository.DossierStream), .. documents.Select(RecordsRepository.DocumentStream)],
            events, RecordsRepository.FilingEventTypes, ct);
        var filings = await repo.FilingsOfAsync(documents, ct);
        var writes = new List<SearchIndex.Write>();
        foreach (var id in fonds) writes.AddRange(ProjectFonds(id, FondsDecider.Fold(Events(streams, RecordsRepository.FondsStream(id)))));
        foreach (var code in dossiers) writes.AddRange(ProjectDossier(code, DossierDecider.Fold(Events(streams, RecordsRepository.DossierStream(code)))));
        foreach (var id in documents)
            writes.AddRange(ProjectDocument(id, DocumentDecider.Fold(Events(streams, RecordsRepository.DocumentStream(id))), filings.GetValueOrDefault(id, []), converted));
        await index.WriteAsync(writes, transaction, ct);
    }

    private static IEnumerable<Domain.Common.IDomainEvent> Events(IReadOnlyDictionary<string, IReadOnlyList<RecordedEvent>> streams, string stream) =>
        streams.GetValueOrDefault(stream, []).Select(e => e.Data).OfType<Domain.Common.IDomainEvent>();

    public async Task ResetAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("delete from archive_api.search_index where kind = any($1)", connection, transaction);
        cmd.Parameters.AddWithValue(RecordKinds.All.ToArray());
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static IEnumerable<SearchIndex.Write> ProjectFonds(string organId, FondsState s)
    {
        if (s.Status == FondsStatus.None) yield break;
        yield return SearchIndex.Write.Upsert(new SearchRecord
        {
            Id = organId, Kind = RecordKinds.Fonds, FondsId = organId, Title = s.Name, Codes = [organId],
            Metadata = new Dictionary<string, string> { ["status"] = s.Status.ToString().ToLowerInvariant() },
        });
    }

    private static IEnumerable<SearchIndex.Write> ProjectDossier(string code, DossierState s)
    {
        // None as well: a shredded stream no longer shows its opening event, and must not be indexed again.
        if (s.Status is DossierStatus.None or DossierStatus.Destroyed || s.Metadata is null) { yield return SearchIndex.Write.Delete(code); yield break; }
        var m = s.Metadata;
        yield return SearchIndex.Write.Upsert(new SearchRecord
        {
            Id = code, Kind = RecordKinds.Dossier, FondsId = s.OrganId, Year = s.Year, RetentionCode = m.RetentionCode,
            AccessRegime = m.AccessMode, Date = m.StartDate ?? m.EndDate ?? s.ClosedEndDate, Codes = [code, s.FileNotation],
            Title = m.Title, Keywords = SplitKeywords(m.Keywords),
            Metadata = Compact(new()
            {
                ["creator"] = m.Creator, ["note"] = m.Note, ["informationCode"] = m.InformationCode, ["paperFileCode"] = m.PaperFileCode,
                ["status"] = s.Status.ToString().ToLowerInvariant(), ["transferDueDate"] = s.TransferDueDate?.ToString("yyyy-MM-dd"),
            }),
        });
    }

    private static IEnumerable<SearchIndex.Write> ProjectDocument(string id, DocumentState s, IReadOnlyList<Filing> filings, IReadOnlySet<string> converted)
    {
        if (s.Status is DocumentStatus.None or DocumentStatus.Destroyed || s.Metadata is null) { yield return SearchIndex.Write.Delete(id); yield break; }
        var m = s.Metadata;
        string? fondsId = null;
        if (filings.Count > 0 && DossierCode.TryParse(filings[0].DossierCode, out var organ, out _, out _)) fondsId = organ;
        var typeName = Domain.CodeLists.CodeLists.DocumentTypes.Entries.FirstOrDefault(e => e.Code == m.TypeCode)?.NameVi;
        var warnings = s.CurrentContent?.Warnings ?? [];
        yield return SearchIndex.Write.Upsert(new SearchRecord
        {
            Id = id, Kind = RecordKinds.Document, FondsId = fondsId, Year = m.IssuedDate.Year, RetentionCode = m.RetentionCode,
            AccessRegime = m.AccessMode, DocumentType = m.TypeCode, Date = m.IssuedDate, HasDigitizationWarnings = warnings.Count > 0,
            PageTextChanged = converted.Contains(id),
            Codes = [.. filings.Select(f => f.DocumentCode), .. filings.Select(f => f.DossierCode), .. new[] { m.NumberAndNotation }.Where(x => x.Length > 0)],
            Title = typeName is null ? m.Subject : $"{typeName} {m.NumberAndNotation}".Trim(), Subject = m.Subject, Keywords = SplitKeywords(m.Keywords),
            Metadata = Compact(new()
            {
                ["typeName"] = typeName, ["issuer"] = m.Issuer, ["signerName"] = m.SignerName, ["signerPosition"] = m.SignerPosition,
                ["note"] = m.Note, ["autograph"] = m.Autograph, ["informationCode"] = m.InformationCode,
                ["warnings"] = string.Join(" ", warnings.Select(w => w.Code)),
            }),
        });
    }

    private static IReadOnlyList<string> SplitKeywords(string? keywords) =>
        string.IsNullOrWhiteSpace(keywords) ? [] : keywords.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static Dictionary<string, string> Compact(Dictionary<string, string?> d) =>
        d.Where(kv => !string.IsNullOrWhiteSpace(kv.Value)).ToDictionary(kv => kv.Key, kv => kv.Value!);
}
