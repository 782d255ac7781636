using Microsoft.Extensions.Options;

namespace Archive.Api.Features.Audit;

/// <summary><c>Archive:Audit:Fixity</c>: the scheduled fixity cycle.</summary>
public sealed class FixityOptions
{
    /// <summary>The rules' ceiling for a full cycle: three years (TT 05/2025), a leap day included.</summary>
    public static readonly TimeSpan MaxPeriod = TimeSpan.FromDays(3 * 365 + 1);

    /// <summary>Every blob and stream is checked at least once per period; default one year.</summary>
    public TimeSpan Period { get; set; } = TimeSpan.FromDays(365);

    /// <summary>How often a slice is checked; default hourly.</summary>
    public TimeSpan RunInterval { get; set; } = TimeSpan.FromHours(1);
}

internal sealed class FixityOptionsValidation : IValidateOptions<FixityOptions>
{
    public ValidateOptionsResult Validate(string? name, FixityOptions o)
    {
        var errors = new List<string>();
        if (o.Period <= TimeSpan.Zero || o.Period > FixityOptions.MaxPeriod)
            errors.Add($"Archive:Audit:Fixity:Period must be more than 0 and at most 3 years ({FixityOptions.MaxPeriod.TotalDays} days), got {o.Period} " +
                       "(chu kỳ kiểm tra tính toàn vẹn không được quá 3 năm)");
        if (o.RunInterval <= TimeSpan.Zero || o.RunInterval > o.Period)
            errors.Add($"Archive:Audit:Fixity:RunInterval must be more than 0 and at most the period, got {o.RunInterval}");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

/// <summary><c>Archive:Audit:Seals</c>: how often the host seals newly appended events.</summary>
public sealed class SealJobOptions
{
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(5);
    public int MaxEventsPerSeal { get; set; } = 100_000;
}
