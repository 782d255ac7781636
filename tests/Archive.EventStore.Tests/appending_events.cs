using Archive.EventStore.Tests.Support;

namespace Archive.EventStore.Tests;

public class appending_events : IClassFixture<StoreFixture>
{
    private readonly StoreFixture _f;
    public appending_events(StoreFixture f) => _f = f;
    private static string NewStream() => $"thing-{Guid.NewGuid():N}";

    [Fact]
    public async Task appending_to_a_new_stream_numbers_versions_from_one_with_increasing_positions()
    {
        var id = NewStream();
        var first = await _f.Store.AppendAsync(id, ExpectedVersion.NoStream, [new ThingOpened("t", 3), new ThingRenamed("u")]);
        var second = await _f.Store.AppendAsync(id, ExpectedVersion.Exactly(2), [new ThingRenamed("v")]);

        first.NextExpectedVersion.ShouldBe(2);
        first.LastPosition.ShouldBe(first.FirstPosition + 1);
        second.NextExpectedVersion.ShouldBe(3);
        second.FirstPosition.ShouldBeGreaterThan(first.LastPosition);
        (await _f.Store.ReadStreamAsync(id)).Select(e => e.Version).ShouldBe([1L, 2L, 3L]);
        (await _f.ScalarAsync<string>($"select type from event_store.streams where id = '{id}'")).ShouldBe("thing");
    }

    [Fact]
    public async Task appending_with_a_stale_version_is_a_conflict()
    {
        var id = NewStream();
        await _f.Store.AppendAsync(id, ExpectedVersion.NoStream, [new ThingOpened("t", 1), new ThingRenamed("a")]);

        var e = await Should.ThrowAsync<ConcurrencyException>(() =>
            _f.Store.AppendAsync(id, ExpectedVersion.Exactly(1), [new ThingRenamed("b")]));

        e.StreamId.ShouldBe(id);
        e.Expected.ShouldBe(ExpectedVersion.Exactly(1));
        e.ActualVersion.ShouldBe(2);
        (await _f.Store.ReadStreamAsync(id)).Count.ShouldBe(2);
    }

    [Fact]
    public async Task appending_as_a_new_stream_to_an_existing_stream_is_a_conflict()
    {
        var id = NewStream();
        await _f.Store.AppendAsync(id, ExpectedVersion.NoStream, [new ThingOpened("t", 1)]);

        var e = await Should.ThrowAsync<ConcurrencyException>(() =>
            _f.Store.AppendAsync(id, ExpectedVersion.NoStream, [new ThingOpened("again", 1)]));

        e.Expected.ShouldBe(ExpectedVersion.NoStream);
        e.ActualVersion.ShouldBe(1);
    }

    [Fact]
    public async Task appending_at_a_version_to_a_missing_stream_is_a_conflict_naming_version_zero()
    {
        var e = await Should.ThrowAsync<ConcurrencyException>(() =>
            _f.Store.AppendAsync("missing-" + NewStream(), ExpectedVersion.Exactly(4), [new ThingRenamed("x")]));
        e.ActualVersion.ShouldBe(0);
    }

    [Fact]
    public async Task racing_new_stream_appends_let_exactly_one_win_and_the_rest_get_typed_conflicts()
    {
        var id = NewStream();
        var attempts = Enumerable.Range(0, 12).Select(i => Task.Run(async () =>
        {
            try { await _f.Store.AppendAsync(id, ExpectedVersion.NoStream, [new ThingOpened($"t{i}", i)]); return "won"; }
            catch (ConcurrencyException) { return "conflict"; }
        }));

        var outcomes = await Task.WhenAll(attempts);

        outcomes.Count(o => o == "won").ShouldBe(1);
        outcomes.Count(o => o == "conflict").ShouldBe(11);
        (await _f.Store.ReadStreamAsync(id)).Count.ShouldBe(1);
    }

    [Fact]
    public async Task racing_appends_with_any_version_all_land_without_gaps()
    {
        var id = NewStream();
        await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            Task.Run(() => _f.Store.AppendAsync(id, ExpectedVersion.Any, [new ThingRenamed($"n{i}"), new ThingRenamed($"m{i}")]))));

        (await _f.Store.ReadStreamAsync(id)).Select(e => e.Version).ShouldBe(Enumerable.Range(1, 20).Select(v => (long)v));
        (await _f.Store.VerifyHashChainsAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task racing_single_event_appends_with_any_version_form_one_unbroken_chain()
    {
        // Single events on an existing stream take the short path (one UPDATE of the stream row).
        var id = NewStream();
        await _f.Store.AppendAsync(id, ExpectedVersion.NoStream, [new ThingOpened("t", 1)]);
        await Task.WhenAll(Enumerable.Range(0, 24).Select(i =>
            Task.Run(() => _f.Store.AppendAsync(id, ExpectedVersion.Any, [new ThingRenamed($"n{i}")]))));

        var events = await _f.Store.ReadStreamAsync(id);
        events.Select(e => e.Version).ShouldBe(Enumerable.Range(1, 25).Select(v => (long)v));
        for (var i = 1; i < events.Count; i++) events[i].PreviousHash.ShouldBe(events[i - 1].Hash);
        (await _f.ScalarAsync<long>($"select version from event_store.streams where id = '{id}'")).ShouldBe(25);
        (await _f.Store.VerifyHashChainsAsync()).Where(b => b.StreamId == id).ShouldBeEmpty();
    }

    [Fact]
    public async Task racing_single_event_appends_at_the_same_version_let_exactly_one_win()
    {
        var id = NewStream();
        await _f.Store.AppendAsync(id, ExpectedVersion.NoStream, [new ThingOpened("t", 1), new ThingRenamed("a")]);
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => Task.Run(async () =>
        {
            try { await _f.Store.AppendAsync(id, ExpectedVersion.Exactly(2), [new ThingRenamed($"r{i}")]); return -1L; }
            catch (ConcurrencyException e) { return e.ActualVersion; }
        })));

        outcomes.Count(o => o == -1).ShouldBe(1);
        outcomes.Where(o => o != -1).ShouldAllBe(actual => actual == 3);
        (await _f.Store.ReadStreamAsync(id)).Count.ShouldBe(3);
    }

    [Fact]
    public async Task a_single_event_append_after_another_write_in_the_same_transaction_continues_the_stream()
    {
        await _f.ExecAsync("create table if not exists other_writes (x int)");
        var id = NewStream();
        var first = await _f.Store.AppendAsync(id, ExpectedVersion.NoStream, [new ThingOpened("t", 1)]);
        await using var conn = await _f.DataSource.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await using (var write = new Npgsql.NpgsqlCommand("insert into other_writes values (3)", conn, tx))
            await write.ExecuteNonQueryAsync();
        var second = await _f.Store.AppendAsync(conn, tx, id, ExpectedVersion.Exactly(1), [new ThingRenamed("u")]);
        var third = await _f.Store.AppendAsync(conn, tx, id, ExpectedVersion.Exactly(2), [new ThingRenamed("v")]);
        await tx.CommitAsync();

        (second.NextExpectedVersion, third.NextExpectedVersion).ShouldBe((2L, 3L));
        second.FirstPosition.ShouldBeGreaterThan(first.LastPosition);
        third.FirstPosition.ShouldBe(second.LastPosition + 1);
        (await _f.Store.VerifyHashChainsAsync()).Where(b => b.StreamId == id).ShouldBeEmpty();
    }

    [Fact]
    public async Task a_single_event_append_in_a_repeatable_read_transaction_sees_a_concurrent_append_as_a_conflict()
    {
        var id = NewStream();
        await _f.Store.AppendAsync(id, ExpectedVersion.NoStream, [new ThingOpened("t", 1)]);
        await using var conn = await _f.DataSource.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead);
        await using (var read = new Npgsql.NpgsqlCommand($"select count(*) from event_store.events where stream_id = '{id}'", conn, tx))
            (await read.ExecuteScalarAsync()).ShouldBe(1L);  // the transaction's snapshot is taken here
        await _f.Store.AppendAsync(id, ExpectedVersion.Exactly(1), [new ThingRenamed("elsewhere")]);

        // Its snapshot still shows version 1: the append is refused as a typed conflict, not a raw error.
        await Should.ThrowAsync<ConcurrencyException>(() =>
            _f.Store.AppendAsync(conn, tx, id, ExpectedVersion.Any, [new ThingRenamed("here")]));
        await tx.RollbackAsync();
        (await _f.Store.ReadStreamAsync(id)).Count.ShouldBe(2);
    }

    [Fact]
    public async Task an_append_after_another_write_in_the_same_transaction_commits_with_it()
    {
        await _f.ExecAsync("create table if not exists other_writes (x int)");
        var id = NewStream();
        await using var conn = await _f.DataSource.OpenConnectionAsync();
        await using (var tx = await conn.BeginTransactionAsync())
        {
            await using (var write = new Npgsql.NpgsqlCommand("insert into other_writes values (1)", conn, tx))
                await write.ExecuteNonQueryAsync();
            await _f.Store.AppendAsync(conn, tx, id, ExpectedVersion.NoStream, [new ThingOpened("t", 1)]);
            await tx.RollbackAsync();
        }
        (await _f.Store.ReadStreamAsync(id)).ShouldBeEmpty();

        await using (var tx = await conn.BeginTransactionAsync())
        {
            await using (var write = new Npgsql.NpgsqlCommand("insert into other_writes values (2)", conn, tx))
                await write.ExecuteNonQueryAsync();
            await _f.Store.AppendAsync(conn, tx, id, ExpectedVersion.NoStream, [new ThingOpened("t", 1)]);
            await tx.CommitAsync();
        }
        (await _f.Store.ReadStreamAsync(id)).Select(e => e.Data).ShouldBe([new ThingOpened("t", 1)]);
    }

    [Fact]
    public async Task appends_to_two_streams_in_one_transaction_commit_together_in_append_order()
    {
        var (a, b) = (NewStream(), NewStream());
        await using var conn = await _f.DataSource.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        var first = await _f.Store.AppendAsync(conn, tx, a, ExpectedVersion.NoStream, [new ThingOpened("a", 1), new ThingRenamed("a2")]);
        var second = await _f.Store.AppendAsync(conn, tx, b, ExpectedVersion.NoStream, [new ThingOpened("b", 2)]);
        await tx.CommitAsync();

        second.FirstPosition.ShouldBe(first.LastPosition + 1);
        var all = await _f.Store.ReadAllAsync(first.FirstPosition, 10);
        all.Select(e => (e.StreamId, e.Version)).ShouldBe([(a, 1L), (a, 2L), (b, 1L)]);
    }

    [Fact]
    public async Task appending_to_an_archived_stream_is_refused()
    {
        var id = NewStream();
        await _f.Store.AppendAsync(id, ExpectedVersion.NoStream, [new ThingOpened("t", 1)]);
        await _f.Store.ArchiveStreamAsync(id);

        var e = await Should.ThrowAsync<StreamArchivedException>(() =>
            _f.Store.AppendAsync(id, ExpectedVersion.Any, [new ThingRenamed("late")]));
        e.StreamId.ShouldBe(id);
    }

    [Fact]
    public async Task unregistered_event_types_are_refused_before_anything_is_written()
    {
        var id = NewStream();
        await Should.ThrowAsync<ArgumentException>(() => _f.Store.AppendAsync(id, ExpectedVersion.NoStream, [new Unnamed()]));
        (await _f.Store.ReadStreamAsync(id)).ShouldBeEmpty();
    }
}
