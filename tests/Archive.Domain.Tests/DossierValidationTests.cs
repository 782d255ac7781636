using Archive.Domain.Dossiers;
using static Archive.Domain.Tests.Samples;

namespace Archive.Domain.Tests;

public class DossierValidationTests
{
    [Fact]
    public void a_complete_born_digital_dossier_is_valid()
    {
        DossierValidation.Validate(OrganId, 2025, "01-VP", Dossier()).ShouldBeEmpty();
    }

    [Fact]
    public void the_title_may_be_up_to_1000_characters_per_tt05()
    {
        DossierValidation.Validate(Dossier() with { Title = new string('Đ', 1000) }).ShouldBeEmpty();
        DossierValidation.Validate(Dossier() with { Title = new string('Đ', 1001) }).Single().Code.ShouldBe("too_long");
    }

    [Fact]
    public void a_digitised_dossier_needs_its_paper_dossier_code_sheet_count_and_physical_condition()
    {
        var errors = DossierValidation.Validate(Dossier() with { ConfidenceLevel = "02" });
        errors.Select(e => e.Field).ShouldBe(["physicalCondition", "paperFileCode", "sheetCount"], ignoreOrder: true);
        errors.Single(e => e.Field == "paperFileCode").Code.ShouldBe("required_when_digitized");
    }

    [Fact]
    public void a_mixed_dossier_also_needs_its_paper_dossier_code()
    {
        DossierValidation.Validate(Dossier() with { ConfidenceLevel = "03", SheetCount = 40, PhysicalCondition = "01" })
            .Single().Field.ShouldBe("paperFileCode");
    }

    [Fact]
    public void the_backup_status_is_required_when_the_backup_regime_is_on()
    {
        DossierValidation.Validate(Dossier() with { BackupRegime = true }).Single().Field.ShouldBe("backupStatus");
        DossierValidation.Validate(Dossier() with { BackupRegime = true, BackupStatus = "01" }).ShouldBeEmpty();
        DossierValidation.Validate(Dossier() with { BackupStatus = "01" }).Single().Code.ShouldBe("without_backup_regime");
    }

    [Fact]
    public void several_languages_are_allowed_but_each_must_be_in_the_list()
    {
        DossierValidation.Validate(Dossier() with { Languages = ["01", "02"] }).ShouldBeEmpty();
        DossierValidation.Validate(Dossier() with { Languages = ["01", "12"] }).Single().Code.ShouldBe("not_in_code_list");
        DossierValidation.Validate(Dossier() with { Languages = ["01", "01"] }).Single().Code.ShouldBe("duplicate");
    }

    [Fact]
    public void every_length_limit_is_reported_in_one_pass()
    {
        var errors = DossierValidation.Validate(Dossier() with
        {
            Creator = new string('x', 31),
            Keywords = new string('x', 101),
            InformationCode = new string('x', 31),
            Note = new string('x', 2001),
            PaperFileCode = new string('x', 101),
        });
        errors.Select(e => e.Field).ShouldBe(["creator", "keywords", "informationCode", "note", "paperFileCode"], ignoreOrder: true);
        errors.ShouldAllBe(e => e.Code == "too_long" && e.MessageVi.Length > 0 && e.MessageEn.Length > 0);
    }

    [Fact]
    public void the_end_date_cannot_be_before_the_start_date()
    {
        DossierValidation.Validate(Dossier() with { EndDate = new DateOnly(2024, 12, 31) }).Single().Code.ShouldBe("before_start");
    }

    [Fact]
    public void retention_other_needs_years()
    {
        DossierValidation.Validate(Dossier() with { RetentionCode = "07" }).Single().Code.ShouldBe("years_required");
        DossierValidation.Validate(Dossier() with { RetentionCode = "07", RetentionYears = 5 }).ShouldBeEmpty();
    }
}
