using Archive.Domain.Retention;

namespace Archive.Domain.Tests;

public class RetentionPeriodTests
{
    [Fact]
    public void permanent_is_longer_than_any_number_of_years()
    {
        (RetentionPeriod.Permanent > RetentionPeriod.OfYears(70)).ShouldBeTrue();
        (RetentionPeriod.OfYears(10) < RetentionPeriod.OfYears(20)).ShouldBeTrue();
        RetentionPeriod.Longest([RetentionPeriod.OfYears(10), RetentionPeriod.Permanent, RetentionPeriod.OfYears(70)])
            .ShouldBe(RetentionPeriod.Permanent);
    }

    [Theory]
    [InlineData("01", null, true, null)]
    [InlineData("02", null, false, 70)]
    [InlineData("06", null, false, 10)]
    [InlineData("07", 5, false, 5)]
    public void maintenance_codes_map_to_periods(string code, int? years, bool permanent, int? expectedYears)
    {
        var (period, errors) = RetentionPeriod.FromCode("retention", code, years);
        errors.ShouldBeEmpty();
        period!.IsPermanent.ShouldBe(permanent);
        period.Years.ShouldBe(expectedYears);
        period.Code.ShouldBe(code);
    }

    [Theory]
    [InlineData("07", null, "years_required")]
    [InlineData("07", 1, "out_of_range")]
    [InlineData("07", 71, "out_of_range")]
    [InlineData("06", 12, "years_mismatch")]
    [InlineData("08", null, "not_in_code_list")]
    public void bad_retention_inputs_are_field_errors(string code, int? years, string errorCode)
    {
        RetentionPeriod.FromCode("retention", code, years).Errors.Single().Code.ShouldBe(errorCode);
    }

    [Fact]
    public void a_fixed_term_runs_to_the_end_of_year_end_plus_n()
    {
        var tenYears = RetentionPeriod.OfYears(10);
        tenYears.KeepUntil(2020).ShouldBe(new DateOnly(2030, 12, 31));
        tenYears.HasExpired(2020, new DateOnly(2030, 12, 31)).ShouldBeFalse();
        tenYears.HasExpired(2020, new DateOnly(2031, 1, 1)).ShouldBeTrue();
    }

    [Fact]
    public void permanent_records_never_expire()
    {
        RetentionPeriod.Permanent.KeepUntil(1990).ShouldBeNull();
        RetentionPeriod.Permanent.HasExpired(1990, new DateOnly(2999, 1, 1)).ShouldBeFalse();
    }

    [Fact]
    public void other_years_use_code_07_and_listed_years_their_own_code()
    {
        RetentionPeriod.OfYears(5).Code.ShouldBe("07");
        RetentionPeriod.OfYears(20).Code.ShouldBe("05");
        RetentionPeriod.OfYears(5).DisplayVi.ShouldBe("5 năm");
    }
}
