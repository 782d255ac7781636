using Archive.EventStore.Tests.Support;
using Npgsql;

namespace Archive.EventStore.Tests;

public class independent_projections : IClassFixture<StoreFixture>
{
    private readonly StoreFixture _f;
    public independent_projections(StoreFixture f) => _f = f;

    private static readonly ProjectionDaemonOptions Fast = new()
    {
        PollInterval = TimeSpan.FromMilliseconds(20), LeaderRetryInterval = TimeSpan.FromMilliseconds(50),
    };

    private async Task<AppendResult> AppendAsync(string tag) =>
        await _f.Store.AppendAsync($"indep-{Guid.NewGuid():N}", ExpectedVersion.NoStream, [new ThingOpened(tag, 1), new ThingRenamed(tag)]);

    [Fact]
    public async Task a_stuck_projection_holding_a_written_transaction_does_not_stop_another_from_advancing()
    {
        var stuck = new StuckProjection("stuck_first");
        var healthy = new RecordingProjection("beside_stuck");
        await stuck.CreateTableAsync(_f.DataSource);
        await healthy.CreateTableAsync(_f.DataSource);
        // The stuck projection comes first: a shared loop would never reach the healthy one.
        var daemon = new ProjectionDaemon(_f.Store, [stuck, healthy], Fast);
        using var cts = new CancellationTokenSource();
        var run = daemon.RunAsync(cts.Token);
        try
        {
            var first = await AppendAsync("first");
            // The stuck batch has written a row (so its transaction holds an xid) and now waits.
            await stuck.Entered.Task.WaitAsync(TimeSpan.FromSeconds(20));
            var second = await AppendAsync("second");

            await _f.Store.WaitForProjectionAsync(healthy.Name, second.LastPosition, TimeSpan.FromSeconds(20));

            (await _f.Store.GetCheckpointAsync(stuck.Name)).ShouldBeLessThan(first.FirstPosition);
            stuck.Entered.Task.IsCompleted.ShouldBeTrue();
            (await _f.RowsAsync($"select position from {healthy.Table} where position >= {first.FirstPosition} order by position"))
                .ShouldBe(new[] { first.FirstPosition, first.LastPosition, second.FirstPosition, second.LastPosition }.Select(p => p.ToString()));

            stuck.Release.SetResult();
            await _f.Store.WaitForProjectionAsync(stuck.Name, second.LastPosition, TimeSpan.FromSeconds(20));
            (await _f.Store.GetDeadLettersAsync(stuck.Name)).ShouldBeEmpty();
        }
        finally
        {
            stuck.Release.TrySetResult();
            await cts.CancelAsync();
            await run;
        }
    }

    [Fact]
    public async Task each_projection_has_its_own_lease_so_two_nodes_may_share_the_work()
    {
        var a = new RecordingProjection("lease_a");
        var b = new RecordingProjection("lease_b");
        await a.CreateTableAsync(_f.DataSource);
        await b.CreateTableAsync(_f.DataSource);
        // Node 1 runs only projection a, node 2 both: node 2 must still lead b while node 1 holds a.
        var node1 = new ProjectionDaemon(_f.Store, [a], Fast);
        using var cts1 = new CancellationTokenSource();
        var run1 = node1.RunAsync(cts1.Token);
        await Eventually.UntilAsync(() => Task.FromResult(node1.Leads(a.Name)), "node 1 leads a");
        var node2 = new ProjectionDaemon(_f.Store, [a, b], Fast);
        using var cts2 = new CancellationTokenSource();
        var run2 = node2.RunAsync(cts2.Token);
        try
        {
            var appended = await AppendAsync("shared");
            await _f.Store.WaitForProjectionAsync(a.Name, appended.LastPosition, TimeSpan.FromSeconds(20));
            await _f.Store.WaitForProjectionAsync(b.Name, appended.LastPosition, TimeSpan.FromSeconds(20));

            node2.Leads(b.Name).ShouldBeTrue();
            node2.Leads(a.Name).ShouldBeFalse();
            node1.LeaseBackendPid(a.Name).ShouldNotBeNull();
            node1.LeaseBackendPid(a.Name).ShouldNotBe(node2.LeaseBackendPid(b.Name));
        }
        finally
        {
            await cts1.CancelAsync();
            await cts2.CancelAsync();
            await Task.WhenAll(run1, run2);
        }
    }

    /// <summary>Writes a row for its first batch, then waits inside the batch's transaction until released.</summary>
    private sealed class StuckProjection(string name) : IAsyncProjection
    {
        public string Name { get; } = name;
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task CreateTableAsync(NpgsqlDataSource ds)
        {
            await using var cmd = ds.CreateCommand($"create table if not exists seen_{Name} (position bigint primary key)");
            await cmd.ExecuteNonQueryAsync();
        }

        public async Task ApplyAsync(IReadOnlyList<RecordedEvent> events, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
        {
            await using (var cmd = new NpgsqlCommand($"insert into seen_{Name} select unnest($1::bigint[])", connection, transaction))
            {
                cmd.Parameters.AddWithValue(events.Select(e => e.Position).ToArray());
                await cmd.ExecuteNonQueryAsync(ct);
            }
            Entered.TrySetResult();
            await Release.Task.WaitAsync(ct);
        }

        public async Task ResetAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
        {
            await using var cmd = new NpgsqlCommand($"delete from seen_{Name}", connection, transaction);
            await cmd.ExecuteNonQueryAsync(ct);
        }
    }
}
