namespace Archive.Domain.Identifiers;

/// <summary>
/// Mã lưu trữ tài liệu (docCode, TT 05/2025) = dossier code + "." + 7-digit order in the dossier,
/// e.g. <c>000.00.00.H29.2025.01-VP.0000001</c>. The dot matches the TT 05 file-naming rule
/// (mã hồ sơ + "." + số thứ tự).
/// </summary>
public static class DocumentCode
{
    public const int MaxOrder = 9_999_999;

    public static string Compose(string dossierCode, int order) => $"{dossierCode}.{order:D7}";
}
