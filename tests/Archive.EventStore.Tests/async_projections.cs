using Archive.EventStore.Tests.Support;

namespace Archive.EventStore.Tests;

public class async_projections : IClassFixture<StoreFixture>
{
    private readonly StoreFixture _f;
    public async_projections(StoreFixture f) => _f = f;
    private static string NewStream() => $"thing-{Guid.NewGuid():N}";

    private async Task<(RecordingProjection Projection, ProjectionDaemon Daemon)> DaemonAsync(string name, int batchSize = 500)
    {
        var projection = new RecordingProjection(name);
        await projection.CreateTableAsync(_f.DataSource);
        return (projection, new ProjectionDaemon(_f.Store, [projection], new ProjectionDaemonOptions { BatchSize = batchSize }));
    }

    private Task<List<string>> SeenAsync(RecordingProjection p, long from) =>
        _f.RowsAsync($"select position from {p.Table} where position >= {from} order by position");

    [Fact]
    public async Task a_late_committing_append_is_neither_passed_nor_skipped()
    {
        var (projection, daemon) = await DaemonAsync("late");
        var before = await _f.Store.AppendAsync(NewStream(), ExpectedVersion.NoStream, [new ThingOpened("before", 1)]);
        await daemon.CatchUpUntilAsync(_f.Store, projection.Name, before.LastPosition);

        await using var conn = await _f.DataSource.OpenConnectionAsync();
        await using var held = await conn.BeginTransactionAsync();
        var late = await _f.Store.AppendAsync(conn, held, NewStream(), ExpectedVersion.NoStream, [new ThingOpened("late", 2)]);
        var after1 = await _f.Store.AppendAsync(NewStream(), ExpectedVersion.NoStream, [new ThingOpened("after", 3)]);
        var after2 = await _f.Store.AppendAsync(NewStream(), ExpectedVersion.NoStream, [new ThingOpened("after", 4), new ThingRenamed("x")]);
        await daemon.CatchUpAsync();

        late.FirstPosition.ShouldBeLessThan(after1.FirstPosition);
        (await _f.Store.GetCheckpointAsync(projection.Name)).ShouldBeLessThan(late.FirstPosition);
        (await _f.Store.GetSafeHighWaterMarkAsync()).ShouldBeLessThan(late.FirstPosition);
        (await SeenAsync(projection, late.FirstPosition)).ShouldBeEmpty();

        await held.CommitAsync();
        await daemon.CatchUpUntilAsync(_f.Store, projection.Name, after2.LastPosition);

        (await SeenAsync(projection, late.FirstPosition)).ShouldBe(
            new[] { late.FirstPosition, after1.FirstPosition, after2.FirstPosition, after2.LastPosition }.Select(p => p.ToString()));
    }

    [Fact]
    public async Task a_rolled_back_append_does_not_stall_the_projection()
    {
        var (projection, daemon) = await DaemonAsync("rollback");
        long burned;
        await using (var conn = await _f.DataSource.OpenConnectionAsync())
        await using (var tx = await conn.BeginTransactionAsync())
        {
            burned = (await _f.Store.AppendAsync(conn, tx, NewStream(), ExpectedVersion.NoStream, [new ThingOpened("gone", 1), new ThingRenamed("gone")])).FirstPosition;
            await tx.RollbackAsync();
        }
        var later = await _f.Store.AppendAsync(NewStream(), ExpectedVersion.NoStream, [new ThingOpened("kept", 2)]);

        await daemon.CatchUpUntilAsync(_f.Store, projection.Name, later.LastPosition);

        later.FirstPosition.ShouldBeGreaterThan(burned + 1);
        (await SeenAsync(projection, burned)).ShouldBe([later.FirstPosition.ToString()]);
        (await _f.Store.GetSafeHighWaterMarkAsync()).ShouldBeGreaterThanOrEqualTo(later.LastPosition);
    }

    [Fact]
    public async Task a_poison_event_goes_to_the_dead_letters_and_the_projection_continues_after_it()
    {
        var (projection, daemon) = await DaemonAsync("poison");
        var id = NewStream();
        var first = await _f.Store.AppendAsync(id, ExpectedVersion.NoStream, [new ThingOpened("ok", 1), new ThingPoisoned("bad data")]);
        var last = await _f.Store.AppendAsync(id, ExpectedVersion.Exactly(2), [new ThingRenamed("still ok")]);

        await daemon.CatchUpUntilAsync(_f.Store, projection.Name, last.LastPosition);

        var dead = (await _f.Store.GetDeadLettersAsync(projection.Name)).ShouldHaveSingleItem();
        dead.Position.ShouldBe(first.LastPosition);
        dead.StreamId.ShouldBe(id);
        dead.Version.ShouldBe(2);
        dead.Error.ShouldContain("cannot project bad data");
        (await _f.RowsAsync($"select version from {projection.Table} where stream_id = '{id}' order by version")).ShouldBe(["1", "3"]);
    }

    [Fact]
    public async Task a_rebuilt_read_model_equals_the_live_one()
    {
        var (projection, daemon) = await DaemonAsync("rebuilt", batchSize: 3);
        for (var s = 0; s < 5; s++)
        {
            var id = NewStream();
            await _f.Store.AppendAsync(id, ExpectedVersion.NoStream, [new ThingOpened($"s{s}", s), new ThingRenamed("r")]);
            await daemon.CatchUpAsync();
            await _f.Store.AppendAsync(id, ExpectedVersion.Exactly(2), [new ThingRenamed("again")]);
        }
        var high = await _f.Store.GetSafeHighWaterMarkAsync();
        await daemon.CatchUpUntilAsync(_f.Store, projection.Name, high);
        var live = await _f.RowsAsync($"select * from {projection.Table} order by position");

        await daemon.RebuildAsync(projection.Name);
        await daemon.CatchUpUntilAsync(_f.Store, projection.Name, high);

        var rebuilt = await _f.RowsAsync($"select * from {projection.Table} order by position");
        rebuilt.ShouldBe(live);
        live.Count.ShouldBeGreaterThanOrEqualTo(15);
    }

    [Fact]
    public async Task waiting_for_a_projection_returns_once_its_checkpoint_reaches_the_position()
    {
        var (projection, daemon) = await DaemonAsync("waited");
        var appended = await _f.Store.AppendAsync(NewStream(), ExpectedVersion.NoStream, [new ThingOpened("w", 1)]);
        using var cts = new CancellationTokenSource();
        var running = daemon.RunAsync(cts.Token);

        await _f.Store.WaitForProjectionAsync(projection.Name, appended.LastPosition, TimeSpan.FromSeconds(20));

        (await SeenAsync(projection, appended.FirstPosition)).ShouldBe([appended.FirstPosition.ToString()]);
        await cts.CancelAsync();
        await running;
    }
}
