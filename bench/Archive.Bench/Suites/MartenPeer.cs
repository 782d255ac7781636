using JasperFx;
using JasperFx.Events;
using Marten;
using Npgsql;

namespace Archive.Bench.Suites;

/// <summary>
/// Marten, the measured peer of Archive.EventStore (docs/architecture.md, "Why the archive keeps its own event store"),
/// set up as a team moving to it would: quick append, string stream keys, mapped event names, correlation id and
/// headers on (the metadata our store records: actor and correlation id), on the same cluster as the baseline.
/// </summary>
public sealed class MartenPeer : IDisposable
{
    public const string Schema = "bench_marten";
    private readonly DocumentStore _store;

    private MartenPeer(DocumentStore store) => _store = store;

    public static async Task<MartenPeer> CreateAsync(BenchDatabase db)
    {
        await db.ExecAsync($"drop schema if exists {Schema} cascade");
        var store = DocumentStore.For(o =>
        {
            o.Connection(db.DataSource);
            o.DatabaseSchemaName = Schema;
            o.AutoCreateSchemaObjects = AutoCreate.All;
            o.DisableNpgsqlLogging = true;
            o.Events.StreamIdentity = StreamIdentity.AsString;
            o.Events.AppendMode = EventAppendMode.Quick;
            o.Events.MetadataConfig.CorrelationIdEnabled = true;
            o.Events.MetadataConfig.HeadersEnabled = true;
            o.Events.MapEventType<BenchHappened>("bench.happened.v1");
        });
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        var peer = new MartenPeer(store);
        await peer.ProbeQuickAppendAsync();
        return peer;
    }

    /// <summary>Fails the run unless a versioned append really goes through Marten's quick-append function.</summary>
    private async Task ProbeQuickAppendAsync()
    {
        var sql = new SqlRecorder();
        await AppendAsync("probe", 0, [new BenchHappened(0, "probe")]);
        await AppendAsync("probe", 1, [new BenchHappened(1, "probe")], sql);
        if (!sql.Text.Contains("mt_quick_append_events", StringComparison.Ordinal))
            throw new InvalidOperationException("Marten did not use quick append for a versioned append:\n" + sql.Text);
    }

    /// <summary>
    /// Appends <paramref name="events"/> to <paramref name="stream"/> now at <paramref name="version"/>, in one
    /// transaction, with the optimistic version check our store makes (Marten's expected version is the one after).
    /// </summary>
    public async Task AppendAsync(string stream, long version, object[] events) => await AppendAsync(stream, version, events, null);

    private async Task AppendAsync(string stream, long version, object[] events, IMartenSessionLogger? logger)
    {
        await using var session = _store.LightweightSession();
        if (logger is not null) session.Logger = logger;
        session.CorrelationId = "c";
        session.SetHeader("actor", "bench");
        if (version == 0) session.Events.StartStream(stream, events);
        else session.Events.Append(stream, version + events.Length, events);
        await session.SaveChangesAsync();
    }

    public void Dispose() => _store.Dispose();

    private sealed class SqlRecorder : IMartenSessionLogger
    {
        private readonly System.Text.StringBuilder _sql = new();
        public string Text => _sql.ToString();
        public void OnBeforeExecute(NpgsqlCommand command) => _sql.AppendLine(command.CommandText);
        public void OnBeforeExecute(NpgsqlBatch batch) { foreach (var c in batch.BatchCommands) _sql.AppendLine(c.CommandText); }
        public void LogSuccess(NpgsqlCommand command) { }
        public void LogFailure(NpgsqlCommand command, Exception ex) { }
        public void LogSuccess(NpgsqlBatch batch) { }
        public void LogFailure(NpgsqlBatch batch, Exception ex) { }
        public void LogFailure(Exception ex, string message) { }
        public void RecordSavedChanges(IDocumentSession session, Marten.Services.IChangeSet commit) { }
    }
}
