using Archive.Api.Features.Holds;
using Archive.Api.Features.Retention;
using Archive.EventStore;

namespace Archive.Api.Features.Disposition;

/// <summary>One registration and one mapping for retention, holds and disposition, so Program.cs gains two lines.</summary>
public static class DispositionSetup
{
    public static IServiceCollection AddDisposition(this IServiceCollection services)
    {
        services.AddSingleton<DispositionStore>();
        services.AddSingleton<DestructionExecutor>();
        services.AddSingleton<ReviewProjection>();
        services.AddSingleton<IAsyncProjection>(sp => sp.GetRequiredService<ReviewProjection>());
        return services;
    }

    public static IEndpointRouteBuilder MapDisposition(this IEndpointRouteBuilder routes) =>
        routes.MapRetention().MapHolds().MapDispositionWorkflow();
}
