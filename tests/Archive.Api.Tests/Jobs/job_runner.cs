using Archive.Api.Hosting;
using Archive.Api.Infrastructure.Jobs;
using Archive.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Archive.Api.Tests.Jobs;

/// <summary>The durable job table and runner, with several runners (nodes) over one real database.</summary>
public class job_runner(DatabaseFixture database) : IClassFixture<DatabaseFixture>, IAsyncLifetime
{
    private NpgsqlDataSource _db = null!;

    public async Task InitializeAsync()
    {
        _db = NpgsqlDataSource.Create(database.ConnectionString);
        await ApiSchema.EnsureAsync(_db, CancellationToken.None);
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private JobRunner Runner(params IScheduledJob[] jobs) =>
        new(_db, jobs, Options.Create(new JobRunnerOptions { LeaseDuration = TimeSpan.FromMinutes(1) }), NullLogger<JobRunner>.Instance);

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..20];

    /// <summary>Stands in for the clock reaching the job's next run.</summary>
    private async Task MakeDueAsync(string job)
    {
        await using var cmd = _db.CreateCommand("update archive_api.jobs set next_run_at = now() - interval '1 second' where name = $1");
        cmd.Parameters.AddWithValue(job);
        (await cmd.ExecuteNonQueryAsync()).ShouldBe(1);
    }

    [Fact]
    public async Task two_runners_never_run_the_same_job_at_once()
    {
        var job = new GateJob(Unique("gate"), TimeSpan.Zero, holdUntilReleased: true);
        var a = Runner(job);
        var b = Runner(job);
        await a.RegisterAsync();
        await b.RegisterAsync();

        var first = a.RunDueAsync();
        await job.Entered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        (await b.RunDueAsync()).ShouldBeNull("the job is leased by the other runner");
        (await a.GetAsync(job.Name))!.LeaseOwner.ShouldBe(a.Node);

        job.Release();
        (await first).ShouldBe(job.Name);
        job.Runs.ShouldBe(1);
        job.MaxConcurrent.ShouldBe(1);
        (await b.GetAsync(job.Name))!.LeaseOwner.ShouldBeNull();
    }

    [Fact]
    public async Task many_concurrent_polls_from_two_runners_run_an_always_due_job_one_at_a_time()
    {
        GateJob job = null!;
        job = new GateJob(Unique("busy"), TimeSpan.Zero, body: async () =>
        {
            // Real work in the database, so overlapping runs would have time to overlap.
            await using var cmd = _db.CreateCommand("select pg_sleep(0.01)");
            await cmd.ExecuteNonQueryAsync();
        });
        var a = Runner(job);
        var b = Runner(job);
        await a.RegisterAsync();
        await b.RegisterAsync();

        var ran = 0;
        async Task Poll(JobRunner r)
        {
            for (var i = 0; i < 15; i++)
                if (await r.RunDueAsync() is not null) Interlocked.Increment(ref ran);
        }
        await Task.WhenAll(Poll(a), Poll(a), Poll(b), Poll(b));

        ran.ShouldBeGreaterThan(0);
        job.Runs.ShouldBe(ran);
        job.MaxConcurrent.ShouldBe(1);
        (await a.GetAsync(job.Name))!.Runs.ShouldBe(ran);
    }

    [Fact]
    public async Task a_failed_run_is_retried_later_with_backoff_and_its_error_is_recorded()
    {
        var job = new FlakyJob(Unique("flaky"), failures: 2, interval: TimeSpan.FromDays(1), retryBackoff: TimeSpan.FromHours(1));
        var runner = Runner(job);
        await runner.RegisterAsync();

        (await runner.RunDueAsync()).ShouldBe(job.Name);
        var failed = (await runner.GetAsync(job.Name))!;
        failed.LastStatus.ShouldBe("failed");
        failed.LastError.ShouldBe("IOException: disk on fire (attempt 1)");
        failed.Attempts.ShouldBe(1);
        failed.LeaseOwner.ShouldBeNull();
        (failed.NextRunAt - failed.LastFinishedAt!.Value).ShouldBe(TimeSpan.FromHours(1), TimeSpan.FromSeconds(1));
        (await runner.RunDueAsync()).ShouldBeNull("the retry is not due before its backoff");

        await MakeDueAsync(job.Name);
        (await runner.RunDueAsync()).ShouldBe(job.Name);
        var again = (await runner.GetAsync(job.Name))!;
        again.LastError.ShouldBe("IOException: disk on fire (attempt 2)");
        (again.NextRunAt - again.LastFinishedAt!.Value).ShouldBe(TimeSpan.FromHours(2), TimeSpan.FromSeconds(1));

        await MakeDueAsync(job.Name);
        (await runner.RunDueAsync()).ShouldBe(job.Name);
        var ok = (await runner.GetAsync(job.Name))!;
        ok.LastStatus.ShouldBe("succeeded");
        ok.LastResult.ShouldBe("all good");
        ok.LastError.ShouldBeNull();
        ok.Attempts.ShouldBe(0);
        ok.Failures.ShouldBe(2);
        ok.Runs.ShouldBe(3);
        (ok.NextRunAt - ok.LastFinishedAt!.Value).ShouldBe(TimeSpan.FromDays(1), TimeSpan.FromSeconds(1));
        job.Attempts.ShouldBe([1, 2, 3]);
    }

    [Fact]
    public async Task a_restarted_runner_resumes_the_schedule_from_the_table()
    {
        var name = Unique("resume");
        var before = new GateJob(name, TimeSpan.FromHours(3));
        var first = Runner(before);
        await first.RegisterAsync();
        (await first.RunDueAsync()).ShouldBe(name);
        var stored = (await first.GetAsync(name))!;

        // A new process: new runner, new job instance, same table.
        var after = new GateJob(name, TimeSpan.FromHours(3));
        var restarted = Runner(after);
        await restarted.RegisterAsync();
        var resumed = (await restarted.GetAsync(name))!;
        resumed.NextRunAt.ShouldBe(stored.NextRunAt);
        resumed.Runs.ShouldBe(1);
        (await restarted.RunDueAsync()).ShouldBeNull("the next run is three hours away, not at start-up");
        after.Runs.ShouldBe(0);
    }

    [Fact]
    public async Task a_run_interrupted_by_shutdown_is_handed_back_still_due()
    {
        var job = new GateJob(Unique("stop"), TimeSpan.FromHours(1), holdUntilReleased: true);
        var stopping = Runner(job);
        await stopping.RegisterAsync();
        using var shutdown = new CancellationTokenSource();
        var run = stopping.RunDueAsync(shutdown.Token);
        await job.Entered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await shutdown.CancelAsync();
        await Should.ThrowAsync<OperationCanceledException>(run);

        var released = (await stopping.GetAsync(job.Name))!;
        released.LeaseOwner.ShouldBeNull();
        released.Attempts.ShouldBe(0);
        released.Failures.ShouldBe(0);
        var next = new GateJob(job.Name, TimeSpan.FromHours(1));
        var other = Runner(next);
        await other.RegisterAsync();
        (await other.RunDueAsync()).ShouldBe(job.Name);
        next.Runs.ShouldBe(1);
    }

    [Fact]
    public async Task a_dead_nodes_job_is_taken_over_only_after_its_lease_ends()
    {
        var job = new GateJob(Unique("orphan"), TimeSpan.FromHours(1));
        var runner = Runner(job);
        await runner.RegisterAsync();
        async Task LeaseAsync(string until)
        {
            await using var cmd = _db.CreateCommand(
                $"update archive_api.jobs set lease_owner = 'dead-node', lease_until = now() + interval '{until}' where name = $1");
            cmd.Parameters.AddWithValue(job.Name);
            await cmd.ExecuteNonQueryAsync();
        }

        await LeaseAsync("1 minute");
        (await runner.RunDueAsync()).ShouldBeNull("the other node's lease still holds");
        await LeaseAsync("-1 second");
        (await runner.RunDueAsync()).ShouldBe(job.Name);
        job.Runs.ShouldBe(1);
        (await runner.GetAsync(job.Name))!.LastStatus.ShouldBe("succeeded");
    }

    [Fact]
    public async Task a_job_that_cannot_run_here_is_not_scheduled_and_says_why()
    {
        var runner = Runner(new UnconfiguredJob());
        await runner.RegisterAsync();
        runner.Scheduled.ShouldBeEmpty();
        runner.Disabled["unconfigured"].ShouldBe("no key configured");
        (await runner.GetAsync("unconfigured")).ShouldBeNull();
        (await runner.RunDueAsync()).ShouldBeNull();
    }
}
