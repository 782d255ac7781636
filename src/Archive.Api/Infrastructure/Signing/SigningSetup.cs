using Archive.Api.Infrastructure.Jobs;
using Archive.EventStore.Integrity.Seals;

namespace Archive.Api.Infrastructure.Signing;

public static class SigningSetup
{
    /// <summary>The organization identity, the seal signer backed by it, and its start-up preparation.</summary>
    public static IServiceCollection AddOrganizationSigning(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SigningSettings>().Bind(configuration.GetSection("Archive:Signing"));
        services.AddSingleton<OrganizationSigning>();
        services.AddSingleton<ISealSigner, OrganizationSealSigner>();
        services.AddSingleton<Features.Signatures.SignedContentWriter>();
        services.AddHostedService<SigningPreparation>();
        services.AddScheduledJob<TimestampRenewalJob>();
        return services;
    }
}

/// <summary>
/// Loads (on first run: creates) the identity in the background as the host starts, so the log says which identity
/// signs before the first request needs it, without delaying start-up by the key generation.
/// </summary>
internal sealed class SigningPreparation(OrganizationSigning signing, ILogger<SigningPreparation> log) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!signing.Settings.PrepareAtStartup) return Task.CompletedTask;
        return Task.Run(() =>
        {
            try { _ = signing.Certificate; }
            catch (Exception e) { log.LogError("Signing: the organization signing identity could not be loaded: {Reason}", e.Message); }
        }, stoppingToken);
    }
}
