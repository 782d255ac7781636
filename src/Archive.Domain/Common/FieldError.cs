namespace Archive.Domain.Common;

/// <summary>One validation failure on one input field, bilingual so the API can show it as is.</summary>
public sealed record FieldError(string Field, string Code, string MessageVi, string MessageEn);
