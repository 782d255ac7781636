using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Archive.Api.Features.Audit;
using Archive.Api.Infrastructure.Content;
using Archive.Cli.Audit;
using Archive.EventStore;
using Archive.EventStore.Integrity;
using Archive.EventStore.Integrity.Seals;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Archive.Bench.Suites;

using EventStore = Archive.EventStore.EventStore;

/// <summary>
/// The auditor's checks at scale: hash chains and seals over N events (default 1,000,000) against a plain
/// sequential read of the same event table, and blob fixity over B bytes (default 10 GB) against
/// <c>sha256sum</c> over the same files, all in one run. Sizes: ARCHIVE_BENCH_AUDIT_EVENTS, ARCHIVE_BENCH_AUDIT_GB.
/// </summary>
public static class AuditSuite
{
    private const int EventsPerAppend = 100, EventsPerStream = 100, Writers = 4;
    private const long BlobBytes = 256L * 1024 * 1024;
    private const string Text = "Quyết định về việc ban hành quy chế làm việc của Ủy ban nhân dân tỉnh.";

    public static async Task RunAsync(BenchDatabase db)
    {
        var events = long.Parse(Environment.GetEnvironmentVariable("ARCHIVE_BENCH_AUDIT_EVENTS") ?? "1000000", CultureInfo.InvariantCulture);
        var gigabytes = double.Parse(Environment.GetEnvironmentVariable("ARCHIVE_BENCH_AUDIT_GB") ?? "10", CultureInfo.InvariantCulture);
        Console.WriteLine($"# audit suite: {events} events, {gigabytes} GB of blobs, {Environment.ProcessorCount} cores");

        await db.ExecAsync("drop schema if exists bench_audit cascade");
        var options = new EventStoreOptions { Schema = "bench_audit" };
        options.Events.Register<BenchHappened>("bench.happened.v1");
        var store = new EventStore(db.DataSource, options);
        await store.MigrateAsync();
        await FillAsync(store, events);
        await db.ExecAsync("vacuum analyze bench_audit.events");

        using var key = RSA.Create(2048);
        using var cert = new CertificateRequest("CN=bench seal", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var signer = new CmsSealSigner(cert);
        var sealing = new SealService(store, signer);
        await sealing.EnsureSchemaAsync();
        var sw = Stopwatch.StartNew();
        var sealedEvents = 0L;
        while (await sealing.SealOnceAsync() is { } seal) sealedEvents += seal.EventCount;
        var sealSeconds = sw.Elapsed.TotalSeconds;
        Console.WriteLine($"sealed {sealedEvents} events in {sealSeconds:F1} s");

        // Alternate baseline and checks twice; keep each one's faster run (the second sees a warm cache for both).
        double read = double.MaxValue, chains = double.MaxValue, seals = double.MaxValue;
        for (var round = 0; round < 2; round++)
        {
            read = Math.Min(read, await TimeAsync(() => SequentialReadAsync(db.DataSource, events)));
            chains = Math.Min(chains, await TimeAsync(async () =>
                (await new HashChainVerifier(db.DataSource, "bench_audit").VerifyAsync()).Count.ShouldBeZero("chain breaks")));
            seals = Math.Min(seals, await TimeAsync(async () =>
            {
                var report = await new SealVerifier(db.DataSource, "bench_audit", signer).VerifyAsync();
                report.Intact.ShouldBeTrue("seal findings");
                report.SealedEventCount.ShouldBe(events, "sealed events");
            }));
            Console.WriteLine($"round {round + 1}: table read {read:F1} s, hash chains {chains:F1} s, seals {seals:F1} s");
        }

        var (fixity, sha256sum, bytes) = await BlobsAsync(db, store, (long)(gigabytes * 1e9));

        Report.Figure("audit_events", events, "events");
        Report.Figure("audit_seal_create_events_per_s", sealedEvents / sealSeconds, "events/s");
        Report.Figure("audit_table_read_s", read, "s");
        Report.Figure("audit_chain_verify_s", chains, "s");
        Report.Figure("audit_seal_verify_s", seals, "s");
        Report.Figure("audit_chain_vs_read_ratio", chains / read, "ratio");
        Report.Figure("audit_seal_vs_read_ratio", seals / read, "ratio");
        Report.Figure("audit_blob_bytes", bytes, "bytes");
        Report.Figure("audit_fixity_mb_per_s", bytes / 1e6 / fixity, "MB/s");
        Report.Figure("audit_sha256sum_mb_per_s", bytes / 1e6 / sha256sum, "MB/s");
        Report.Figure("audit_fixity_vs_sha256sum_ratio", fixity / sha256sum, "ratio");
    }

    private static async Task FillAsync(EventStore store, long total)
    {
        var sw = Stopwatch.StartNew();
        var streams = total / EventsPerStream;
        var next = -1L;
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(_ => Task.Run(async () =>
        {
            long s;
            while ((s = Interlocked.Increment(ref next)) < streams)
                for (var v = 0; v < EventsPerStream; v += EventsPerAppend)
                    await store.AppendAsync($"record-{s}", v == 0 ? ExpectedVersion.NoStream : ExpectedVersion.Exactly(v),
                        Enumerable.Range(v, EventsPerAppend).Select(i => (object)new BenchHappened(i, Text)).ToArray(),
                        new EventMetadata { Actor = "bench", Headers = new() { ["reason"] = "bench", ["sourceAddress"] = "127.0.0.1" } });
        })));
        Console.WriteLine($"appended {streams * EventsPerStream} events in {sw.Elapsed.TotalSeconds:F1} s");
    }

    /// <summary>The baseline: every column the checks read, as text, in one sequential scan.</summary>
    private static async Task SequentialReadAsync(NpgsqlDataSource ds, long expected)
    {
        await using var cmd = ds.CreateCommand(
            "select position, stream_id, version, type, data::text, metadata::text, recorded_at, hash, previous_hash from bench_audit.events");
        cmd.CommandTimeout = 0;
        await using var r = await cmd.ExecuteReaderAsync();
        long n = 0, chars = 0;
        while (await r.ReadAsync())
        {
            n++;
            chars += r.GetInt64(0) + r.GetString(1).Length + r.GetInt64(2) + r.GetString(3).Length + r.GetString(4).Length + r.GetString(5).Length
                     + r.GetFieldValue<DateTime>(6).Ticks + r.GetFieldValue<byte[]>(7).Length + (r.IsDBNull(8) ? 0 : r.GetFieldValue<byte[]>(8).Length);
        }
        n.ShouldBe(expected, $"rows read ({chars})");
    }

    private static async Task<(double Fixity, double Sha256sum, long Bytes)> BlobsAsync(BenchDatabase db, EventStore store, long target)
    {
        var root = Environment.GetEnvironmentVariable("ARCHIVE_BENCH_AUDIT_CONTENT") ?? Path.Combine(Path.GetTempPath(), $"archive-bench-content-{Guid.NewGuid():N}");
        var content = new FileSystemContentStore(Options.Create(new ContentStoreOptions { Root = root, MaxBytes = BlobBytes * 2 }));
        try
        {
            var hashes = new List<string>();
            var buffer = new byte[BlobBytes];
            var sw = Stopwatch.StartNew();
            for (long written = 0; written < target; written += BlobBytes)
            {
                RandomNumberGenerator.Fill(buffer);
                "%PDF-1.7\n"u8.CopyTo(buffer);
                hashes.Add((await content.PutAsync(new MemoryStream(buffer, writable: false), CancellationToken.None)).Sha256);
            }
            var bytes = hashes.Count * BlobBytes;
            Console.WriteLine($"wrote {hashes.Count} blobs, {bytes / 1e9:F2} GB, in {sw.Elapsed.TotalSeconds:F1} s");

            var checker = new FixityChecker(db.DataSource, store, content, Options.Create(new FixityOptions()), TimeProvider.System,
                NullLogger<FixityChecker>.Instance);
            var files = hashes.Select(content.PathFor).ToList();
            double fixity = double.MaxValue, sum = double.MaxValue;
            for (var round = 0; round < 2; round++)
            {
                fixity = Math.Min(fixity, await TimeAsync(async () =>
                {
                    foreach (var h in hashes) (await checker.CheckBlobAsync(h, CancellationToken.None)).ShouldBeNull("fixity failure");
                }));
                sum = Math.Min(sum, await TimeAsync(() => Sha256SumAsync(files)));
                Console.WriteLine($"round {round + 1}: fixity {bytes / 1e6 / fixity:F0} MB/s, sha256sum {bytes / 1e6 / sum:F0} MB/s");
            }
            return (fixity, sum, bytes);
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
    }

    private static async Task Sha256SumAsync(IReadOnlyList<string> files)
    {
        var psi = new ProcessStartInfo("sha256sum") { RedirectStandardOutput = true };
        foreach (var f in files) psi.ArgumentList.Add(f);
        using var p = Process.Start(psi)!;
        var output = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        p.ExitCode.ShouldBe(0, "sha256sum exit code");
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length.ShouldBe(files.Count, "sha256sum lines");
    }

    private static async Task<double> TimeAsync(Func<Task> work)
    {
        var sw = Stopwatch.StartNew();
        await work();
        return sw.Elapsed.TotalSeconds;
    }

    // The bench has no test framework: a failed check must stop the run rather than print a figure.
    private static void ShouldBe<T>(this T actual, T expected, string what)
    {
        if (!EqualityComparer<T>.Default.Equals(actual, expected)) throw new InvalidOperationException($"{what}: {actual}, expected {expected}");
    }

    private static void ShouldBeZero(this int actual, string what) => actual.ShouldBe(0, what);
    private static void ShouldBeTrue(this bool actual, string what) => actual.ShouldBe(true, what);
    private static void ShouldBeNull(this FixityFailure? actual, string what)
    {
        if (actual is not null) throw new InvalidOperationException($"{what}: {actual}");
    }
}
