namespace Archive.Domain.Common;

/// <summary>
/// The authenticated person behind a command, with the permissions the app resolved for them.
/// The domain only checks the permissions that are records rules (second-person confirmation, signing, holds).
/// </summary>
public sealed record Actor(string UserId, string FullName, IReadOnlySet<string> Permissions)
{
    public Actor(string userId, string fullName, params string[] permissions)
        : this(userId, fullName, new HashSet<string>(permissions, StringComparer.Ordinal)) { }

    public bool Can(string permission) => Permissions.Contains(permission);
}

/// <summary>Permissions that records rules depend on.</summary>
public static class Permissions
{
    /// <summary>May confirm an access-regime change made by someone else (NĐ 30 Phụ lục VI III.3.c).</summary>
    public const string ConfirmAccessChange = "access.confirm";
    /// <summary>May place or lift a hold / freeze (NĐ 30 Phụ lục VI IV.1.g).</summary>
    public const string ManageHolds = "hold.manage";
    /// <summary>Head of agency: signs destruction decisions (Luật Lưu trữ 2024 Điều 16.3.b).</summary>
    public const string SignDestructionDecision = "destruction.sign";
    /// <summary>Member of the valuation council (hội đồng xác định giá trị tài liệu).</summary>
    public const string ValuationCouncilMember = "council.member";
}

/// <summary>Who acts and when; the clock is passed in so decisions stay pure.</summary>
public sealed record DecisionContext(Actor Actor, DateTimeOffset Now)
{
    public DateOnly Today => DateOnly.FromDateTime(Now.ToOffset(TimeSpan.FromHours(7)).DateTime);
}
