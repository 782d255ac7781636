using System.Diagnostics;
using System.Security.Cryptography;
using Archive.EventStore;
using Archive.EventStore.Encryption;
using static Archive.Bench.Report;

namespace Archive.Bench.Suites;

using EventStore = Archive.EventStore.EventStore;

[EventType("bench.secret.v1")]
public sealed record BenchSecret(int N, string Text);

/// <summary>
/// What per-stream encryption costs: appends and stream reads of a protected event type against the same
/// store's unprotected type (same shape, same schema, alternating rounds in one run), then shredding and the
/// VACUUM FULL of the key table.
/// </summary>
public static class ShredSuite
{
    private const string Text = "Hồ sơ về việc thu hồi đất, bồi thường, hỗ trợ và tái định cư khu dân cư số 3.";
    private static readonly TimeSpan Measure = TimeSpan.FromSeconds(2);
    private const int Rounds = 3;
    private const int Streams = 2_000;

    public static async Task RunAsync(BenchDatabase db)
    {
        await db.ExecAsync("drop schema if exists bench_enc cascade");
        var options = new EventStoreOptions { Schema = "bench_enc" };
        options.Events.Register<BenchHappened>("bench.happened.v1").Register<BenchSecret>("bench.secret.v1");
        options.Encryption = new StreamEncryptionOptions(RandomNumberGenerator.GetBytes(32)).Protect("bench.secret.v1");
        var store = new EventStore(db.DataSource, options);
        await store.MigrateAsync();
        Console.WriteLine($"# shred suite: {Environment.ProcessorCount} cores, {Rounds} alternating rounds of {Measure.TotalSeconds}s");

        async Task<(double Protected, double Plain)> Appends(int writers)
        {
            double prot = 0, plain = 0;
            for (var round = 0; round < Rounds; round++)
            {
                plain += await RateAsync(writers, (w, n) => store.AppendAsync($"a-plain-{writers}-{w}-{round}", ExpectedVersion.Exactly(n),
                    [new BenchHappened((int)n, Text)]));
                prot += await RateAsync(writers, (w, n) => store.AppendAsync($"a-prot-{writers}-{w}-{round}", ExpectedVersion.Exactly(n),
                    [new BenchSecret((int)n, Text)]));
            }
            Console.WriteLine($"{writers} writer(s), 1 event/tx: protected {prot / Rounds:F0} events/s, plain {plain / Rounds:F0} events/s");
            return (prot / Rounds, plain / Rounds);
        }
        var one = await Appends(1);
        var eight = await Appends(8);

        // Reads: streams of five events, read whole.
        for (var i = 0; i < Streams; i++)
        {
            await store.AppendAsync($"r-plain-{i}", ExpectedVersion.NoStream, Enumerable.Range(0, 5).Select(n => (object)new BenchHappened(n, Text)).ToArray());
            await store.AppendAsync($"r-prot-{i}", ExpectedVersion.NoStream, Enumerable.Range(0, 5).Select(n => (object)new BenchSecret(n, Text)).ToArray());
        }
        double readProt = 0, readPlain = 0;
        for (var round = 0; round < Rounds; round++)
        {
            readPlain += await ReadRateAsync(store, "r-plain-");
            readProt += await ReadRateAsync(store, "r-prot-");
        }
        readProt /= Rounds;
        readPlain /= Rounds;
        Console.WriteLine($"read 5-event streams: protected {readProt:F0} streams/s, plain {readPlain:F0} streams/s");

        var shredIds = Enumerable.Range(0, 1000).Select(i => $"r-prot-{i}").ToArray();
        var sw = Stopwatch.StartNew();
        await using (var conn = await db.DataSource.OpenConnectionAsync())
        await using (var tx = await conn.BeginTransactionAsync())
        {
            await store.ShredStreamsAsync(shredIds, conn, tx);
            await tx.CommitAsync();
        }
        var shredMs = sw.Elapsed.TotalMilliseconds;
        sw.Restart();
        await db.ExecAsync("vacuum full bench_enc.stream_keys");
        var vacuumMs = sw.Elapsed.TotalMilliseconds;
        long keys;
        await using (var count = db.DataSource.CreateCommand("select count(*) from bench_enc.stream_keys"))
            keys = (long)(await count.ExecuteScalarAsync())!;
        Console.WriteLine($"shred 1,000 streams in one transaction: {shredMs:F0} ms; vacuum full of {keys} key rows: {vacuumMs:F0} ms");

        Figure("shred_append_protected_1_writer_events_per_s", one.Protected, "events/s");
        Figure("shred_append_plain_1_writer_events_per_s", one.Plain, "events/s");
        Figure("shred_append_ratio_1_writer", one.Protected / one.Plain, "ratio");
        Figure("shred_append_protected_8_writers_events_per_s", eight.Protected, "events/s");
        Figure("shred_append_plain_8_writers_events_per_s", eight.Plain, "events/s");
        Figure("shred_append_ratio_8_writers", eight.Protected / eight.Plain, "ratio");
        Figure("shred_read_protected_streams_per_s", readProt, "streams/s");
        Figure("shred_read_plain_streams_per_s", readPlain, "streams/s");
        Figure("shred_read_ratio", readProt / readPlain, "ratio");
        Figure("shred_1000_streams_ms", shredMs, "ms");
        Figure("shred_vacuum_full_keys_ms", vacuumMs, "ms");
    }

    /// <summary>Events per second over <see cref="Measure"/>; each writer appends to its own stream, version after version.</summary>
    private static async Task<double> RateAsync(int writers, Func<int, long, Task> append)
    {
        var total = 0L;
        var stop = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            long n = 0;
            while (stop.Elapsed < Measure) { await append(w, n); n++; }
            Interlocked.Add(ref total, n);
        })));
        return total / stop.Elapsed.TotalSeconds;
    }

    private static async Task<double> ReadRateAsync(EventStore store, string prefix)
    {
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < Streams; i++)
            if ((await store.ReadStreamAsync(prefix + i)).Count != 5) throw new InvalidOperationException("short stream");
        return Streams / sw.Elapsed.TotalSeconds;
    }
}
