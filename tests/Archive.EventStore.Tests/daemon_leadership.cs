using Archive.EventStore.Tests.Support;

namespace Archive.EventStore.Tests;

public class daemon_leadership : IClassFixture<StoreFixture>
{
    private readonly StoreFixture _f;
    public daemon_leadership(StoreFixture f) => _f = f;

    private async Task<long> AppendSomeAsync(int streams)
    {
        long last = 0;
        for (var i = 0; i < streams; i++)
            last = (await _f.Store.AppendAsync($"lead-{Guid.NewGuid():N}", ExpectedVersion.NoStream,
                [new ThingOpened("t", i), new ThingRenamed("r")])).LastPosition;
        return last;
    }

    [Fact]
    public async Task one_daemon_leads_and_another_takes_over_without_skipping_or_repeating_when_the_leader_dies()
    {
        var projection = new RecordingProjection("led");
        await projection.CreateTableAsync(_f.DataSource);
        var options = new ProjectionDaemonOptions { PollInterval = TimeSpan.FromMilliseconds(20), LeaderRetryInterval = TimeSpan.FromMilliseconds(50), BatchSize = 4 };
        var a = new ProjectionDaemon(_f.Store, [projection], options);
        var b = new ProjectionDaemon(_f.Store, [projection], options);
        using var ctsA = new CancellationTokenSource();
        using var ctsB = new CancellationTokenSource();
        var runA = a.RunAsync(ctsA.Token);
        var runB = b.RunAsync(ctsB.Token);

        await Eventually.UntilAsync(() => Task.FromResult(a.Leads(projection.Name) || b.Leads(projection.Name)), "a leader is elected");
        var (leader, follower, leaderCts) = a.Leads(projection.Name) ? (a, b, ctsA) : (b, a, ctsB);
        follower.IsLeader.ShouldBeFalse();
        var firstHalf = await AppendSomeAsync(10);
        await _f.Store.WaitForProjectionAsync(projection.Name, firstHalf, TimeSpan.FromSeconds(20));

        // The leader "dies": its process stops and its lock connection is killed.
        var pid = leader.LeaseBackendPid(projection.Name)!.Value;
        await leaderCts.CancelAsync();
        await (leader == a ? runA : runB);
        await _f.ExecAsync($"select pg_terminate_backend({pid})");
        // The stopped daemon may have handed its connection back to the pool: drop it, or the next append would
        // draw the terminated backend (57P01) instead of a live one.
        _f.DataSource.Clear();
        await Eventually.UntilAsync(() => Task.FromResult(follower.Leads(projection.Name)), "the follower takes over");
        var secondHalf = await AppendSomeAsync(10);
        await _f.Store.WaitForProjectionAsync(projection.Name, secondHalf, TimeSpan.FromSeconds(20));

        var all = (await _f.Store.ReadAllAsync(0, 10_000)).Select(e => e.Position.ToString()).ToList();
        (await _f.RowsAsync($"select position from {projection.Table} order by position")).ShouldBe(all);
        (await _f.Store.GetDeadLettersAsync(projection.Name)).ShouldBeEmpty();
        await ctsA.CancelAsync();
        await ctsB.CancelAsync();
        await Task.WhenAll(runA, runB);
    }
}
