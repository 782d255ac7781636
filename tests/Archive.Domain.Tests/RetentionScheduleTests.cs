using Archive.Domain.Common;
using Archive.Domain.Retention;

namespace Archive.Domain.Tests;

public class RetentionScheduleTests
{
    private static RetentionSchedule WithCharterGroup() =>
        RetentionSchedule.Fold(RetentionSchedule.Decide(
            new AddScheduleGroup("I.3", "Hồ sơ xây dựng quy chế làm việc", RetentionPeriod.OfYears(20)), RetentionSchedule.Initial).Events);

    [Fact]
    public void the_schedule_proposes_the_period_of_a_group()
    {
        WithCharterGroup().Propose("I.3").ShouldBe(RetentionPeriod.OfYears(20));
        WithCharterGroup().Propose("unknown").ShouldBeNull();
    }

    [Fact]
    public void shortening_below_the_schedule_is_refused_and_longer_is_allowed()
    {
        var schedule = WithCharterGroup();
        schedule.CheckNotShorter("I.3", RetentionPeriod.OfYears(10))!.Code.ShouldBe(RejectionCodes.RetentionBelowSchedule);
        schedule.CheckNotShorter("I.3", RetentionPeriod.OfYears(20)).ShouldBeNull();
        schedule.CheckNotShorter("I.3", RetentionPeriod.Permanent).ShouldBeNull();
    }

    [Fact]
    public void editing_a_group_records_the_change_and_an_identical_edit_is_no_change()
    {
        var schedule = WithCharterGroup();
        var changed = RetentionSchedule.Decide(new ChangeScheduleGroup("I.3", "Hồ sơ xây dựng quy chế làm việc", RetentionPeriod.OfYears(30)), schedule)
            .Events.Single().ShouldBeOfType<ScheduleGroupChanged>();
        changed.Changes.Single().ShouldBe(new FieldChange("period", "20 năm", "30 năm"));
        RetentionSchedule.Decide(new ChangeScheduleGroup("I.3", "Hồ sơ xây dựng quy chế làm việc", RetentionPeriod.OfYears(20)), schedule)
            .Rejection!.Code.ShouldBe(RejectionCodes.NoChange);
    }

    [Fact]
    public void a_group_with_a_period_outside_2_to_70_years_is_invalid()
    {
        RetentionSchedule.Decide(new AddScheduleGroup("X", "Nhóm", RetentionPeriod.OfYears(1)), RetentionSchedule.Initial)
            .Rejection!.Errors.Single().Code.ShouldBe("out_of_range");
    }
}
