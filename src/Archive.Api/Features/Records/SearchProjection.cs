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
/// batch it re-reads that record's stream and upserts the whole row, so replays and rebuilds converge on the
/// current state (upserts are idempotent; a destroyed record's row is removed).
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
        foreach (var e in events)
        {
            if (e.StreamId.StartsWith("fonds-", StringComparison.Ordinal)) fonds.Add(e.StreamId["fonds-".Length..]);
            else if (e.StreamId.StartsWith("dossier-", StringComparison.Ordinal))
            {
                dossiers.Add(e.StreamId["dossier-".Length..]);
                if (e.Data is DocumentFiled f) documents.Add(f.DocumentId);
            }
            else if (e.StreamId.StartsWith("document-", StringComparison.Ordinal)) documents.Add(e.StreamId["document-".Length..]);
        }
        foreach (var id in fonds) await ProjectFondsAsync(id, ct);
        foreach (var code in dossiers) await ProjectDossierAsync(code, ct);
        foreach (var id in documents) await ProjectDocumentAsync(id, ct);
    }

    public async Task ResetAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("delete from archive_api.search_index where kind = any($1)", connection, transaction);
        cmd.Parameters.AddWithValue(RecordKinds.All.ToArray());
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private async Task ProjectFondsAsync(string organId, CancellationToken ct)
    {
        var (s, _) = await repo.LoadFondsAsync(organId, ct);
        if (s.Status == FondsStatus.None) return;
        await index.UpsertAsync(new SearchRecord
        {
            Id = organId, Kind = RecordKinds.Fonds, FondsId = organId, Title = s.Name, Codes = [organId],
            Metadata = new Dictionary<string, string> { ["status"] = s.Status.ToString().ToLowerInvariant() },
        }, ct);
    }

    private async Task ProjectDossierAsync(string code, CancellationToken ct)
    {
        var (s, _) = await repo.LoadDossierAsync(code, ct);
        // None as well: a shredded stream no longer shows its opening event, and must not be indexed again.
        if (s.Status is DossierStatus.None or DossierStatus.Destroyed || s.Metadata is null) { await index.DeleteAsync(code, ct); return; }
        var m = s.Metadata;
        await index.UpsertAsync(new SearchRecord
        {
            Id = code, Kind = RecordKinds.Dossier, FondsId = s.OrganId, Year = s.Year, RetentionCode = m.RetentionCode,
            AccessRegime = m.AccessMode, Date = m.StartDate ?? m.EndDate ?? s.ClosedEndDate, Codes = [code, s.FileNotation],
            Title = m.Title, Keywords = SplitKeywords(m.Keywords),
            Metadata = Compact(new()
            {
                ["creator"] = m.Creator, ["note"] = m.Note, ["informationCode"] = m.InformationCode, ["paperFileCode"] = m.PaperFileCode,
                ["status"] = s.Status.ToString().ToLowerInvariant(), ["transferDueDate"] = s.TransferDueDate?.ToString("yyyy-MM-dd"),
            }),
        }, ct);
    }

    private async Task ProjectDocumentAsync(string id, CancellationToken ct)
    {
        var (s, _) = await repo.LoadDocumentAsync(id, ct);
        if (s.Status is DocumentStatus.None or DocumentStatus.Destroyed || s.Metadata is null) { await index.DeleteAsync(id, ct); return; }
        var m = s.Metadata;
        var filings = await repo.FilingsOfAsync(id, ct);
        string? fondsId = null;
        if (filings.Count > 0 && DossierCode.TryParse(filings[0].DossierCode, out var organ, out _, out _)) fondsId = organ;
        var typeName = Domain.CodeLists.CodeLists.DocumentTypes.Entries.FirstOrDefault(e => e.Code == m.TypeCode)?.NameVi;
        var warnings = s.CurrentContent?.Warnings ?? [];
        await index.UpsertAsync(new SearchRecord
        {
            Id = id, Kind = RecordKinds.Document, FondsId = fondsId, Year = m.IssuedDate.Year, RetentionCode = m.RetentionCode,
            AccessRegime = m.AccessMode, DocumentType = m.TypeCode, Date = m.IssuedDate, HasDigitizationWarnings = warnings.Count > 0,
            Codes = [.. filings.Select(f => f.DocumentCode), .. filings.Select(f => f.DossierCode), .. new[] { m.NumberAndNotation }.Where(x => x.Length > 0)],
            Title = typeName is null ? m.Subject : $"{typeName} {m.NumberAndNotation}".Trim(), Subject = m.Subject, Keywords = SplitKeywords(m.Keywords),
            Metadata = Compact(new()
            {
                ["typeName"] = typeName, ["issuer"] = m.Issuer, ["signerName"] = m.SignerName, ["signerPosition"] = m.SignerPosition,
                ["note"] = m.Note, ["autograph"] = m.Autograph, ["informationCode"] = m.InformationCode,
                ["warnings"] = string.Join(" ", warnings.Select(w => w.Code)),
            }),
        }, ct);
    }

    private static IReadOnlyList<string> SplitKeywords(string? keywords) =>
        string.IsNullOrWhiteSpace(keywords) ? [] : keywords.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static Dictionary<string, string> Compact(Dictionary<string, string?> d) =>
        d.Where(kv => !string.IsNullOrWhiteSpace(kv.Value)).ToDictionary(kv => kv.Key, kv => kv.Value!);
}
