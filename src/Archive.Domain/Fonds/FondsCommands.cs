using Archive.Domain.Retention;

namespace Archive.Domain.Fonds;

public abstract record FondsCommand;

public sealed record OpenFonds(string OrganId, string Name) : FondsCommand;

public sealed record RenameFonds(string Name) : FondsCommand;

public sealed record CloseFonds(string Reason) : FondsCommand;

public sealed record AddDossierListEntry(int Year, string FileNotation, string Title, RetentionPeriod Retention, string Creator)
    : FondsCommand;
