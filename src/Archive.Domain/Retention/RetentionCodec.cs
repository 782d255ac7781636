namespace Archive.Domain.Retention;

/// <summary>Events store a retention as (code, years); this turns it back into a period.</summary>
public static class RetentionCodec
{
    public static RetentionPeriod From(string code, int? years) =>
        code == CodeLists.Codes.RetentionPermanent ? RetentionPeriod.Permanent
        : years is { } y ? RetentionPeriod.OfYears(y)
        : RetentionPeriod.FromCode("retention", code, null).Period ?? throw new InvalidDataException($"Bad stored retention {code}");
}
