using Archive.Domain.Identifiers;

namespace Archive.Domain.Tests;

public class IdentifierTests
{
    [Theory]
    [InlineData("000.00.00.H29", true)]
    [InlineData("000.00.04.G14", true)]
    [InlineData("000.00.00.h29", false)]
    [InlineData("000.00.00.H2", false)]
    [InlineData("00.000.00.H29", false)]
    [InlineData("", false)]
    public void organisation_identifiers_follow_the_observed_13_character_shape(string value, bool valid)
    {
        OrganId.IsValid(value).ShouldBe(valid);
        OrganId.Validate("organId", value).Count.ShouldBe(valid ? 0 : 1);
    }

    [Fact]
    public void a_dossier_code_joins_organ_year_and_notation_with_dots()
    {
        DossierCode.Compose("000.00.00.H29", 2025, "01-VP").ShouldBe("000.00.00.H29.2025.01-VP");
    }

    [Fact]
    public void a_dossier_code_parses_back_even_when_the_notation_has_dots()
    {
        DossierCode.TryParse("000.00.00.H29.2025.01.VP", out var organ, out var year, out var notation).ShouldBeTrue();
        (organ, year, notation).ShouldBe(("000.00.00.H29", 2025, "01.VP"));
    }

    [Theory]
    [InlineData("000.00.00.H29.25.01-VP")]
    [InlineData("H29.2025.01-VP")]
    [InlineData("000.00.00.H29.2025.")]
    public void malformed_dossier_codes_do_not_parse(string code)
    {
        DossierCode.TryParse(code, out _, out _, out _).ShouldBeFalse();
    }

    [Fact]
    public void a_dossier_notation_longer_than_20_characters_is_an_error()
    {
        DossierCode.ValidateNotation("fileNotation", new string('A', 21)).Single().Code.ShouldBe("too_long");
    }

    [Fact]
    public void a_document_code_is_the_dossier_code_plus_a_seven_digit_order()
    {
        DocumentCode.Compose("000.00.00.H29.2025.01-VP", 1).ShouldBe("000.00.00.H29.2025.01-VP.0000001");
    }
}
