namespace Archive.EventStore.Tests.Support;

[EventType("thing.opened.v1")]
public sealed record ThingOpened(string Title, int Pages);

[EventType("thing.renamed.v1")]
public sealed record ThingRenamed(string NewTitle);

[EventType("thing.poisoned.v1")]
public sealed record ThingPoisoned(string Why);

/// <summary>Old shape, only ever written by old code: upcast to <see cref="ThingLabelled"/> on read.</summary>
[EventType("thing.labelled.v1")]
public sealed record ThingLabelledV1(string Label);

[EventType("thing.labelled.v2")]
public sealed record ThingLabelled(string Text, string Language);

public sealed class Unnamed;
