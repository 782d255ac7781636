namespace Archive.Domain.Common;

/// <summary>
/// Outcome of a pure decision: the events to append, or a rejection.
/// A rejection may still carry <see cref="Events"/>: audit facts that must be stored even though the
/// command is refused (e.g. <c>destruction.blocked.v1</c>, which auditors list). The store appends them
/// and the API still answers with the rejection.
/// </summary>
public sealed record Decision(IReadOnlyList<IDomainEvent> Events, Rejection? Rejection)
{
    public bool IsAccepted => Rejection is null;
    public bool IsRejected => Rejection is not null;

    public static Decision Accept(params IDomainEvent[] events) => new(events, null);
    public static Decision Accept(IEnumerable<IDomainEvent> events) => new(events.ToArray(), null);
    public static Decision Reject(Rejection rejection) => new([], rejection);
    public static Decision Reject(Rejection rejection, IEnumerable<IDomainEvent> auditEvents) =>
        new(auditEvents.ToArray(), rejection);
    public static Decision Invalid(IReadOnlyList<FieldError> errors) => new([], Rejection.Invalid(errors));

    public static implicit operator Decision(Rejection rejection) => Reject(rejection);
}
