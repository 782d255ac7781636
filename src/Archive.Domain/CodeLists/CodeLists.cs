namespace Archive.Domain.CodeLists;

/// <summary>
/// Code lists of TT 05/2025/TT-BNV (archive metadata). Codes are two-digit strings, as on the wire.
/// </summary>
public static class CodeLists
{
    private const string Tt05 = "TT 05/2025/TT-BNV";

    /// <summary>Tên loại tài liệu (typeName), 01–32.</summary>
    public static readonly CodeList DocumentTypes = new("typeName", "Tên loại tài liệu", "Document type", Tt05,
    [
        new("01", "Nghị quyết", "Resolution"),
        new("02", "Quyết định", "Decision"),
        new("03", "Chỉ thị", "Directive"),
        new("04", "Quy chế", "Regulation (statute)"),
        new("05", "Quy định", "Rule"),
        new("06", "Thông cáo", "Communiqué"),
        new("07", "Thông báo", "Notice"),
        new("08", "Hướng dẫn", "Guidance"),
        new("09", "Chương trình", "Programme"),
        new("10", "Kế hoạch", "Plan"),
        new("11", "Phương án", "Scheme"),
        new("12", "Đề án", "Proposal (scheme)"),
        new("13", "Dự án", "Project"),
        new("14", "Báo cáo", "Report"),
        new("15", "Tờ trình", "Submission"),
        new("16", "Giấy ủy quyền", "Power of attorney"),
        new("17", "Phiếu gửi", "Dispatch slip"),
        new("18", "Phiếu chuyển", "Transfer slip"),
        new("19", "Phiếu báo", "Notification slip"),
        new("20", "Biên bản", "Minutes"),
        new("21", "Hợp đồng", "Contract"),
        new("22", "Công văn", "Official letter"),
        new("23", "Công điện", "Official telegram"),
        new("24", "Bản ghi nhớ", "Memorandum"),
        new("25", "Bản thỏa thuận", "Agreement"),
        new("26", "Giấy mời", "Invitation"),
        new("27", "Giấy giới thiệu", "Letter of introduction"),
        new("28", "Giấy nghỉ phép", "Leave permit"),
        new("29", "Thư công", "Official mail"),
        new("30", "Bản đồ", "Map"),
        new("31", "Bản vẽ kỹ thuật", "Technical drawing"),
        new("32", "Khác", "Other"),
    ]);

    /// <summary>Ngôn ngữ (language), 01–11.</summary>
    public static readonly CodeList Languages = new("language", "Ngôn ngữ", "Language", Tt05,
    [
        new("01", "Tiếng Việt", "Vietnamese"),
        new("02", "Tiếng Anh", "English"),
        new("03", "Tiếng Pháp", "French"),
        new("04", "Tiếng Nga", "Russian"),
        new("05", "Tiếng Trung", "Chinese"),
        new("06", "Việt – Anh", "Vietnamese–English"),
        new("07", "Việt – Nga", "Vietnamese–Russian"),
        new("08", "Việt – Pháp", "Vietnamese–French"),
        new("09", "Hán Nôm", "Han Nom"),
        new("10", "Việt – Trung", "Vietnamese–Chinese"),
        new("11", "Khác", "Other"),
    ]);

    /// <summary>Thời hạn lưu trữ (maintenance), 01–07; 07 "other" needs a number of years.</summary>
    public static readonly CodeList Retention = new("maintenance", "Thời hạn lưu trữ", "Retention period", Tt05,
    [
        new("01", "Vĩnh viễn", "Permanent"),
        new("02", "70 năm", "70 years"),
        new("03", "50 năm", "50 years"),
        new("04", "30 năm", "30 years"),
        new("05", "20 năm", "20 years"),
        new("06", "10 năm", "10 years"),
        new("07", "Khác (số năm)", "Other (number of years)"),
    ]);

    /// <summary>Chế độ sử dụng / mức độ tiếp cận (mode), 01–03.</summary>
    public static readonly CodeList AccessModes = new("mode", "Chế độ sử dụng", "Access regime", Tt05,
    [
        new("01", "Công khai", "Public"),
        new("02", "Sử dụng có điều kiện", "Conditional use"),
        new("03", "Mật", "Secret"),
    ]);

    /// <summary>Tình trạng vật lý (format), 01–03.</summary>
    public static readonly CodeList PhysicalConditions = new("format", "Tình trạng vật lý", "Physical condition", Tt05,
    [
        new("01", "Tốt", "Good"),
        new("02", "Bình thường", "Normal"),
        new("03", "Hư hỏng", "Damaged"),
    ]);

    /// <summary>Mức độ tin cậy (confidenceLevel), 01–03: how the record came to be digital.</summary>
    public static readonly CodeList ConfidenceLevels = new("confidenceLevel", "Mức độ tin cậy", "Confidence level (origin)", Tt05,
    [
        new("01", "Gốc điện tử", "Born digital"),
        new("02", "Số hóa", "Digitized"),
        new("03", "Hỗn hợp", "Mixed"),
    ]);

    /// <summary>Tình trạng dự phòng (riskRecoveryStatus), 01–02.</summary>
    public static readonly CodeList BackupStatuses = new("riskRecoveryStatus", "Tình trạng dự phòng", "Backup-copy status", Tt05,
    [
        new("01", "Đã lập", "Done"),
        new("02", "Chưa lập", "Not yet"),
    ]);

    public static readonly IReadOnlyList<CodeList> All =
        [DocumentTypes, Languages, Retention, AccessModes, PhysicalConditions, ConfidenceLevels, BackupStatuses];

    public static CodeList? ById(string id) => All.FirstOrDefault(l => l.Id == id);
}

/// <summary>Named codes the rules refer to, so code reads as the regulation does.</summary>
public static class Codes
{
    public const string ConfidenceBornDigital = "01";
    public const string ConfidenceDigitized = "02";
    public const string ConfidenceMixed = "03";
    public const string TypeMap = "30";
    public const string TypeTechnicalDrawing = "31";
    public const string RetentionPermanent = "01";
    public const string RetentionOther = "07";
}
