using System.Text.RegularExpressions;
using Archive.Domain.Common;

namespace Archive.Domain.Identifiers;

/// <summary>
/// Mã hồ sơ (dossier code, TT 05/2025 fileCode) = OrganId(13) + "." + year(4) + "." + số và ký hiệu hồ sơ (≤20),
/// e.g. <c>000.00.00.H29.2025.01-VP</c>. Segments sit at fixed positions so a notation may itself contain dots.
/// </summary>
public static partial class DossierCode
{
    public const int NotationMaxLength = 20;

    [GeneratedRegex(@"^\S+$", RegexOptions.CultureInvariant)]
    private static partial Regex NoWhitespace();

    public static string Compose(string organId, int year, string fileNotation) =>
        $"{organId}.{year:D4}.{fileNotation}";

    public static bool TryParse(string? code, out string organId, out int year, out string fileNotation)
    {
        organId = ""; year = 0; fileNotation = "";
        if (code is null || code.Length < OrganId.Length + 7) return false;
        var organ = code[..OrganId.Length];
        if (!OrganId.IsValid(organ) || code[OrganId.Length] != '.' || code[OrganId.Length + 5] != '.') return false;
        if (!int.TryParse(code.AsSpan(OrganId.Length + 1, 4), out var y)) return false;
        var notation = code[(OrganId.Length + 6)..];
        if (ValidateNotation("fileNotation", notation).Count > 0) return false;
        (organId, year, fileNotation) = (organ, y, notation);
        return true;
    }

    public static IReadOnlyList<FieldError> ValidateNotation(string field, string? notation)
    {
        var rules = new FieldRules().RequiredMax(field, notation, NotationMaxLength);
        if (!string.IsNullOrEmpty(notation) && !NoWhitespace().IsMatch(notation))
            rules.Add(new(field, "whitespace", "Số và ký hiệu hồ sơ không được chứa khoảng trắng.",
                "The dossier number/notation must not contain whitespace."));
        // The notation ends the dossier code, which is a URL segment and a file-name part (TT 05): only letters
        // (Vietnamese included), digits and - . _ keep it one unambiguous segment; '/', '?', '%', quotes and the like
        // made dossiers unreachable or decoded twice (docs/standards/records-metadata.md §2).
        else if (!string.IsNullOrEmpty(notation) && !notation.All(c => char.IsLetterOrDigit(c) || c is '-' or '.' or '_'))
            rules.Add(new(field, "characters", "Số và ký hiệu hồ sơ chỉ gồm chữ cái, chữ số và các dấu - . _ (không dùng / ? % ' \" và ký tự khác).",
                "The dossier number/notation may hold only letters, digits and - . _ (not / ? % ' \" or other characters)."));
        else if (!string.IsNullOrEmpty(notation) && (notation.StartsWith('.') || notation.EndsWith('.') || notation.Contains("..")))
            rules.Add(new(field, "dots", "Số và ký hiệu hồ sơ không bắt đầu, kết thúc bằng dấu chấm hay có hai dấu chấm liền nhau.",
                "The dossier number/notation may not start or end with a dot or hold two dots in a row."));
        return rules.Errors;
    }
}
