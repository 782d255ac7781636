using System.Text.RegularExpressions;

namespace Archive.EventStore;

public sealed partial class EventStoreOptions
{
    private string _schema = "event_store";

    /// <summary>PostgreSQL schema holding the store's tables (a plain lower-case identifier).</summary>
    public string Schema
    {
        get => _schema;
        set => _schema = SafeIdentifier().IsMatch(value) ? value : throw new ArgumentException($"'{value}' is not a plain lower-case identifier");
    }

    public EventTypeRegistry Events { get; } = new();

    /// <summary>Per-stream encryption of protected event types (crypto-shredding); null stores everything as plain JSON.</summary>
    public Encryption.StreamEncryptionOptions? Encryption { get; set; }

    /// <summary>Run inside every append's transaction, after the events are written.</summary>
    public List<IInlineProjection> InlineProjections { get; } = new();

    /// <summary>
    /// The streams.type recorded when a stream is created: by default the part of the first
    /// event's type name before its first dot.
    /// </summary>
    public Func<string, string, string?> StreamType { get; set; } =
        (_, firstEventType) => firstEventType.Contains('.') ? firstEventType[..firstEventType.IndexOf('.')] : null;

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,40}$")]
    private static partial Regex SafeIdentifier();
}
