using System.Collections.Immutable;
using Archive.Domain.Common;

namespace Archive.Domain.Holds;

/// <summary>Why a record is frozen.</summary>
public enum HoldKind
{
    /// <summary>Legal hold: litigation, inspection, investigation.</summary>
    Legal,
    /// <summary>Khóa/đóng băng (freeze-lock) on an authorised request, NĐ 30/2020 Phụ lục VI IV.1.g.</summary>
    Freeze,
}

/// <summary>
/// Phong tỏa / đóng băng (hold). While any hold is active the record cannot be edited, moved or destroyed.
/// </summary>
public sealed record Hold(string HoldId, HoldKind Kind, string Authority, string Reason, string PlacedBy, DateTimeOffset PlacedAt);

[EventType("hold.placed.v1")]
public sealed record HoldPlaced(string RecordCode, string HoldId, HoldKind Kind, string Authority, string Reason,
    string PlacedBy, DateTimeOffset PlacedAt) : IDomainEvent;

[EventType("hold.lifted.v1")]
public sealed record HoldLifted(string RecordCode, string HoldId, string Authority, string Reason,
    string LiftedBy, DateTimeOffset LiftedAt) : IDomainEvent;

/// <summary><paramref name="Authority"/> names the body or document that ordered the hold (e.g. a court decision number).</summary>
public sealed record PlaceHold(string HoldId, HoldKind Kind, string Authority, string Reason);

public sealed record LiftHold(string HoldId, string Authority, string Reason);

public static class HoldRules
{
    public static Decision Place(ImmutableList<Hold> holds, string recordCode, PlaceHold c, DecisionContext context)
    {
        if (!context.Actor.Can(Permissions.ManageHolds))
            return Rejections.NotAuthorized("Người dùng không có quyền phong tỏa.", "The user may not place holds.");
        var errors = new FieldRules().RequiredMax("holdId", c.HoldId, 100)
            .RequiredMax("authority", c.Authority, 500).RequiredMax("reason", c.Reason, 2000).Errors;
        if (errors.Count > 0) return Decision.Invalid(errors);
        if (holds.Any(h => h.HoldId == c.HoldId))
            return new Rejection(RejectionCodes.Duplicate, $"Lệnh phong tỏa {c.HoldId} đã có.", $"Hold {c.HoldId} is already placed.");
        return Decision.Accept(new HoldPlaced(recordCode, c.HoldId, c.Kind, c.Authority, c.Reason, context.Actor.UserId, context.Now));
    }

    public static Decision Lift(ImmutableList<Hold> holds, string recordCode, LiftHold c, DecisionContext context)
    {
        if (!context.Actor.Can(Permissions.ManageHolds))
            return Rejections.NotAuthorized("Người dùng không có quyền gỡ phong tỏa.", "The user may not lift holds.");
        var errors = new FieldRules().RequiredMax("authority", c.Authority, 500).RequiredMax("reason", c.Reason, 2000).Errors;
        if (errors.Count > 0) return Decision.Invalid(errors);
        if (holds.All(h => h.HoldId != c.HoldId))
            return Rejections.NotFound($"lệnh phong tỏa {c.HoldId}", $"hold {c.HoldId}");
        return Decision.Accept(new HoldLifted(recordCode, c.HoldId, c.Authority, c.Reason, context.Actor.UserId, context.Now));
    }

    public static ImmutableList<Hold> Evolve(ImmutableList<Hold> holds, IDomainEvent @event) => @event switch
    {
        HoldPlaced e => holds.Add(new(e.HoldId, e.Kind, e.Authority, e.Reason, e.PlacedBy, e.PlacedAt)),
        HoldLifted e => holds.RemoveAll(h => h.HoldId == e.HoldId),
        _ => holds,
    };
}
