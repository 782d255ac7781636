namespace Archive.Api.Infrastructure.Jobs;

/// <summary>One row of <c>archive_api.jobs</c>: schedule, lease and the last outcome.</summary>
public sealed record JobStatus(
    string Name,
    TimeSpan Interval,
    DateTimeOffset NextRunAt,
    string? LeaseOwner,
    DateTimeOffset? LeaseUntil,
    int Attempts,
    long Runs,
    long Failures,
    DateTimeOffset? LastStartedAt,
    DateTimeOffset? LastFinishedAt,
    string? LastStatus,
    string? LastResult,
    string? LastError);
