namespace Archive.EventStore;

/// <summary>
/// What the caller believes a stream's version is (the version of its last event; a stream's
/// first event has version 1). <see cref="NoStream"/> demands a new stream, <see cref="Any"/>
/// skips the check, <see cref="Exactly"/> demands that version.
/// </summary>
public readonly record struct ExpectedVersion
{
    private ExpectedVersion(long value) => Value = value;

    /// <summary>-1 for <see cref="Any"/>, 0 for <see cref="NoStream"/>, otherwise the version.</summary>
    public long Value { get; }

    public static ExpectedVersion NoStream => new(0);
    public static ExpectedVersion Any => new(-1);

    public static ExpectedVersion Exactly(long version) =>
        version >= 0 ? new(version) : throw new ArgumentOutOfRangeException(nameof(version), "a stream version is never negative");

    public bool IsAny => Value == -1;
    public bool IsNoStream => Value == 0;

    public override string ToString() => Value switch { -1 => "any", 0 => "no stream", var v => v.ToString(System.Globalization.CultureInfo.InvariantCulture) };
}
