using Archive.Domain.Common;

namespace Archive.Domain.Audit;

/// <summary>
/// One fixity run (kiểm tra tính toàn vẹn) finished: which content blobs were re-hashed and which streams'
/// hash chains re-verified, and how many of them failed. Appended, with any <see cref="FixityFailed"/>,
/// to the run's own stream <c>fixity-{runId}</c>.
/// </summary>
[EventType("fixity.checked.v1")]
public sealed record FixityChecked(string RunId, string Trigger, DateTimeOffset StartedAt, int PeriodDays,
    int BlobsChecked, int StreamsChecked, int Failures, IReadOnlyList<string> Blobs, IReadOnlyList<string> Streams) : IDomainEvent;

/// <summary>
/// An object failed its fixity check: a blob whose bytes no longer hash to its SHA-256 (or is missing or
/// unreadable), or a stream whose hash chain breaks at <paramref name="Version"/>. Auditors list these as alerts.
/// </summary>
[EventType("fixity.failed.v1")]
public sealed record FixityFailed(string RunId, string ObjectKind, string ObjectId, long? Version, string Problem, string Detail) : IDomainEvent;
