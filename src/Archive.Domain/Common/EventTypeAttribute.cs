namespace Archive.Domain.Common;

/// <summary>
/// Stable, versioned wire name of an event (e.g. <c>dossier.opened.v1</c>).
/// The event store maps CLR types to these names so that renaming a C# type never breaks stored streams.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = false)]
public sealed class EventTypeAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}
