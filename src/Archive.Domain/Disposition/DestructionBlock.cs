using Archive.Domain.Retention;

namespace Archive.Domain.Disposition;

public enum RecordKind { Dossier, Document, PaperOriginal }

/// <summary>
/// Facts about one record proposed for destruction, read by the app from the record's own state.
/// <paramref name="IsPaperOriginalOfPermanentDigitized"/>: this is the paper original behind a digitised permanent record.
/// </summary>
public sealed record DispositionCandidate(string RecordCode, RecordKind Kind, RetentionPeriod Retention, bool IsUnderHold,
    bool IsPaperOriginalOfPermanentDigitized = false, int? EndYear = null);

/// <summary>Why one record cannot be destroyed.</summary>
public sealed record BlockReason(string RecordCode, string Code, string ReasonVi, string ReasonEn);

/// <summary>
/// The destruction block: permanent records, the paper original behind a digitised permanent record, and
/// anything under hold can never be destroyed, by anyone. No permission overrides it.
/// </summary>
public static class DestructionBlock
{
    public const string Permanent = "permanent";
    public const string PaperOriginalOfPermanent = "paper_original_of_permanent";
    public const string UnderHold = "under_hold";

    public static BlockReason? Check(DispositionCandidate c)
    {
        // The more specific reason first: a paper original carries its digitised record's permanent period too.
        if (c.IsPaperOriginalOfPermanentDigitized)
            return new(c.RecordCode, PaperOriginalOfPermanent,
                $"{c.RecordCode} là bản gốc giấy của tài liệu vĩnh viễn đã số hóa; không được hủy sau số hóa.",
                $"{c.RecordCode} is the paper original of a digitised permanent record; it may not be destroyed after digitisation.");
        if (c.Retention.IsPermanent)
            return new(c.RecordCode, Permanent,
                $"{c.RecordCode} có thời hạn bảo quản vĩnh viễn; không bao giờ được hủy.",
                $"{c.RecordCode} is kept permanently and can never be destroyed.");
        if (c.IsUnderHold)
            return new(c.RecordCode, UnderHold,
                $"{c.RecordCode} đang bị phong tỏa; không được hủy cho đến khi gỡ hết.",
                $"{c.RecordCode} is under hold and cannot be destroyed until every hold is lifted.");
        return null;
    }
}
