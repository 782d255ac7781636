using JasperFx;
using JasperFx.CodeGeneration;
using JasperFx.Resources;
using Npgsql;
using Wolverine;
using Wolverine.ErrorHandling;
using Wolverine.Postgresql;
using Wolverine.RDBMS;
using Wolverine.Runtime;

namespace Archive.Api.Features.Digitization;

/// <summary>The message that asks a worker to run (or go on with) one digitization job; the job row holds its state.</summary>
public sealed record DigitizeDocument(string JobId);

/// <summary>A job whose attempts are used up: Wolverine moves its message to the dead letters (no further retry).</summary>
public sealed class DigitizationDeadLetteredException(string message) : Exception(message);

/// <summary>
/// The digitization queue on WolverineFx (PostgreSQL persistence and transport, schema <c>wolverine</c> in the archive's own
/// database). Every host sends (the upload's transaction writes the message to Wolverine's outbox table); only hosts with
/// <c>WorkersEnabled</c> listen, each taking as many messages at a time as it runs workers. Handler code is generated ahead
/// of time (<c>dotnet run --project src/Archive.Api -- codegen write</c>, checked in under <c>Internal/Generated</c>) and
/// loaded with <see cref="TypeLoadMode.Static"/>: no Roslyn at run time.
/// </summary>
public static class DigitizationMessaging
{
    public const string Schema = "wolverine";
    public const string QueueName = "digitization";

    public static IServiceCollection AddDigitizationMessaging(this IServiceCollection services, IConfiguration configuration)
    {
        var o = configuration.GetSection("Archive:Digitization").Get<DigitizationOptions>() ?? new DigitizationOptions();
        services.AddWolverine(ExtensionDiscovery.ManualOnly, opts =>
        {
            opts.ApplicationAssembly = typeof(DigitizeDocument).Assembly;
            opts.ServiceName = "archive";
            opts.CodeGeneration.TypeLoadMode = TypeLoadMode.Static;
            opts.Discovery.DisableConventionalDiscovery().IncludeType(typeof(DigitizeDocumentHandler));
            opts.PersistMessagesWithPostgresqlUsingDataSourceFromContainer(sp => sp.GetRequiredService<NpgsqlDataSource>(), Schema)
                .EnableMessageTransport(t => t.TransportSchemaName(Schema));
            opts.AutoBuildMessageStorageOnStartup = JasperFx.AutoCreate.CreateOrUpdate;
            opts.Durability.Mode = DurabilityMode.Balanced;
            // A dead node is noticed after StaleNodeSeconds; its inbox (the items it held) goes back to the queue for the others.
            var stale = TimeSpan.FromSeconds(Math.Max(2, o.StaleNodeSeconds));
            opts.Durability.StaleNodeTimeout = stale;
            opts.Durability.HealthCheckPollingTime = stale / 4;
            opts.Durability.FirstHealthCheckExecution = TimeSpan.FromSeconds(Math.Min(1, stale.TotalSeconds / 4));
            opts.Durability.NodeReassignmentPollingTime = stale / 4;
            opts.Durability.FirstNodeReassignmentExecution = TimeSpan.FromSeconds(Math.Min(1, stale.TotalSeconds / 4));
            opts.Durability.ScheduledJobPollingTime = TimeSpan.FromSeconds(Math.Max(0.2, o.PollSeconds));
            opts.Durability.ScheduledJobFirstExecution = TimeSpan.FromSeconds(Math.Max(0.2, o.PollSeconds));
            // OCR of a long scan takes minutes: the handler's own timeout (OcrTimeoutSeconds) is the limit, not Wolverine's default.
            opts.DefaultExecutionTimeout = TimeSpan.FromSeconds(o.OcrTimeoutSeconds + 300);

            // Retries with doubling backoff until the job row says the attempts are used up; then the dead letters.
            opts.OnException<DigitizationDeadLetteredException>().MoveToErrorQueue();
            opts.OnException<Exception>().ScheduleRetryIndefinitely(
                [.. Enumerable.Range(0, 8).Select(i => TimeSpan.FromSeconds(o.RetryDelaySeconds * Math.Pow(2, i)))]);

            opts.PublishMessage<DigitizeDocument>().ToPostgresqlQueue(QueueName).UseDurableOutbox();
            if (o.WorkersEnabled)
            {
                var workers = o.EffectiveWorkers;
                // Never more messages in this process than it runs at once: the rest stay in the queue for the other workers.
                // (Wolverine's recovery of a dead node's items takes at most Maximum - queued - 1 at a time: hence workers + 1.)
                opts.ListenToPostgresqlQueue(QueueName)
                    .MaximumMessagesToReceive(workers)
                    .PollingInterval(TimeSpan.FromSeconds(Math.Max(0.1, o.PollSeconds)))
                    .MaximumParallelMessages(workers)
                    .UseDurableInbox(new Wolverine.Transports.BufferingLimits(workers + 1, workers));
            }
            else
            {
                // A host without workers only sends. Wolverine's cluster hands a dead node's inbox to the one node running
                // the database's durability agent, which re-delivers only to listeners it has itself: a sending-only host
                // must never hold that agent (nor lead). Wolverine's Warmup role is exactly that: in the cluster, never
                // leading, never handling or recovering messages. Its outbox still writes inside our transactions.
                opts.Durability.NodeRole = NodeRole.Warmup;
                opts.Durability.LeadershipEligible = false;
            }
        });
        services.AddResourceSetupOnStartup();
        return services;
    }

    /// <summary>
    /// The one way a job is queued: its row and its message written in the caller's transaction (the one that appends its
    /// <c>document.digitization.queued.v1</c>). Hand the returned message to <see cref="FlushAfterCommitAsync"/>.
    /// </summary>
    public static async Task<MessageContext> QueueInTransactionAsync(IWolverineRuntime runtime, NpgsqlConnection conn, NpgsqlTransaction tx,
        string jobId, string documentId, int sourceVersion, string sourceSha256, string? batch, CancellationToken ct)
    {
        await DigitizationQueue.EnqueueAsync(conn, tx, jobId, documentId, sourceVersion, sourceSha256, batch, ct);
        return await SendInTransactionAsync(runtime, tx, jobId);
    }

    /// <summary>
    /// Hands messages to the queue once the transaction they were written in has committed: at once when the caller committed
    /// it, or when the request's Idempotency-Key transaction commits (never when it rolls back; a flush lost to a crash is
    /// recovered from the outbox by Wolverine).
    /// </summary>
    public static Task FlushAfterCommitAsync(HttpContext? http, IReadOnlyCollection<MessageContext> messages)
    {
        if (messages.Count == 0) return Task.CompletedTask;
        async Task Flush() { foreach (var m in messages) await m.FlushOutgoingMessagesAsync(); }
        if (Infrastructure.Idempotency.IdempotencyClaim.Of(http) is { } claim) { claim.AfterCommit(Flush); return Task.CompletedTask; }
        return Flush();
    }

    /// <summary>
    /// Writes <see cref="DigitizeDocument"/> to Wolverine's outbox inside <paramref name="tx"/> (the transaction that appends the
    /// queued event and inserts the job row), and hands it to the queue once the caller has committed (<c>FlushAsync</c>). If the
    /// process dies between the commit and the flush, the outbox row is recovered by Wolverine on another node.
    /// </summary>
    public static async Task<MessageContext> SendInTransactionAsync(IWolverineRuntime runtime, NpgsqlTransaction tx, string jobId)
    {
        var context = new MessageContext(runtime);
        var database = runtime.Storage as IMessageDatabase
            ?? throw new InvalidOperationException("Wolverine's message store is not the archive's PostgreSQL database.");
        await context.EnlistInOutboxAsync(new DatabaseEnvelopeTransaction(database, tx));
        await context.SendAsync(new DigitizeDocument(jobId));
        return context;
    }
}
