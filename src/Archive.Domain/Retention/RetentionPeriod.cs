using Archive.Domain.CodeLists;
using Archive.Domain.Common;

namespace Archive.Domain.Retention;

/// <summary>
/// Thời hạn bảo quản / lưu trữ (retention period): permanent (vĩnh viễn) or 2–70 years,
/// counted from the year the work ended (Luật Lưu trữ 2024 Điều 15).
/// Permanent is longer than any number of years.
/// </summary>
public sealed record RetentionPeriod : IComparable<RetentionPeriod>
{
    public const int MinYears = 2;
    public const int MaxYears = 70;

    private RetentionPeriod(bool isPermanent, int? years)
    {
        IsPermanent = isPermanent;
        Years = years;
    }

    public bool IsPermanent { get; }

    /// <summary>Number of years; null when permanent.</summary>
    public int? Years { get; }

    public static RetentionPeriod Permanent { get; } = new(true, null);

    /// <summary>A fixed term. Out-of-range values are refused by <see cref="Validate"/>; this factory does not clamp.</summary>
    public static RetentionPeriod OfYears(int years) => new(false, years);

    /// <summary>TT 05/2025 maintenance code: 01 permanent, 02–06 the listed terms, 07 any other term.</summary>
    public string Code => IsPermanent ? Codes.RetentionPermanent : Years switch
    {
        70 => "02",
        50 => "03",
        30 => "04",
        20 => "05",
        10 => "06",
        _ => Codes.RetentionOther,
    };

    public string DisplayVi => IsPermanent ? "Vĩnh viễn" : $"{Years} năm";
    public string DisplayEn => IsPermanent ? "Permanent" : $"{Years} years";

    public override string ToString() => DisplayVi;

    public int CompareTo(RetentionPeriod? other)
    {
        if (other is null) return 1;
        if (IsPermanent || other.IsPermanent) return IsPermanent.CompareTo(other.IsPermanent);
        return Years!.Value.CompareTo(other.Years!.Value);
    }

    public static bool operator <(RetentionPeriod a, RetentionPeriod b) => a.CompareTo(b) < 0;
    public static bool operator >(RetentionPeriod a, RetentionPeriod b) => a.CompareTo(b) > 0;
    public static bool operator <=(RetentionPeriod a, RetentionPeriod b) => a.CompareTo(b) <= 0;
    public static bool operator >=(RetentionPeriod a, RetentionPeriod b) => a.CompareTo(b) >= 0;

    /// <summary>The longest of the given periods (a dossier takes its longest document's, Điều 15).</summary>
    public static RetentionPeriod? Longest(IEnumerable<RetentionPeriod?> periods) =>
        periods.OfType<RetentionPeriod>().DefaultIfEmpty().Max();

    /// <summary>
    /// Last day the record must be kept: 31 December of (year the work ended + N).
    /// A 10-year dossier whose work ended in 2020 is kept through 31/12/2030 and may be
    /// proposed for destruction from 01/01/2031. Null for permanent records: they never expire.
    /// </summary>
    public DateOnly? KeepUntil(int endYear) => IsPermanent ? null : new DateOnly(endYear + Years!.Value, 12, 31);

    /// <summary>True when the period has run out on <paramref name="today"/>.</summary>
    public bool HasExpired(int endYear, DateOnly today) => KeepUntil(endYear) is { } until && today > until;

    /// <summary>Parses a maintenance code (+ years for code 07, or to confirm 02–06) into a period, or field errors.</summary>
    public static (RetentionPeriod? Period, IReadOnlyList<FieldError> Errors) FromCode(string field, string? code, int? years)
    {
        var rules = new FieldRules().InList(field, code, CodeLists.CodeLists.Retention);
        if (rules.Errors.Count > 0) return (null, rules.Errors);
        RetentionPeriod period = code switch
        {
            "01" => Permanent,
            "02" => OfYears(70),
            "03" => OfYears(50),
            "04" => OfYears(30),
            "05" => OfYears(20),
            "06" => OfYears(10),
            _ => OfYears(years ?? 0),
        };
        if (code == Codes.RetentionOther && years is null)
            return (null, [new(field, "years_required",
                "Thời hạn 'Khác' (07) phải ghi số năm (2–70).",
                "Retention 'other' (07) needs a number of years (2–70).")]);
        if (code != Codes.RetentionOther && years is { } y && y != period.Years && !period.IsPermanent)
            return (null, [new(field, "years_mismatch",
                $"Mã {code} là {period.Years} năm, không khớp với {y} năm.",
                $"Code {code} means {period.Years} years, not {y}.")]);
        var errors = period.Validate(field);
        return errors.Count > 0 ? (null, errors) : (period, []);
    }

    public IReadOnlyList<FieldError> Validate(string field) =>
        !IsPermanent && (Years < MinYears || Years > MaxYears)
            ? [new(field, "out_of_range",
                $"Thời hạn có thời hạn phải từ {MinYears} đến {MaxYears} năm (Luật Lưu trữ 2024 Điều 15).",
                $"A fixed retention must be {MinYears} to {MaxYears} years (Archives Law 2024 art. 15).")]
            : [];
}
