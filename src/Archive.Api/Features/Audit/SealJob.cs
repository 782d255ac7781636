using Archive.Api.Infrastructure.Jobs;
using Archive.EventStore.Integrity.Seals;
using Microsoft.Extensions.Options;
using Store = Archive.EventStore.EventStore;

namespace Archive.Api.Features.Audit;

/// <summary>
/// Seals newly appended events (signed Merkle roots, src/Archive.EventStore/Integrity/Seals) every
/// <see cref="SealJobOptions.Interval"/>, with the organization's <see cref="ISealSigner"/> from DI. Without a
/// registered signer the job is not scheduled (its <see cref="DisabledReason"/> goes to the log).
/// </summary>
public sealed class SealJob(Store store, IServiceProvider services, IOptions<SealJobOptions> options) : IScheduledJob
{
    public const string JobName = "audit-seal";
    public string Name => JobName;
    public TimeSpan Interval => options.Value.Interval;

    public string? DisabledReason => services.GetService<ISealSigner>() is null
        ? "no ISealSigner is registered (the organization's seal key is not configured), so new events are not sealed; hash chains still protect them"
        : null;

    public async Task<string?> RunAsync(JobRunContext context, CancellationToken ct)
    {
        var service = new SealService(store, services.GetRequiredService<ISealSigner>(),
            new SealOptions { MaxEventsPerSeal = options.Value.MaxEventsPerSeal });
        await service.EnsureSchemaAsync(ct);
        long seals = 0, events = 0, through = 0;
        // Drain a backlog larger than one seal in one run.
        while (await service.SealOnceAsync(ct) is { } seal)
        {
            seals++;
            events += seal.EventCount;
            through = seal.ToPosition;
            if (seal.EventCount < options.Value.MaxEventsPerSeal) break;
        }
        return seals == 0 ? "nothing new to seal" : $"{seals} seal(s) over {events} event(s) through position {through}";
    }
}
