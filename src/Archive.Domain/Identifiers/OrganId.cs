using System.Text.RegularExpressions;
using Archive.Domain.Common;

namespace Archive.Domain.Identifiers;

/// <summary>
/// Mã định danh cơ quan, tổ chức (organisation identifier), String(13) per NĐ 30/2020 Phụ lục VI.
/// The official segment table (QCVN 102:2016) was not available, so only the observed shape
/// <c>AAA.BB.CC.Xnn</c> (e.g. <c>000.00.00.H29</c>) is enforced.
/// </summary>
public static partial class OrganId
{
    public const int Length = 13;

    [GeneratedRegex(@"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$", RegexOptions.CultureInvariant)]
    private static partial Regex Shape();

    public static bool IsValid(string? value) => value is not null && Shape().IsMatch(value);

    public static IReadOnlyList<FieldError> Validate(string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
            return [new(field, "required", "Mã định danh cơ quan là bắt buộc.", "The organisation identifier is required.")];
        return IsValid(value)
            ? []
            : [new(field, "invalid_organ_id",
                $"Mã định danh cơ quan '{value}' không đúng dạng 000.00.00.X00 (13 ký tự).",
                $"Organisation identifier '{value}' does not match 000.00.00.X00 (13 characters).")];
    }
}
