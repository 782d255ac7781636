using Archive.Domain.Dossiers;

namespace Archive.Domain.Disposition;

/// <summary>
/// Danh mục "Xem xét hủy" (TT 05/2025 Chapter VII): dossiers whose fixed retention has run out, ready to be put on a
/// destruction list. Permanent, held, open and already destroyed dossiers never appear.
/// </summary>
public static class ExpiryReview
{
    public static IReadOnlyList<DispositionCandidate> Due(IEnumerable<DossierState> dossiers, DateOnly today) =>
        dossiers
            .Where(d => d.Status is DossierStatus.Closed or DossierStatus.Transferred && !d.IsHeld)
            .Where(d => d.Retention is { IsPermanent: false } r && d.ClosedEndDate is { } end && r.HasExpired(end.Year, today))
            .Select(d => new DispositionCandidate(d.Code, RecordKind.Dossier, d.Retention!, d.IsHeld, EndYear: d.ClosedEndDate!.Value.Year))
            .OrderBy(c => c.RecordCode, StringComparer.Ordinal)
            .ToList();
}
