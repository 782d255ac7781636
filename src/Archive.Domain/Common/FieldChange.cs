namespace Archive.Domain.Common;

/// <summary>
/// One changed field of a metadata edit, old and new value rendered as text.
/// Kept as strings so auditors can read any field change without knowing its CLR type.
/// </summary>
public sealed record FieldChange(string Field, string? Old, string? New);
