namespace Archive.Domain.Common;

/// <summary>Marker for every domain event; who/when/why travels in store metadata, not here.</summary>
public interface IDomainEvent;
