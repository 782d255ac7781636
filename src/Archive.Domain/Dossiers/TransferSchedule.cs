using Archive.Domain.Retention;

namespace Archive.Domain.Dossiers;

/// <summary>A dossier that must be transferred (nộp lưu) soon or is overdue.</summary>
public sealed record TransferDue(string DossierCode, DateOnly DueDate, int DaysLeft)
{
    public bool IsOverdue => DaysLeft < 0;
}

/// <summary>
/// Deadlines for transfer to the agency archive (Lưu trữ cơ quan), NĐ 30/2020 Điều 31:
/// within 1 year from the day the work ended; capital-construction dossiers within 3 months from the
/// approval of the final accounts. Only dossiers kept 5 years or more must be transferred (Điều 31.3.c).
/// </summary>
public static class TransferSchedule
{
    public const int MinimumYearsToTransfer = 5;
    public const int DefaultWarningDays = 30;

    public static DateOnly DueDate(DateOnly endDate, DateOnly? constructionFinalAccountsDate = null) =>
        constructionFinalAccountsDate is { } fa ? fa.AddMonths(3) : endDate.AddYears(1);

    public static bool MustTransfer(RetentionPeriod retention) =>
        retention.IsPermanent || retention.Years >= MinimumYearsToTransfer;

    /// <summary>
    /// Closed, not yet transferred dossiers that must be transferred and fall due within <paramref name="withinDays"/>
    /// of <paramref name="today"/> (overdue ones included, with negative days left), soonest first.
    /// Phụ lục VI III.5.b asks the system to warn 30 days ahead.
    /// </summary>
    public static IReadOnlyList<TransferDue> DueSoon(IEnumerable<DossierState> dossiers, DateOnly today, int withinDays = DefaultWarningDays) =>
        dossiers
            .Where(d => d.Status == DossierStatus.Closed && d.TransferDueDate is not null && d.Retention is { } r && MustTransfer(r))
            .Select(d => new TransferDue(d.Code, d.TransferDueDate!.Value, d.TransferDueDate!.Value.DayNumber - today.DayNumber))
            .Where(t => t.DaysLeft <= withinDays)
            .OrderBy(t => t.DueDate)
            .ToList();
}
