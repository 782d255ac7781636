using Archive.Domain.Common;

namespace Archive.Domain.People;

// Người dùng (a person of the web application), as administered: who was let in, with which role and clearance.
// Stream person-{id}; the actor in the metadata is the administrator. Never a password or its hash.

/// <summary>An administrator created the person's account.</summary>
[EventType("person.created.v1")]
public sealed record PersonCreated(string PersonId, string UserName, string FullName, string Role, bool ClearedForSecret) : IDomainEvent;

/// <summary>An administrator set the person's role, clearance for regime 03, or enabled flag.</summary>
[EventType("person.access.changed.v1")]
public sealed record PersonAccessChanged(string PersonId, string Role, bool ClearedForSecret, bool Disabled) : IDomainEvent;

/// <summary>An administrator lifted a lockout after wrong passwords.</summary>
[EventType("person.unlocked.v1")]
public sealed record PersonUnlocked(string PersonId) : IDomainEvent;

/// <summary>An administrator gave the person a new password (the password itself is not recorded).</summary>
[EventType("person.password.reset.v1")]
public sealed record PersonPasswordReset(string PersonId) : IDomainEvent;
