using Archive.Domain.Retention;

namespace Archive.Domain.Dossiers;

/// <summary>
/// Editable dossier-level metadata (TT 05/2025 SIP_hoso fields, NĐ 30/2020 Phụ lục VI II.C).
/// Primitive shapes only, because this record travels inside events.
/// Retention is <see cref="RetentionCode"/> (maintenance 01–07) plus <see cref="RetentionYears"/> (required for 07).
/// </summary>
public sealed record DossierMetadata
{
    public required string Title { get; init; }
    public required string RetentionCode { get; init; }
    public int? RetentionYears { get; init; }
    /// <summary>Chế độ sử dụng (mode) 01–03.</summary>
    public required string AccessMode { get; init; }
    /// <summary>Ngôn ngữ: one or more TT 05 language codes.</summary>
    public required IReadOnlyList<string> Languages { get; init; }
    public required string Creator { get; init; }
    public DateOnly? StartDate { get; init; }
    public DateOnly? EndDate { get; init; }
    public string? Keywords { get; init; }
    /// <summary>Số lượng tờ (numberOfPaper), for paper/digitised dossiers.</summary>
    public int? SheetCount { get; init; }
    public int? PageCount { get; init; }
    /// <summary>Tình trạng vật lý (format) 01–03.</summary>
    public string? PhysicalCondition { get; init; }
    /// <summary>Ký hiệu thông tin (inforSign).</summary>
    public string? InformationCode { get; init; }
    /// <summary>Mức độ tin cậy 01 born-digital / 02 digitised / 03 mixed.</summary>
    public required string ConfidenceLevel { get; init; }
    /// <summary>Mã hồ sơ gốc giấy; required when ConfidenceLevel is 02 or 03.</summary>
    public string? PaperFileCode { get; init; }
    /// <summary>Chế độ dự phòng (riskRecovery).</summary>
    public bool BackupRegime { get; init; }
    /// <summary>Tình trạng dự phòng (riskRecoveryStatus) 01/02; required when <see cref="BackupRegime"/>.</summary>
    public string? BackupStatus { get; init; }
    public string? Note { get; init; }
    /// <summary>
    /// Date the final accounts of a capital-construction project were approved (hồ sơ xây dựng cơ bản);
    /// when set, the transfer deadline is 3 months after it instead of 1 year after the end date (NĐ 30 Điều 31).
    /// </summary>
    public DateOnly? ConstructionFinalAccountsDate { get; init; }

    public RetentionPeriod GetRetention() => RetentionCodec.From(RetentionCode, RetentionYears);

    public bool IsDigitized => ConfidenceLevel is CodeLists.Codes.ConfidenceDigitized or CodeLists.Codes.ConfidenceMixed;

    /// <summary>Every field as text, in a fixed order, so edits can be diffed into <see cref="Common.FieldChange"/>s.</summary>
    public IEnumerable<(string Field, string? Value)> Fields()
    {
        yield return ("title", Title);
        yield return ("retention", RetentionYears is { } y && RetentionCode != "01" ? $"{RetentionCode}:{y}" : RetentionCode);
        yield return ("accessMode", AccessMode);
        yield return ("languages", string.Join(",", Languages));
        yield return ("creator", Creator);
        yield return ("startDate", StartDate?.ToString("yyyy-MM-dd"));
        yield return ("endDate", EndDate?.ToString("yyyy-MM-dd"));
        yield return ("keywords", Keywords);
        yield return ("sheetCount", SheetCount?.ToString());
        yield return ("pageCount", PageCount?.ToString());
        yield return ("physicalCondition", PhysicalCondition);
        yield return ("informationCode", InformationCode);
        yield return ("confidenceLevel", ConfidenceLevel);
        yield return ("paperFileCode", PaperFileCode);
        yield return ("backupRegime", BackupRegime ? "true" : "false");
        yield return ("backupStatus", BackupStatus);
        yield return ("note", Note);
        yield return ("constructionFinalAccountsDate", ConstructionFinalAccountsDate?.ToString("yyyy-MM-dd"));
    }
}
