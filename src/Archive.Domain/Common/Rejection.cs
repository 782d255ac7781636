namespace Archive.Domain.Common;

/// <summary>
/// A refused command, as a value. Flow never uses exceptions: the caller maps <see cref="Code"/> to a status.
/// </summary>
public sealed record Rejection(string Code, string ReasonVi, string ReasonEn, IReadOnlyList<FieldError> Errors)
{
    public Rejection(string code, string reasonVi, string reasonEn)
        : this(code, reasonVi, reasonEn, []) { }

    public static Rejection Invalid(IReadOnlyList<FieldError> errors) =>
        new(RejectionCodes.ValidationFailed,
            "Dữ liệu đầu vào không hợp lệ.",
            "The input is not valid.",
            errors);
}
