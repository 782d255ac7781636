using Archive.Api.Infrastructure.Jobs;

namespace Archive.Api.Tests.Jobs;

/// <summary>A job that counts its runs and how many of them overlapped; optionally held open until released.</summary>
public sealed class GateJob(string name, TimeSpan interval, bool holdUntilReleased = false, Func<Task>? body = null) : IScheduledJob
{
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _running, _maxConcurrent, _runs;

    public string Name => name;
    public TimeSpan Interval => interval;
    public TimeSpan FirstRunDelay => TimeSpan.Zero;
    public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public int MaxConcurrent => Volatile.Read(ref _maxConcurrent);
    public int Runs => Volatile.Read(ref _runs);

    public void Release() => _release.TrySetResult();

    public async Task<string?> RunAsync(JobRunContext context, CancellationToken ct)
    {
        var now = Interlocked.Increment(ref _running);
        int seen;
        while (now > (seen = Volatile.Read(ref _maxConcurrent)) && Interlocked.CompareExchange(ref _maxConcurrent, now, seen) != seen) { }
        try
        {
            Interlocked.Increment(ref _runs);
            Entered.TrySetResult();
            if (holdUntilReleased) await _release.Task.WaitAsync(ct);
            if (body is not null) await body();
            return $"run {Runs}";
        }
        finally { Interlocked.Decrement(ref _running); }
    }
}

/// <summary>Fails its first <paramref name="failures"/> runs, then succeeds.</summary>
public sealed class FlakyJob(string name, int failures, TimeSpan interval, TimeSpan retryBackoff) : IScheduledJob
{
    public string Name => name;
    public TimeSpan Interval => interval;
    public TimeSpan FirstRunDelay => TimeSpan.Zero;
    public TimeSpan RetryBackoff => retryBackoff;
    public List<int> Attempts { get; } = [];

    public Task<string?> RunAsync(JobRunContext context, CancellationToken ct)
    {
        Attempts.Add(context.Attempt);
        if (Attempts.Count <= failures) throw new IOException($"disk on fire (attempt {context.Attempt})");
        return Task.FromResult<string?>("all good");
    }
}

/// <summary>A job that says it cannot run here.</summary>
public sealed class UnconfiguredJob : IScheduledJob
{
    public string Name => "unconfigured";
    public TimeSpan Interval => TimeSpan.FromMinutes(1);
    public string? DisabledReason => "no key configured";
    public Task<string?> RunAsync(JobRunContext context, CancellationToken ct) => throw new InvalidOperationException("must not run");
}
