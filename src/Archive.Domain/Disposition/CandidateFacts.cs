using Archive.Domain.Documents;
using Archive.Domain.Dossiers;
using Archive.Domain.Retention;

namespace Archive.Domain.Disposition;

/// <summary>
/// Builds the facts the disposition decider needs (<see cref="DispositionCandidate"/>) from the records' current
/// states. Pure: the caller (API, CLI) loads the states, so every path that can destroy something judges the
/// same facts the same way.
/// </summary>
public static class CandidateFacts
{
    /// <summary>
    /// A dossier counts as held when it or any document in it is held: destroying the dossier destroys them.
    /// The work ended in the year the dossier was closed; an open dossier has no end year yet.
    /// </summary>
    public static DispositionCandidate ForDossier(DossierState dossier, IEnumerable<DocumentState> documents) =>
        new(dossier.Code, RecordKind.Dossier, dossier.Retention ?? RetentionPeriod.Permanent,
            dossier.IsHeld || documents.Any(d => d.IsHeld), EndYear: dossier.ClosedEndDate?.Year);

    /// <summary>A document is held by its own holds and by those of every dossier it is filed in.</summary>
    public static DispositionCandidate ForDocument(DocumentState document, IReadOnlyList<DossierState> filedIn) =>
        new(document.DocumentId, RecordKind.Document, document.Metadata?.GetRetention() ?? RetentionPeriod.Permanent,
            document.IsHeld || filedIn.Any(d => d.IsHeld), EndYear: WorkEndYear(filedIn));

    /// <summary>
    /// Bản gốc giấy (paper original) behind the digitised dossiers that name it as their paper file code. It takes the
    /// longest period of those dossiers; if any of them is permanent it is the paper original of a permanent record.
    /// Null when no digitised dossier names it: the archive knows nothing about that paper file.
    /// </summary>
    public static DispositionCandidate? ForPaperOriginal(string paperFileCode, IEnumerable<DossierState> dossiers)
    {
        var digitized = dossiers.Where(d => d.Metadata is { IsDigitized: true } m && m.PaperFileCode == paperFileCode).ToList();
        if (digitized.Count == 0) return null;
        var retention = RetentionPeriod.Longest(digitized.Select(d => d.Retention))!;
        return new(paperFileCode, RecordKind.PaperOriginal, retention, digitized.Any(d => d.IsHeld),
            IsPaperOriginalOfPermanentDigitized: retention.IsPermanent, EndYear: WorkEndYear(digitized));
    }

    /// <summary>The year the work ended: the latest closing year once every dossier is closed; null while any is open.</summary>
    public static int? WorkEndYear(IReadOnlyList<DossierState> dossiers) =>
        dossiers.Count > 0 && dossiers.All(d => d.ClosedEndDate is not null) ? dossiers.Max(d => d.ClosedEndDate!.Value.Year) : null;
}
