using Archive.Domain.Retention;

namespace Archive.Domain.Documents;

/// <summary>
/// Tài liệu / văn bản (document) metadata: TT 05/2025 EAD_doc fields with NĐ 30/2020 lengths.
/// Primitive shapes only, because this record travels inside events.
/// </summary>
public sealed record DocumentMetadata
{
    /// <summary>Tên loại (typeName) 01–32.</summary>
    public required string TypeCode { get; init; }
    /// <summary>Số (codeNumber), e.g. "391".</summary>
    public string? CodeNumber { get; init; }
    /// <summary>Ký hiệu (codeNotation), e.g. "KH-UBND".</summary>
    public string? CodeNotation { get; init; }
    public required DateOnly IssuedDate { get; init; }
    /// <summary>Cơ quan ban hành (organName).</summary>
    public required string Issuer { get; init; }
    /// <summary>Trích yếu nội dung (subject).</summary>
    public required string Subject { get; init; }
    public required IReadOnlyList<string> Languages { get; init; }
    public int? PageCount { get; init; }
    public string? SignerPosition { get; init; }
    public string? SignerName { get; init; }
    /// <summary>Chế độ sử dụng (mode) 01–03.</summary>
    public required string AccessMode { get; init; }
    public string? Keywords { get; init; }
    public string? InformationCode { get; init; }
    public required string ConfidenceLevel { get; init; }
    public string? PhysicalCondition { get; init; }
    /// <summary>Bút tích (autograph): handwritten annotations by leaders.</summary>
    public string? Autograph { get; init; }
    public string? Note { get; init; }
    /// <summary>Defaults to the dossier's retention when the app files it; stored as maintenance code + years.</summary>
    public required string RetentionCode { get; init; }
    public int? RetentionYears { get; init; }

    public RetentionPeriod GetRetention() => RetentionCodec.From(RetentionCode, RetentionYears);

    public bool IsDigitized => ConfidenceLevel is CodeLists.Codes.ConfidenceDigitized or CodeLists.Codes.ConfidenceMixed;

    /// <summary>"391/KH-UBND" as printed after "Số:".</summary>
    public string NumberAndNotation => string.IsNullOrEmpty(CodeNumber) ? CodeNotation ?? "" : $"{CodeNumber}/{CodeNotation}";

    public IEnumerable<(string Field, string? Value)> Fields()
    {
        yield return ("typeCode", TypeCode);
        yield return ("codeNumber", CodeNumber);
        yield return ("codeNotation", CodeNotation);
        yield return ("issuedDate", IssuedDate.ToString("yyyy-MM-dd"));
        yield return ("issuer", Issuer);
        yield return ("subject", Subject);
        yield return ("languages", string.Join(",", Languages));
        yield return ("pageCount", PageCount?.ToString());
        yield return ("signerPosition", SignerPosition);
        yield return ("signerName", SignerName);
        yield return ("accessMode", AccessMode);
        yield return ("keywords", Keywords);
        yield return ("informationCode", InformationCode);
        yield return ("confidenceLevel", ConfidenceLevel);
        yield return ("physicalCondition", PhysicalCondition);
        yield return ("autograph", Autograph);
        yield return ("note", Note);
        yield return ("retention", RetentionYears is { } y && RetentionCode != "01" ? $"{RetentionCode}:{y}" : RetentionCode);
    }
}
