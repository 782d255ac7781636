namespace Archive.Api.Infrastructure.Jobs;

public static class JobServices
{
    /// <summary>The runner and its host loop; settings from <c>Archive:Jobs</c>.</summary>
    public static IServiceCollection AddArchiveJobs(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<JobRunnerOptions>().Bind(configuration.GetSection("Archive:Jobs"));
        services.AddSingleton<JobRunner>();
        services.AddHostedService<JobRunnerService>();
        return services;
    }

    /// <summary>Schedules <typeparamref name="TJob"/> (a singleton) with the job runner: one line per job.</summary>
    public static IServiceCollection AddScheduledJob<TJob>(this IServiceCollection services) where TJob : class, IScheduledJob
    {
        services.AddSingleton<TJob>();
        services.AddSingleton<IScheduledJob>(sp => sp.GetRequiredService<TJob>());
        return services;
    }
}
