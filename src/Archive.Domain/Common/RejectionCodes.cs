namespace Archive.Domain.Common;

/// <summary>Machine codes of rejections; stable, the API and UI key on them.</summary>
public static class RejectionCodes
{
    public const string ValidationFailed = "validation_failed";
    public const string AlreadyExists = "already_exists";
    public const string NotFound = "not_found";
    public const string NoChange = "no_change";
    public const string WrongStatus = "wrong_status";
    public const string UnderHold = "under_hold";
    public const string NotAuthorized = "not_authorized";
    public const string SamePersonCannotConfirm = "same_person_cannot_confirm";
    public const string RetentionBelowSchedule = "retention_below_schedule";
    public const string DestructionBlocked = "destruction_blocked";
    public const string NotDueForTransfer = "not_due_for_transfer";
    public const string Duplicate = "duplicate";
}
