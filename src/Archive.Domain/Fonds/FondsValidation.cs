using Archive.Domain.Common;
using Archive.Domain.Identifiers;

namespace Archive.Domain.Fonds;

/// <summary>Field rules for fonds input and dossier-list entries, every error at once.</summary>
public static class FondsValidation
{
    public static IReadOnlyList<FieldError> Validate(OpenFonds c) =>
        OrganId.Validate("organId", c.OrganId)
            .Concat(new FieldRules().RequiredMax("name", c.Name, FondsDecider.NameMaxLength).Errors).ToList();

    public static IReadOnlyList<FieldError> Validate(AddDossierListEntry c)
    {
        var rules = new FieldRules()
            .Range("year", c.Year, 1900, 9999)
            .RequiredMax("title", c.Title, FondsDecider.TitleMaxLength)
            .RequiredMax("creator", c.Creator, FondsDecider.CreatorMaxLength);
        foreach (var e in DossierCode.ValidateNotation("fileNotation", c.FileNotation)) rules.Add(e);
        foreach (var e in c.Retention.Validate("retention")) rules.Add(e);
        return rules.Errors;
    }
}
