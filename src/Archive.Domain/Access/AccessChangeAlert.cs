using System.Collections.Immutable;
using Archive.Domain.Common;

namespace Archive.Domain.Access;

/// <summary>
/// Cảnh báo thay đổi quyền truy cập: raised whenever a dossier's or document's access regime changes, and open
/// until a second authorised person confirms it (NĐ 30/2020 Phụ lục VI III.3.c).
/// </summary>
public sealed record AccessChangeAlert(
    int AlertNumber, string RecordCode, string? OldMode, string? NewMode,
    string ChangedBy, DateTimeOffset RaisedAt, string? ConfirmedBy = null, DateTimeOffset? ConfirmedAt = null)
{
    public bool IsOpen => ConfirmedBy is null;
}

[EventType("access.change.alert.raised.v1")]
public sealed record AccessChangeAlertRaised(
    int AlertNumber, string RecordCode, string? OldMode, string? NewMode, string ChangedBy, DateTimeOffset RaisedAt) : IDomainEvent;

[EventType("access.change.alert.confirmed.v1")]
public sealed record AccessChangeAlertConfirmed(
    int AlertNumber, string RecordCode, string ConfirmedBy, DateTimeOffset ConfirmedAt) : IDomainEvent;

/// <summary>Confirms an access-change alert. The same rules serve dossiers and documents.</summary>
public sealed record ConfirmAccessChange(int AlertNumber);

public static class AccessAlerts
{
    public static AccessChangeAlertRaised Raise(ImmutableList<AccessChangeAlert> alerts, string recordCode,
        string? oldMode, string? newMode, DecisionContext context) =>
        new(alerts.Count + 1, recordCode, oldMode, newMode, context.Actor.UserId, context.Now);

    public static Decision Confirm(ImmutableList<AccessChangeAlert> alerts, int alertNumber, DecisionContext context)
    {
        var alert = alerts.FirstOrDefault(a => a.AlertNumber == alertNumber);
        if (alert is null) return Rejections.NotFound($"cảnh báo số {alertNumber}", $"alert {alertNumber}");
        if (!alert.IsOpen)
            return Rejections.WrongStatus("Cảnh báo đã được xác nhận.", "The alert is already confirmed.");
        if (!context.Actor.Can(Permissions.ConfirmAccessChange))
            return Rejections.NotAuthorized("Người dùng không có quyền xác nhận thay đổi quyền truy cập.",
                "The user may not confirm access-regime changes.");
        if (context.Actor.UserId == alert.ChangedBy)
            return new Rejection(RejectionCodes.SamePersonCannotConfirm,
                "Người thay đổi quyền truy cập không được tự xác nhận; cần người có thẩm quyền thứ hai.",
                "The person who changed the access regime cannot confirm it; a second authorised person must.");
        return Decision.Accept(new AccessChangeAlertConfirmed(alertNumber, alert.RecordCode, context.Actor.UserId, context.Now));
    }

    public static ImmutableList<AccessChangeAlert> Evolve(ImmutableList<AccessChangeAlert> alerts, IDomainEvent @event) => @event switch
    {
        AccessChangeAlertRaised e => alerts.Add(new(e.AlertNumber, e.RecordCode, e.OldMode, e.NewMode, e.ChangedBy, e.RaisedAt)),
        AccessChangeAlertConfirmed e => alerts.Select(a => a.AlertNumber == e.AlertNumber
            ? a with { ConfirmedBy = e.ConfirmedBy, ConfirmedAt = e.ConfirmedAt } : a).ToImmutableList(),
        _ => alerts,
    };
}
