using Archive.Domain.CodeLists;
using Archive.Domain.Common;
using Archive.Domain.Identifiers;
using Archive.Domain.Retention;

namespace Archive.Domain.Dossiers;

/// <summary>
/// All field rules for a dossier, returning every error at once.
/// Lengths follow TT 05/2025 where it is longer than NĐ 30/2020 (title 1000, note 2000), because the archive
/// must accept packages built to TT 05; NĐ 30's 500 would refuse valid TT 05 data.
/// </summary>
public static class DossierValidation
{
    public const int TitleMax = 1000;
    public const int CreatorMax = 30;
    public const int KeywordsMax = 100;
    public const int InformationCodeMax = 30;
    public const int PaperFileCodeMax = 100;
    public const int NoteMax = 2000;
    public const int CountMax = 999_999_999;

    public static IReadOnlyList<FieldError> Validate(string? organId, int year, string? fileNotation, DossierMetadata m) =>
        OrganId.Validate("organId", organId)
            .Concat(new FieldRules().Range("year", year, 1900, 9999).Errors)
            .Concat(DossierCode.ValidateNotation("fileNotation", fileNotation))
            .Concat(Validate(m))
            .ToList();

    public static IReadOnlyList<FieldError> Validate(DossierMetadata m)
    {
        var rules = new FieldRules()
            .RequiredMax("title", m.Title, TitleMax)
            .InList("accessMode", m.AccessMode, CodeLists.CodeLists.AccessModes)
            .RequiredMax("creator", m.Creator, CreatorMax)
            .MaxLength("keywords", m.Keywords, KeywordsMax)
            .Range("sheetCount", m.SheetCount, 0, CountMax)
            .Range("pageCount", m.PageCount, 0, CountMax)
            .InList("physicalCondition", m.PhysicalCondition, CodeLists.CodeLists.PhysicalConditions, required: m.IsDigitized)
            .MaxLength("informationCode", m.InformationCode, InformationCodeMax)
            .InList("confidenceLevel", m.ConfidenceLevel, CodeLists.CodeLists.ConfidenceLevels)
            .MaxLength("paperFileCode", m.PaperFileCode, PaperFileCodeMax)
            .MaxLength("note", m.Note, NoteMax);

        foreach (var error in RetentionPeriod.FromCode("retention", m.RetentionCode, m.RetentionYears).Errors) rules.Add(error);
        ValidateLanguages(rules, m.Languages);

        if (m.IsDigitized && string.IsNullOrWhiteSpace(m.PaperFileCode))
            rules.Add(new("paperFileCode", "required_when_digitized",
                "Hồ sơ số hóa hoặc hỗn hợp (mức độ tin cậy 02/03) phải có mã hồ sơ gốc giấy.",
                "A digitised or mixed dossier (confidence level 02/03) needs the original paper dossier code."));
        if (m.IsDigitized && m.SheetCount is null)
            rules.Add(new("sheetCount", "required_when_digitized",
                "Hồ sơ số hóa hoặc hỗn hợp phải ghi số lượng tờ.",
                "A digitised or mixed dossier needs its sheet count."));
        if (m.BackupRegime)
            rules.InList("backupStatus", m.BackupStatus, CodeLists.CodeLists.BackupStatuses);
        else if (!string.IsNullOrEmpty(m.BackupStatus))
            rules.Add(new("backupStatus", "without_backup_regime",
                "Chỉ ghi tình trạng dự phòng khi có chế độ dự phòng.",
                "Backup status is only recorded when the backup regime is on."));
        if (m.StartDate is { } s && m.EndDate is { } e && e < s)
            rules.Add(new("endDate", "before_start", "Thời gian kết thúc trước thời gian bắt đầu.", "The end date is before the start date."));
        return rules.Errors;
    }

    internal static void ValidateLanguages(FieldRules rules, IReadOnlyList<string>? languages)
    {
        if (languages is null || languages.Count == 0)
        {
            rules.Add(new("languages", "required", "Phải có ít nhất một ngôn ngữ.", "At least one language is required."));
            return;
        }
        foreach (var code in languages.Where(c => !CodeLists.CodeLists.Languages.Contains(c)))
            rules.Add(new("languages", "not_in_code_list",
                $"Mã ngôn ngữ '{code}' không thuộc danh mục 01–11.",
                $"Language code '{code}' is not in the 01–11 list."));
        if (languages.Distinct().Count() != languages.Count)
            rules.Add(new("languages", "duplicate", "Mã ngôn ngữ bị lặp.", "A language code is repeated."));
    }
}
