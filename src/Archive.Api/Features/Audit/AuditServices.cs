using Archive.Api.Infrastructure.Jobs;
using Microsoft.Extensions.Options;

namespace Archive.Api.Features.Audit;

public static class AuditServices
{
    /// <summary>Timeline, replay, fixity (scheduled and on demand) and the seal job; settings under <c>Archive:Audit</c>.</summary>
    public static IServiceCollection AddArchiveAudit(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<FixityOptions>().Bind(configuration.GetSection("Archive:Audit:Fixity")).ValidateOnStart();
        services.AddSingleton<IValidateOptions<FixityOptions>, FixityOptionsValidation>();
        services.AddOptions<SealJobOptions>().Bind(configuration.GetSection("Archive:Audit:Seals"));
        services.AddSingleton<Timeline>();
        services.AddSingleton<Replay>();
        services.AddSingleton<FixityChecker>();
        services.AddSingleton<FixityAlerts>();
        services.AddScheduledJob<FixityJob>();
        services.AddScheduledJob<SealJob>();
        return services;
    }
}
