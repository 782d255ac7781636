namespace Archive.Domain.CodeLists;

/// <summary>One entry of a code list, with its Vietnamese and English names.</summary>
public sealed record CodeEntry(string Code, string NameVi, string NameEn);

/// <summary>A closed list of codes (danh mục mã), published as data for the <c>/code-lists</c> API.</summary>
public sealed record CodeList(string Id, string NameVi, string NameEn, string Source, IReadOnlyList<CodeEntry> Entries)
{
    public bool Contains(string? code) => code is not null && Entries.Any(e => e.Code == code);

    public CodeEntry? Find(string? code) => Entries.FirstOrDefault(e => e.Code == code);
}
