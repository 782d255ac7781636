namespace Archive.EventStore;

/// <summary>
/// The stable, versioned name an event type is stored under (e.g. <c>thing.happened.v1</c>).
/// CLR names are never stored: renaming a class must not orphan history.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, Inherited = false)]
public sealed class EventTypeAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}
