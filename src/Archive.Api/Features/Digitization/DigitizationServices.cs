using Archive.Api.Infrastructure.Search;
using Npgsql;

namespace Archive.Api.Features.Digitization;

public static class DigitizationServices
{
    /// <summary>Queue, intake, OCR engine, page-text index and Wolverine (listening when this host's workers are enabled); settings <c>Archive:Digitization</c>.</summary>
    public static IServiceCollection AddDigitization(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DigitizationOptions>().Bind(configuration.GetSection("Archive:Digitization"));
        services.AddSingleton<DigitizationQueue>();
        services.AddSingleton<DigitizationIntake>();
        services.AddSingleton<OcrEngine>();
        services.AddSingleton<PageTextIndex>();
        services.AddSingleton<DigitizationProcessor>();
        services.AddSingleton<DigitizationWorker>();
        services.AddDigitizationMessaging(configuration);
        services.AddHostedService<DigitizationWarmup>();
        return services;
    }

    /// <summary>Tables of the queue and of the page texts (run at start-up with the API schema).</summary>
    public static async Task EnsureSchemaAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var l = new NpgsqlCommand("select pg_advisory_xact_lock(hashtext('archive_api.schema'))", conn, tx)) await l.ExecuteScalarAsync(ct);
        await using (var cmd = new NpgsqlCommand(DigitizationQueue.Ddl + PageTextIndex.Ddl, conn, tx)) await cmd.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
    }
}

/// <summary>
/// On a worker host, reads the OCR engine's versions (recorded on every conversion event) as the host starts instead of in
/// the first job: <c>ocrmypdf --version</c>, <c>tesseract --version</c>, <c>dpkg-query</c> and the SHA-256 of the language
/// data cost about a second, which the first item of every worker process paid (docs/benchmarks.md, <c>digitize</c>).
/// </summary>
internal sealed class DigitizationWarmup(OcrEngine engine, Microsoft.Extensions.Options.IOptions<DigitizationOptions> options) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        options.Value.WorkersEnabled ? Task.Run(() => _ = engine.LanguageData, stoppingToken) : Task.CompletedTask;
}
