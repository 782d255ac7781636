using Archive.Domain.Common;
using Archive.Domain.Documents;
using Archive.Domain.Dossiers;

namespace Archive.Domain.Tests;

/// <summary>Test data taken from the seed documents (Lai Châu provincial People's Committee papers).</summary>
internal static class Samples
{
    public const string OrganId = "000.00.00.H29";
    public static readonly DateTimeOffset Now = new(2026, 3, 10, 9, 0, 0, TimeSpan.FromHours(7));

    public static readonly Actor Clerk = new("u-clerk", "Nguyễn Thị Lan");
    public static readonly Actor Archivist = new("u-archivist", "Trần Văn Hùng", Permissions.ConfirmAccessChange, Permissions.ManageHolds);
    public static readonly Actor SecondArchivist = new("u-archivist-2", "Lê Thị Mai", Permissions.ConfirmAccessChange);
    public static readonly Actor Head = new("u-head", "Phạm Quốc Bảo", Permissions.SignDestructionDecision);
    public static readonly Actor CouncilA = new("u-council-a", "Đỗ Minh Tuấn", Permissions.ValuationCouncilMember);
    public static readonly Actor CouncilB = new("u-council-b", "Hoàng Thu Hà", Permissions.ValuationCouncilMember);

    public static DecisionContext As(Actor actor) => new(actor, Now);

    public static DossierMetadata Dossier() => new()
    {
        Title = "Hồ sơ xây dựng Kế hoạch ứng dụng công nghệ thông tin trong hoạt động của cơ quan nhà nước tỉnh Lai Châu năm 2025",
        RetentionCode = "06",
        AccessMode = "01",
        Languages = ["01"],
        Creator = "Nguyễn Thị Lan",
        StartDate = new DateOnly(2025, 1, 6),
        ConfidenceLevel = "01",
    };

    public static DocumentMetadata Document() => new()
    {
        TypeCode = "10",
        CodeNumber = "391",
        CodeNotation = "KH-UBND",
        IssuedDate = new DateOnly(2025, 2, 20),
        Issuer = "Ủy ban nhân dân tỉnh Lai Châu",
        Subject = "KẾ HOẠCH Ứng dụng công nghệ thông tin trong hoạt động của cơ quan nhà nước tỉnh Lai Châu năm 2025",
        Languages = ["01"],
        PageCount = 12,
        SignerPosition = "KT. CHỦ TỊCH PHÓ CHỦ TỊCH",
        SignerName = "Tống Thanh Hải",
        AccessMode = "01",
        ConfidenceLevel = "01",
        RetentionCode = "06",
    };

    public static string Sha(char c) => new(c, 64);

    public static DossierState OpenDossier(DossierMetadata? metadata = null)
    {
        var d = DossierDecider.Decide(new OpenDossier(OrganId, 2025, "01-VP", metadata ?? Dossier()), DossierState.Initial, As(Clerk));
        d.IsAccepted.ShouldBeTrue();
        return DossierDecider.Fold(d.Events);
    }

    public static DocumentState RegisteredDocument(DocumentMetadata? metadata = null)
    {
        var d = DocumentDecider.Decide(new RegisterDocument("doc-391", metadata ?? Document()), DocumentState.Initial, As(Clerk));
        d.IsAccepted.ShouldBeTrue();
        return DocumentDecider.Fold(d.Events);
    }

    public static TState Apply<TState>(this TState state, Decision decision, Func<TState, IDomainEvent, TState> evolve)
    {
        decision.IsAccepted.ShouldBeTrue(decision.Rejection?.ReasonEn);
        return decision.Events.Aggregate(state, evolve);
    }
}
