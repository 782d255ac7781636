using System.Collections.Immutable;
using Archive.Domain.Common;

namespace Archive.Domain.Retention;

/// <summary>A group of the retention schedule (bảng thời hạn bảo quản), e.g. TT 10/2022 Phụ lục I item 3.</summary>
public sealed record ScheduleGroup(string Code, string Name, RetentionPeriod Period);

[EventType("retention_schedule.group.added.v1")]
public sealed record ScheduleGroupAdded(string Code, string Name, string RetentionCode, int? RetentionYears) : IDomainEvent;

[EventType("retention_schedule.group.changed.v1")]
public sealed record ScheduleGroupChanged(string Code, string Name, string RetentionCode, int? RetentionYears,
    IReadOnlyList<FieldChange> Changes) : IDomainEvent;

public abstract record RetentionScheduleCommand;
public sealed record AddScheduleGroup(string Code, string Name, RetentionPeriod Period) : RetentionScheduleCommand;
public sealed record ChangeScheduleGroup(string Code, string Name, RetentionPeriod Period) : RetentionScheduleCommand;

/// <summary>
/// Bảng thời hạn bảo quản (retention schedule) of one agency: groups with a period each. It proposes a
/// period for a new dossier and is the floor below which nobody may set a record's retention
/// (Luật Lưu trữ 2024 Điều 15).
/// </summary>
public sealed record RetentionSchedule(ImmutableDictionary<string, ScheduleGroup> Groups)
{
    public static RetentionSchedule Initial { get; } = new(ImmutableDictionary<string, ScheduleGroup>.Empty);

    public const int CodeMax = 30;
    public const int NameMax = 1000;

    /// <summary>The period the schedule proposes for a group, or null when the group is unknown.</summary>
    public RetentionPeriod? Propose(string groupCode) => Groups.GetValueOrDefault(groupCode)?.Period;

    /// <summary>Checks a proposed period against a group's; null when allowed.</summary>
    public Rejection? CheckNotShorter(string groupCode, RetentionPeriod proposed) =>
        Propose(groupCode) is { } minimum && proposed < minimum ? BelowScheduleRejection(minimum) : null;

    public static Rejection BelowScheduleRejection(RetentionPeriod minimum) => new(RejectionCodes.RetentionBelowSchedule,
        $"Không được quy định thời hạn ngắn hơn bảng thời hạn bảo quản ({minimum.DisplayVi}) — Luật Lưu trữ 2024 Điều 15.",
        $"Retention may not be shorter than the schedule ({minimum.DisplayEn}) — Archives Law 2024 art. 15.",
        [new("retention", "below_schedule", $"Tối thiểu {minimum.DisplayVi}.", $"At least {minimum.DisplayEn}.")]);

    public static Decision Decide(RetentionScheduleCommand command, RetentionSchedule state)
    {
        var (code, name, period) = command switch
        {
            AddScheduleGroup c => (c.Code, c.Name, c.Period),
            ChangeScheduleGroup c => (c.Code, c.Name, c.Period),
            _ => throw new ArgumentOutOfRangeException(nameof(command)),
        };
        var errors = new FieldRules().RequiredMax("code", code, CodeMax).RequiredMax("name", name, NameMax).Errors
            .Concat(period.Validate("period")).ToList();
        if (errors.Count > 0) return Decision.Invalid(errors);
        var existing = state.Groups.GetValueOrDefault(code);
        if (command is AddScheduleGroup)
            return existing is not null
                ? new Rejection(RejectionCodes.Duplicate, $"Nhóm {code} đã có.", $"Group {code} already exists.")
                : Decision.Accept(new ScheduleGroupAdded(code, name, period.Code, period.Years));
        if (existing is null) return Rejections.NotFound($"nhóm {code}", $"group {code}");
        var changes = FieldDiff.Between(
            [("name", existing.Name), ("period", existing.Period.DisplayVi)],
            [("name", name), ("period", period.DisplayVi)]);
        return changes.Count == 0
            ? Rejections.NoChange
            : Decision.Accept(new ScheduleGroupChanged(code, name, period.Code, period.Years, changes));
    }

    public static RetentionSchedule Evolve(RetentionSchedule state, IDomainEvent @event) => @event switch
    {
        ScheduleGroupAdded e => state with { Groups = state.Groups.SetItem(e.Code, new(e.Code, e.Name, RetentionCodec.From(e.RetentionCode, e.RetentionYears))) },
        ScheduleGroupChanged e => state with { Groups = state.Groups.SetItem(e.Code, new(e.Code, e.Name, RetentionCodec.From(e.RetentionCode, e.RetentionYears))) },
        _ => state,
    };

    public static RetentionSchedule Fold(IEnumerable<IDomainEvent> events) => events.Aggregate(Initial, Evolve);
}
