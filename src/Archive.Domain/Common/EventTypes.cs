using System.Reflection;

namespace Archive.Domain.Common;

/// <summary>Every domain event type with its stable wire name, for the event store's type map.</summary>
public static class EventTypes
{
    public static IReadOnlyDictionary<string, Type> ByName { get; } = typeof(IDomainEvent).Assembly.GetTypes()
        .Where(t => typeof(IDomainEvent).IsAssignableFrom(t) && t is { IsClass: true, IsAbstract: false })
        .ToDictionary(t => NameOf(t), t => t, StringComparer.Ordinal);

    public static string NameOf(Type eventType) =>
        eventType.GetCustomAttribute<EventTypeAttribute>()?.Name
        ?? throw new InvalidOperationException($"{eventType.Name} has no [EventType] attribute.");

    public static string NameOf(IDomainEvent @event) => NameOf(@event.GetType());
}
