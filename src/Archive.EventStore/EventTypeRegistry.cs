using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Archive.EventStore;

/// <summary>
/// Maps CLR types to stable type names and back, and holds the upcasters that turn an old
/// stored type into its successor on read. Serialization is System.Text.Json with camelCase
/// names and no CLR type names in the payload.
/// </summary>
public sealed class EventTypeRegistry
{
    private readonly ConcurrentDictionary<Type, string> _names = new();
    private readonly ConcurrentDictionary<string, Type> _types = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (string NewType, Func<JsonNode, JsonNode> Transform)> _upcasters = new(StringComparer.Ordinal);

    public JsonSerializerOptions JsonOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    public EventTypeRegistry Register<T>(string typeName) => Register(typeof(T), typeName);

    public EventTypeRegistry Register(Type type, string typeName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(typeName);
        if (_types.TryGetValue(typeName, out var existing) && existing != type)
            throw new InvalidOperationException($"Event type name '{typeName}' is already mapped to {existing}.");
        if (_names.TryGetValue(type, out var existingName) && existingName != typeName)
            throw new InvalidOperationException($"{type} is already registered as '{existingName}'.");
        _types[typeName] = type;
        _names[type] = typeName;
        return this;
    }

    /// <summary>Registers every type carrying <see cref="EventTypeAttribute"/> in the assembly.</summary>
    public EventTypeRegistry RegisterAssembly(Assembly assembly)
    {
        foreach (var t in assembly.GetTypes())
            if (t.GetCustomAttribute<EventTypeAttribute>() is { } a) Register(t, a.Name);
        return this;
    }

    /// <summary>
    /// On read, events stored as <paramref name="oldTypeName"/> become <paramref name="newTypeName"/>
    /// with their JSON transformed; upcasters chain (v1 → v2 → v3).
    /// </summary>
    public EventTypeRegistry Upcast(string oldTypeName, string newTypeName, Func<JsonNode, JsonNode> transform)
    {
        if (oldTypeName == newTypeName) throw new ArgumentException("an upcaster must change the type name");
        _upcasters[oldTypeName] = (newTypeName, transform);
        return this;
    }

    public string NameOf(Type type)
    {
        if (_names.TryGetValue(type, out var name)) return name;
        if (type.GetCustomAttribute<EventTypeAttribute>() is { } a)
        {
            Register(type, a.Name);
            return a.Name;
        }
        throw new ArgumentException(
            $"{type} has no event type name: mark it [EventType(\"...\")] or register it explicitly.", nameof(type));
    }

    public Type? TypeOf(string typeName) => _types.GetValueOrDefault(typeName);

    public string Serialize(object @event) => JsonSerializer.Serialize(@event, @event.GetType(), JsonOptions);

    /// <summary>Applies upcasters to a stored event; returns the (possibly unchanged) name and JSON.</summary>
    public (string TypeName, string Json) UpcastStored(string typeName, string json)
    {
        if (!_upcasters.ContainsKey(typeName)) return (typeName, json);
        var node = JsonNode.Parse(json) ?? throw new InvalidOperationException("event data is JSON null");
        var seen = 0;
        while (_upcasters.TryGetValue(typeName, out var up))
        {
            if (++seen > 64) throw new InvalidOperationException($"upcaster cycle at '{typeName}'");
            node = up.Transform(node);
            typeName = up.NewType;
        }
        return (typeName, node.ToJsonString());
    }

    public object? Deserialize(string typeName, string json) =>
        TypeOf(typeName) is { } t ? JsonSerializer.Deserialize(json, t, JsonOptions) : null;
}
