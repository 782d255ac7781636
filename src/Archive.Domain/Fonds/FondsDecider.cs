using System.Collections.Immutable;
using Archive.Domain.Common;
using Archive.Domain.Identifiers;
using Archive.Domain.Retention;

namespace Archive.Domain.Fonds;

public static class FondsDecider
{
    public const int NameMaxLength = 500;
    public const int TitleMaxLength = 1000;
    public const int CreatorMaxLength = 30;

    public static Decision Decide(FondsCommand command, FondsState state, DecisionContext context) => command switch
    {
        OpenFonds c => Open(c, state),
        _ when state.Status == FondsStatus.None => Rejections.NotFound("phông", "fonds"),
        RenameFonds c => Rename(c, state),
        CloseFonds c => Close(c, state),
        AddDossierListEntry c => AddEntry(c, state),
        _ => throw new ArgumentOutOfRangeException(nameof(command)),
    };

    private static Decision Open(OpenFonds c, FondsState state)
    {
        if (state.Status != FondsStatus.None)
            return new Rejection(RejectionCodes.AlreadyExists, "Phông đã được mở.", "The fonds already exists.");
        var errors = FondsValidation.Validate(c);
        return errors.Count > 0 ? Decision.Invalid(errors) : Decision.Accept(new FondsOpened(c.OrganId, c.Name.Trim()));
    }

    private static Decision Rename(RenameFonds c, FondsState state)
    {
        var errors = new FieldRules().RequiredMax("name", c.Name, NameMaxLength).Errors;
        if (errors.Count > 0) return Decision.Invalid(errors);
        var name = c.Name.Trim();
        return name == state.Name
            ? Rejections.NoChange
            : Decision.Accept(new FondsRenamed(state.OrganId, [new("name", state.Name, name)]));
    }

    private static Decision Close(CloseFonds c, FondsState state) =>
        state.Status == FondsStatus.Closed
            ? Rejections.WrongStatus("Phông đã đóng.", "The fonds is already closed.")
            : Decision.Accept(new FondsClosed(state.OrganId, c.Reason));

    private static Decision AddEntry(AddDossierListEntry c, FondsState state)
    {
        if (state.Status == FondsStatus.Closed)
            return Rejections.WrongStatus("Phông đã đóng, không thêm được hồ sơ.", "The fonds is closed; no dossiers can be added.");
        var errors = FondsValidation.Validate(c);
        if (errors.Count > 0) return Decision.Invalid(errors);
        if (state.DossierList(c.Year).Any(e => e.FileNotation == c.FileNotation))
            return new Rejection(RejectionCodes.Duplicate,
                $"Số và ký hiệu hồ sơ {c.FileNotation} đã có trong danh mục năm {c.Year}.",
                $"Dossier number {c.FileNotation} is already in the {c.Year} list.");
        return Decision.Accept(new DossierListEntryAdded(state.OrganId, c.Year, c.FileNotation, c.Title.Trim(),
            c.Retention.Code, c.Retention.Years, c.Creator.Trim()));
    }

    public static FondsState Evolve(FondsState state, IDomainEvent @event) => @event switch
    {
        FondsOpened e => state with { Status = FondsStatus.Open, OrganId = e.OrganId, Name = e.Name },
        FondsRenamed e => state with { Name = e.Changes.Single(c => c.Field == "name").New ?? state.Name },
        FondsClosed => state with { Status = FondsStatus.Closed },
        DossierListEntryAdded e => state with
        {
            DossierLists = state.DossierLists.SetItem(e.Year, state.DossierList(e.Year).ToImmutableList().Add(
                new DossierListEntry(e.Year, e.FileNotation, e.Title, RetentionCodec.From(e.RetentionCode, e.RetentionYears), e.Creator))),
        },
        _ => state,
    };

    public static FondsState Fold(IEnumerable<IDomainEvent> events) => events.Aggregate(FondsState.Initial, Evolve);
}
