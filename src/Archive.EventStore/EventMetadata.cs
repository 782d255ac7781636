namespace Archive.EventStore;

/// <summary>Who and why: stored with every event of an append as the event's metadata jsonb.</summary>
public sealed record EventMetadata
{
    public string? Actor { get; init; }
    public string? CorrelationId { get; init; }
    public string? CausationId { get; init; }
    public Dictionary<string, string> Headers { get; init; } = new();
}
