namespace Archive.EventStore.Integrity.Seals;

public enum SealFindingKind
{
    /// <summary>The row at a sealed position no longer matches its leaf (content or stored hash changed).</summary>
    Altered,
    /// <summary>A sealed position has no row, and the sealed event is not found elsewhere.</summary>
    Removed,
    /// <summary>A row inside a sealed range that no leaf covers.</summary>
    Added,
    /// <summary>A sealed event, unchanged, now sits at a different position.</summary>
    Reordered,
    /// <summary>The seal's signature or its timestamp token does not verify.</summary>
    SignatureInvalid,
    /// <summary>Seal numbers skip, or a seal does not record its predecessor's hash.</summary>
    SealChainBroken,
    /// <summary>Seal ranges are not contiguous (a gap or an overlap).</summary>
    SealRangeGap,
    /// <summary>The stored leaves do not hash to the sealed root (or their count differs): the leaf list was changed.</summary>
    RootMismatch,
    /// <summary>A stored leaf does not hash from its own stored fields, or lies outside its seal's range.</summary>
    LeafInvalid,
}

/// <summary>One thing the seal check found wrong; event findings name the stream, version and position.</summary>
public sealed record SealFinding(SealFindingKind Kind, long SealNumber, string Detail, string? StreamId = null,
    long? Version = null, long? Position = null)
{
    public override string ToString() =>
        $"{System.Text.Json.JsonNamingPolicy.SnakeCaseUpper.ConvertName(Kind.ToString())} seal {SealNumber}" +
        (StreamId is null ? "" : $" stream {StreamId} version {Version}") +
        (Position is null ? "" : $" position {Position}") + $": {Detail}";
}

/// <summary>The outcome of <see cref="SealVerifier.VerifyAsync"/>.</summary>
public sealed record SealReport(IReadOnlyList<SealFinding> Findings, int SealCount, long SealedThroughPosition,
    long SealedEventCount, long UnsealedEventCount)
{
    public bool Intact => Findings.Count == 0;
}
