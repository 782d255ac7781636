using Archive.Domain.Common;

namespace Archive.Domain.Fonds;

[EventType("fonds.opened.v1")]
public sealed record FondsOpened(string OrganId, string Name) : IDomainEvent;

[EventType("fonds.renamed.v1")]
public sealed record FondsRenamed(string OrganId, IReadOnlyList<FieldChange> Changes) : IDomainEvent;

[EventType("fonds.closed.v1")]
public sealed record FondsClosed(string OrganId, string Reason) : IDomainEvent;

/// <summary>An entry of the yearly dossier list (danh mục hồ sơ, NĐ 30 Phụ lục V).</summary>
[EventType("dossier_list.entry.added.v1")]
public sealed record DossierListEntryAdded(
    string OrganId, int Year, string FileNotation, string Title,
    string RetentionCode, int? RetentionYears, string Creator) : IDomainEvent;
