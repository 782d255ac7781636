using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Archive.EventStore;
using Archive.EventStore.Integrity;
using Npgsql;
using NpgsqlTypes;

namespace Archive.Bench.Suites;

// Inside Archive.*, "EventStore" alone names the namespace Archive.EventStore.
using EventStore = Archive.EventStore.EventStore;

[EventType("bench.happened.v1")]
public sealed record BenchHappened(int N, string Text);

/// <summary>
/// The store's append, and Marten's quick append as the measured peer (<see cref="MartenPeer"/>), against a
/// plain INSERT of rows of the same shape (same columns, same unique key, positions from a sequence, one
/// statement per transaction), then a projection rebuild over a million events.
/// </summary>
public static class AppendSuite
{
    private const string Text = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod.";
    // ARCHIVE_BENCH_QUICK=1: short measurements and no rebuild, for trying changes.
    private static readonly bool Quick = Environment.GetEnvironmentVariable("ARCHIVE_BENCH_QUICK") == "1";
    private static readonly TimeSpan Measure = TimeSpan.FromSeconds(Quick ? 1.5 : 2.5);
    private static readonly TimeSpan Warmup = TimeSpan.FromSeconds(0.5);
    private const int Rounds = 3;
    private const int BatchWriters = 4;
    private const int RebuildEvents = 1_000_000;

    public static async Task RunAsync(BenchDatabase db)
    {
        await db.ExecAsync("""
            drop schema if exists bench_store cascade;
            drop schema if exists bench_plain cascade;
            create schema bench_plain;
            create table bench_plain.events (
                position bigserial primary key, stream_id text not null, version bigint not null, type text not null,
                data jsonb not null, metadata jsonb not null, recorded_at timestamptz not null default clock_timestamp(),
                hash bytea not null, previous_hash bytea, tx_id xid8 not null default pg_current_xact_id(),
                unique (stream_id, version));
            """);
        var options = new EventStoreOptions { Schema = "bench_store" };
        options.Events.Register<BenchHappened>("bench.happened.v1");
        var store = new EventStore(db.DataSource, options);
        await store.MigrateAsync();
        using var marten = await MartenPeer.CreateAsync(db);
        Console.WriteLine($"# append suite: {Environment.ProcessorCount} cores, {Rounds} alternating rounds of {Measure.TotalSeconds}s per measurement");

        var runId = 0;
        // Plain and store alternate in short rounds so that disk noise from other work on the
        // machine falls on both alike; each writer keeps one stream across its rounds.
        async Task<(double Store, double Plain, double Marten)> Compare(string label, int writers, int batch)
        {
            var id = ++runId;
            var plainVersions = new long[writers];
            var storeVersions = new long[writers];
            var martenVersions = new long[writers];
            double plain = 0, stored = 0, martens = 0;
            for (var round = 0; round < Rounds; round++)
            {
                plain += await ThroughputAsync(writers, plainVersions, async (w, version) =>
                {
                    await PlainInsertAsync(db.DataSource, $"p{id}-w{w}", version, batch);
                    return batch;
                });
                stored += await ThroughputAsync(writers, storeVersions, async (w, version) =>
                {
                    var events = Enumerable.Range(0, batch).Select(i => (object)new BenchHappened((int)version + i, Text)).ToArray();
                    await store.AppendAsync($"s{id}-w{w}", version == 0 ? ExpectedVersion.NoStream : ExpectedVersion.Exactly(version), events,
                        new EventMetadata { Actor = "bench", CorrelationId = "c" });
                    return batch;
                });
                martens += await ThroughputAsync(writers, martenVersions, async (w, version) =>
                {
                    await marten.AppendAsync($"m{id}-w{w}", version, Enumerable.Range(0, batch).Select(i => (object)new BenchHappened((int)version + i, Text)).ToArray());
                    return batch;
                });
            }
            plain /= Rounds;
            stored /= Rounds;
            martens /= Rounds;
            Console.WriteLine($"{label}: store {stored:F0} events/s, Marten {martens:F0} events/s, plain INSERT {plain:F0} events/s, " +
                $"ratios {stored / plain:F2} and {martens / plain:F2}");
            return (stored, plain, martens);
        }

        var one = await Compare("1 writer, 1 event/tx", 1, 1);
        var many = await Compare("32 writers, 1 event/tx", 32, 1);
        var batched = await Compare($"{BatchWriters} writers, 100 events/tx", BatchWriters, 100);

        var rebuild = Quick ? double.NaN : await RebuildAsync(db, store);

        Figure("append_store_1_writer_events_per_s", one.Store, "events/s");
        Figure("append_plain_1_writer_events_per_s", one.Plain, "events/s");
        Figure("append_ratio_1_writer", one.Store / one.Plain, "ratio");
        Figure("append_store_32_writers_events_per_s", many.Store, "events/s");
        Figure("append_plain_32_writers_events_per_s", many.Plain, "events/s");
        Figure("append_ratio_32_writers", many.Store / many.Plain, "ratio");
        Figure("append_batched_events_per_s", batched.Store, "events/s");
        Figure("append_plain_batched_events_per_s", batched.Plain, "events/s");
        Figure("append_ratio_batched", batched.Store / batched.Plain, "ratio");
        Figure("append_marten_1_writer_events_per_s", one.Marten, "events/s");
        Figure("append_marten_ratio_1_writer", one.Marten / one.Plain, "ratio");
        Figure("append_marten_32_writers_events_per_s", many.Marten, "events/s");
        Figure("append_marten_ratio_32_writers", many.Marten / many.Plain, "ratio");
        Figure("append_marten_batched_events_per_s", batched.Marten, "events/s");
        Figure("append_marten_batched_ratio", batched.Marten / batched.Plain, "ratio");
        Figure("rebuild_events_per_s", rebuild, "events/s");
    }

    private static void Figure(string name, double value, string unit) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"figure {name} {(unit == "ratio" ? value.ToString("F3", CultureInfo.InvariantCulture) : value.ToString("F0", CultureInfo.InvariantCulture))} {unit}"));

    /// <summary>
    /// Writers loop for the warm-up plus the measurement; only events completed inside the
    /// measurement window count. Each writer owns its stream; <c>version</c> is its current version.
    /// </summary>
    private static async Task<double> ThroughputAsync(int writers, long[] versions, Func<int, long, Task<int>> write)
    {
        var start = Stopwatch.StartNew();
        var from = Warmup;
        var to = Warmup + Measure;
        var counts = new long[writers];
        long all = 0;
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            while (start.Elapsed < to)
            {
                var n = await write(w, versions[w]);
                versions[w] += n;
                Interlocked.Add(ref all, n);
                var at = start.Elapsed;
                if (at >= from && at < to) counts[w] += n;
            }
        })));
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu0;
        if (Environment.GetEnvironmentVariable("ARCHIVE_BENCH_CPU") == "1")
            Console.WriteLine($"#   client CPU {cpu.TotalMicroseconds / all:F0} us per event ({all} events, warm-up included)");
        return counts.Sum() / Measure.TotalSeconds;
    }

    private static readonly string MetaJson = """{"actor": "bench", "correlationId": "c", "headers": {}}""";

    private static async Task PlainInsertAsync(NpgsqlDataSource ds, string stream, long version, int count)
    {
        var versions = new long[count];
        var data = new string[count];
        var hashes = new byte[count][];
        for (var i = 0; i < count; i++)
        {
            versions[i] = version + i + 1;
            data[i] = $$"""{"n": {{version + i}}, "text": "{{Text}}"}""";
            hashes[i] = SHA256.HashData(Encoding.UTF8.GetBytes(data[i]));
        }
        await using var cmd = ds.CreateCommand(count == 1
            ? "insert into bench_plain.events (stream_id, version, type, data, metadata, hash) values ($1, $2[1], 'bench.happened.v1', $3[1], $4, $5[1])"
            : "insert into bench_plain.events (stream_id, version, type, data, metadata, hash) " +
              "select $1, v, 'bench.happened.v1', d, $4, h from unnest($2::bigint[], $3::jsonb[], $5::bytea[]) as t(v, d, h)");
        cmd.Parameters.AddWithValue(stream);
        cmd.Parameters.AddWithValue(versions);
        cmd.Parameters.Add(new NpgsqlParameter { Value = data, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
        cmd.Parameters.Add(new NpgsqlParameter { Value = MetaJson, NpgsqlDbType = NpgsqlDbType.Jsonb });
        cmd.Parameters.AddWithValue(hashes);
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>COPYs a million valid, hash-chained events into the store's tables, then times a rebuild.</summary>
    private static async Task<double> RebuildAsync(BenchDatabase db, EventStore store)
    {
        const int perStream = 100;
        var load = Stopwatch.StartNew();
        await using (var conn = await db.DataSource.OpenConnectionAsync())
        {
            await using var tx = await conn.BeginTransactionAsync();
            // Positions follow the store's rule (docs/architecture.md): (xid << 20) + offset.
            long txId;
            await using (var cmd = new NpgsqlCommand("select pg_current_xact_id()::text::bigint", conn, tx))
                txId = (long)(await cmd.ExecuteScalarAsync())!;
            var next = txId << 20;
            var recordedAt = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
            const string recordedText = "2026-01-01 00:00:00+00";
            await using (var writer = await conn.BeginTextImportAsync(
                "copy bench_store.events (position, stream_id, version, type, data, metadata, recorded_at, hash, previous_hash, tx_id) from stdin"))
            {
                byte[]? prev = null;
                for (var i = 0; i < RebuildEvents; i++)
                {
                    var stream = $"rebuild-{i / perStream}";
                    var version = i % perStream + 1;
                    if (version == 1) prev = null;
                    var data = $$"""{"n": {{i}}, "text": "{{Text}}"}""";
                    var hash = EventHash.Compute(prev, stream, version, "bench.happened.v1", data, MetaJson, recordedAt);
                    await writer.WriteAsync(string.Create(CultureInfo.InvariantCulture,
                        $"{next + i}\t{stream}\t{version}\tbench.happened.v1\t{data}\t{MetaJson}\t{recordedText}\t\\\\x{Convert.ToHexStringLower(hash)}\t{(prev is null ? "\\N" : "\\\\x" + Convert.ToHexStringLower(prev))}\t{txId}\n"));
                    prev = hash;
                }
            }
            await using (var cmd = new NpgsqlCommand(
                "insert into bench_store.streams (id, type, version, created, updated, last_hash, last_previous_hash) " +
                "select distinct on (stream_id) stream_id, 'rebuild', version, recorded_at, recorded_at, hash, previous_hash from bench_store.events " +
                "where stream_id like 'rebuild-%' order by stream_id, version desc", conn, tx) { CommandTimeout = 0 })
                await cmd.ExecuteNonQueryAsync();
            await tx.CommitAsync();
        }
        await db.ExecAsync("analyze bench_store.events");
        Console.WriteLine($"# loaded {RebuildEvents:N0} events by COPY in {load.Elapsed.TotalSeconds:F1}s");

        await db.ExecAsync("create table if not exists bench_plain.counts (type text primary key, events bigint not null)");
        var projection = new CountByTypeProjection();
        var daemon = new ProjectionDaemon(store, [projection], new ProjectionDaemonOptions { BatchSize = 5000 });
        long total;
        await using (var cmd = db.DataSource.CreateCommand("select count(*) from bench_store.events")) total = (long)(await cmd.ExecuteScalarAsync())!;

        var sw = Stopwatch.StartNew();
        await daemon.RebuildAsync(projection.Name);
        sw.Stop();
        await using (var cmd = db.DataSource.CreateCommand("select coalesce(sum(events), 0)::bigint from bench_plain.counts"))
        {
            var counted = (long)(await cmd.ExecuteScalarAsync())!;
            if (counted != total) throw new InvalidOperationException($"rebuild counted {counted} events, the store holds {total}");
        }
        var rate = total / sw.Elapsed.TotalSeconds;
        Console.WriteLine($"rebuild of a count-by-type projection: {total:N0} events in {sw.Elapsed.TotalSeconds:F1}s = {rate:F0} events/s");
        return rate;
    }

    private sealed class CountByTypeProjection : IAsyncProjection
    {
        public string Name => "bench_count_by_type";

        public async Task ApplyAsync(IReadOnlyList<RecordedEvent> events, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
        {
            var counts = events.GroupBy(e => e.TypeName).ToDictionary(g => g.Key, g => (long)g.Count());
            await using var cmd = new NpgsqlCommand(
                "insert into bench_plain.counts select * from unnest($1::text[], $2::bigint[]) " +
                "on conflict (type) do update set events = counts.events + excluded.events", connection, transaction);
            cmd.Parameters.AddWithValue(counts.Keys.ToArray());
            cmd.Parameters.AddWithValue(counts.Values.ToArray());
            await cmd.ExecuteNonQueryAsync(ct);
        }

        public async Task ResetAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
        {
            await using var cmd = new NpgsqlCommand("delete from bench_plain.counts", connection, transaction);
            await cmd.ExecuteNonQueryAsync(ct);
        }
    }
}
