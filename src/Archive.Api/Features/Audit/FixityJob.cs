using Archive.Api.Infrastructure.Jobs;
using Microsoft.Extensions.Options;

namespace Archive.Api.Features.Audit;

/// <summary>Scheduled fixity: one slice per run, sized so every object is checked within <see cref="FixityOptions.Period"/>.</summary>
public sealed class FixityJob(FixityChecker checker, IOptions<FixityOptions> options) : IScheduledJob
{
    public const string JobName = "audit-fixity";
    public string Name => JobName;
    public TimeSpan Interval => options.Value.RunInterval;

    public async Task<string?> RunAsync(JobRunContext context, CancellationToken ct)
    {
        var r = await checker.RunScheduledSliceAsync(ct);
        return $"run {r.RunId}: {r.BlobsChecked} blob(s), {r.StreamsChecked} stream(s) checked, {r.Failures.Count} failure(s)";
    }
}
