namespace Archive.Domain.Common;

/// <summary>Rejections shared by several deciders.</summary>
public static class Rejections
{
    public static Rejection NoChange { get; } = new(RejectionCodes.NoChange,
        "Không có trường nào thay đổi; không ghi sự kiện.",
        "Nothing changed; no event recorded.");

    public static Rejection NotFound(string whatVi, string whatEn) =>
        new(RejectionCodes.NotFound, $"Không tìm thấy {whatVi}.", $"The {whatEn} does not exist.");

    public static Rejection WrongStatus(string vi, string en) => new(RejectionCodes.WrongStatus, vi, en);

    public static Rejection UnderHold(string recordCode) => new(RejectionCodes.UnderHold,
        $"Hồ sơ/tài liệu {recordCode} đang bị phong tỏa (hold); không được sửa hoặc hủy cho đến khi gỡ hết.",
        $"Record {recordCode} is under hold; it cannot be edited or destroyed until every hold is lifted.");

    public static Rejection NotAuthorized(string vi, string en) => new(RejectionCodes.NotAuthorized, vi, en);
}
