using Archive.Domain.Common;
using Archive.Domain.Dossiers;
using Archive.Domain.Retention;

namespace Archive.Domain.Documents;

/// <summary>All field rules for a document, every error at once (TT 05/2025 EAD_doc, NĐ 30/2020 Phụ lục VI).</summary>
public static class DocumentValidation
{
    public const int CodeNumberMax = 11;
    public const int CodeNotationMax = 30;
    public const int IssuerMax = 200;
    public const int SubjectMax = 500;
    public const int SignerPositionMax = 100;
    public const int SignerNameMax = 50;
    public const int KeywordsMax = 100;
    public const int InformationCodeMax = 30;
    public const int AutographMax = 2000;
    public const int NoteMax = 500;
    public const int PageCountMax = 9999;

    public static IReadOnlyList<FieldError> Validate(DocumentMetadata m)
    {
        var rules = new FieldRules()
            .InList("typeCode", m.TypeCode, CodeLists.CodeLists.DocumentTypes)
            .MaxLength("codeNumber", m.CodeNumber, CodeNumberMax)
            .MaxLength("codeNotation", m.CodeNotation, CodeNotationMax)
            .RequiredMax("issuer", m.Issuer, IssuerMax)
            .RequiredMax("subject", m.Subject, SubjectMax)
            .Range("pageCount", m.PageCount, 0, PageCountMax)
            .MaxLength("signerPosition", m.SignerPosition, SignerPositionMax)
            .MaxLength("signerName", m.SignerName, SignerNameMax)
            .InList("accessMode", m.AccessMode, CodeLists.CodeLists.AccessModes)
            .MaxLength("keywords", m.Keywords, KeywordsMax)
            .MaxLength("informationCode", m.InformationCode, InformationCodeMax)
            .InList("confidenceLevel", m.ConfidenceLevel, CodeLists.CodeLists.ConfidenceLevels)
            .InList("physicalCondition", m.PhysicalCondition, CodeLists.CodeLists.PhysicalConditions, required: false)
            .MaxLength("autograph", m.Autograph, AutographMax)
            .MaxLength("note", m.Note, NoteMax);
        foreach (var error in RetentionPeriod.FromCode("retention", m.RetentionCode, m.RetentionYears).Errors) rules.Add(error);
        DossierValidation.ValidateLanguages(rules, m.Languages);
        return rules.Errors;
    }
}
