using System.Collections.Immutable;
using Archive.Domain.Retention;

namespace Archive.Domain.Fonds;

public enum FondsStatus { None, Open, Closed }

public sealed record DossierListEntry(int Year, string FileNotation, string Title, RetentionPeriod Retention, string Creator);

/// <summary>Phông lưu trữ (fonds): the archive of one organisation, with its yearly dossier lists.</summary>
public sealed record FondsState(
    FondsStatus Status,
    string OrganId,
    string Name,
    ImmutableDictionary<int, ImmutableList<DossierListEntry>> DossierLists)
{
    public static FondsState Initial { get; } = new(FondsStatus.None, "", "", ImmutableDictionary<int, ImmutableList<DossierListEntry>>.Empty);

    public IReadOnlyList<DossierListEntry> DossierList(int year) =>
        DossierLists.TryGetValue(year, out var list) ? list : [];
}
