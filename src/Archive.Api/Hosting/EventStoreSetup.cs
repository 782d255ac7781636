using Archive.Api.Features.Records;
using Archive.Api.Infrastructure.Shredding;
using Archive.Domain.Common;
using Archive.EventStore;
using Archive.EventStore.Encryption;
using Npgsql;
using Store = Archive.EventStore.EventStore;

namespace Archive.Api.Hosting;

/// <summary>
/// The event store (schema <c>event_store</c>) with every domain event registered under its wire name,
/// the search projection, and the projection daemon as a background service.
/// </summary>
public static class EventStoreSetup
{
    public const string Schema = "event_store";

    /// <summary>
    /// The archive's store options: every domain event under its wire name and, given the master key, the
    /// records' descriptive events encrypted per stream (as the host runs; benches without a key).
    /// </summary>
    public static EventStoreOptions CreateOptions(byte[]? masterKey = null)
    {
        var options = new EventStoreOptions { Schema = Schema };
        // The domain has its own [EventType] attribute (it takes no dependency on the store), so
        // register its events by name here rather than with RegisterAssembly.
        foreach (var (name, type) in EventTypes.ByName) options.Events.Register(type, name);
        if (masterKey is null) return options;
        options.Encryption = new StreamEncryptionOptions(masterKey);
        foreach (var (type, clear) in DescriptiveEvents.All) options.Encryption.Protect(EventTypes.NameOf(type), clear);
        return options;
    }

    public static IServiceCollection AddArchiveEventStore(this IServiceCollection services)
    {
        services.AddSingleton(sp =>
        {
            var data = sp.GetRequiredService<ArchiveDatabase>();
            var options = CreateOptions(MasterKey.Load(sp.GetRequiredService<IConfiguration>(), data.DataFolder));
            // The dossier and document lists commit with the events: access decisions over many records read the
            // regimes there (RecordAccess), so they are never stale.
            options.InlineProjections.Add(new RecordListProjection());
            return new Store(sp.GetRequiredService<NpgsqlDataSource>(), options);
        });
        services.AddSingleton<RecordsRepository>();
        services.AddSingleton<SearchProjection>();
        services.AddSingleton<IAsyncProjection>(sp => sp.GetRequiredService<SearchProjection>());
        services.AddHostedService<ProjectionDaemonService>();
        return services;
    }
}

/// <summary>Runs the <see cref="ProjectionDaemon"/>: each projection in its own loop, processed by the one instance holding its lease.</summary>
internal sealed class ProjectionDaemonService(Store store, IEnumerable<IAsyncProjection> projections, ILogger<ProjectionDaemonService> log)
    : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var daemon = new ProjectionDaemon(store, projections, new ProjectionDaemonOptions
        {
            OnError = e => log.LogError(e, "Projection daemon error"),
        });
        return Task.Run(() => daemon.RunAsync(stoppingToken), stoppingToken);
    }
}
