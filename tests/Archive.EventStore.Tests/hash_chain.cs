using Archive.EventStore.Integrity;
using Archive.EventStore.Tests.Support;

namespace Archive.EventStore.Tests;

public class hash_chain : IClassFixture<StoreFixture>
{
    private readonly StoreFixture _f;
    public hash_chain(StoreFixture f) => _f = f;
    private static string NewStream() => $"chain-{Guid.NewGuid():N}";

    private async Task<string> StreamOfFourAsync()
    {
        var id = NewStream();
        await _f.Store.AppendAsync(id, ExpectedVersion.NoStream, [new ThingOpened("a", 1), new ThingRenamed("b")]);
        await _f.Store.AppendAsync(id, ExpectedVersion.Exactly(2), [new ThingRenamed("c"), new ThingRenamed("d")],
            new EventMetadata { Actor = "ü-ñ", Headers = { ["k"] = "multi\nline" } });
        return id;
    }

    [Fact]
    public async Task each_event_links_to_its_predecessor_and_its_hash_is_recomputable_from_the_row()
    {
        var id = await StreamOfFourAsync();
        var events = await _f.Store.ReadStreamAsync(id);

        events[0].PreviousHash.ShouldBeNull();
        for (var i = 1; i < events.Count; i++) events[i].PreviousHash.ShouldBe(events[i - 1].Hash);
        var row = (await _f.RowsAsync($"select data::text, metadata::text from event_store.events where stream_id = '{id}' and version = 4")).Single().Split('|');
        EventHash.Compute(events[2].Hash, id, 4, "thing.renamed.v1", row[0], row[1], events[3].RecordedAt).ShouldBe(events[3].Hash);
        (await _f.Store.VerifyHashChainsAsync()).Where(b => b.StreamId == id).ShouldBeEmpty();
    }

    [Fact]
    public async Task single_event_appends_hash_exactly_as_the_csharp_encoding_does()
    {
        // The append function hashes one event and several events by different code paths.
        var id = NewStream();
        await _f.Store.AppendAsync(id, ExpectedVersion.NoStream, [new ThingOpened("Quyết định", 1)]);
        await _f.Store.AppendAsync(id, ExpectedVersion.Exactly(1), [new ThingRenamed("Ủy ban")],
            new EventMetadata { Actor = "ü-ñ", Headers = { ["reason"] = "multi\nline" } });
        await _f.Store.AppendAsync(id, ExpectedVersion.Exactly(2), [new ThingRenamed("x"), new ThingRenamed("y"), new ThingRenamed("z")]);
        await _f.Store.AppendAsync(id, ExpectedVersion.Any, [new ThingRenamed("after a batch")]);
        var events = await _f.Store.ReadStreamAsync(id);
        var rows = await _f.RowsAsync($"select data::text, metadata::text from event_store.events where stream_id = '{id}' order by version");

        events.Count.ShouldBe(6);
        for (var i = 0; i < events.Count; i++)
        {
            var row = rows[i].Split('|');
            EventHash.Compute(i == 0 ? null : events[i - 1].Hash, id, i + 1, events[i].StoredTypeName, row[0], row[1], events[i].RecordedAt)
                .ShouldBe(events[i].Hash, $"version {i + 1}");
            events[i].PreviousHash.ShouldBe(i == 0 ? null : events[i - 1].Hash, $"version {i + 1}");
        }
        // The stream row holds its head and the head's predecessor (the single-event append reads them).
        (await _f.RowsAsync($"select encode(last_hash, 'hex'), encode(last_previous_hash, 'hex') from event_store.streams where id = '{id}'"))
            .ShouldHaveSingleItem().ShouldBe($"{Convert.ToHexStringLower(events[^1].Hash)}|{Convert.ToHexStringLower(events[^2].Hash)}");
        (await _f.Store.VerifyHashChainsAsync()).Where(b => b.StreamId == id).ShouldBeEmpty();
    }

    [Fact]
    public async Task editing_an_event_rows_data_is_reported_with_its_stream_and_version()
    {
        var id = await StreamOfFourAsync();
        await _f.ExecAsync($"update event_store.events set data = '{{\"newTitle\": \"forged\"}}' where stream_id = '{id}' and version = 3");

        var breaks = (await _f.Store.VerifyHashChainsAsync()).Where(b => b.StreamId == id).ToList();

        breaks.ShouldHaveSingleItem().Version.ShouldBe(3);
    }

    [Fact]
    public async Task verifying_named_streams_reports_their_breaks_and_nothing_of_other_streams()
    {
        var edited = await StreamOfFourAsync();
        var other = await StreamOfFourAsync();
        var clean = await StreamOfFourAsync();
        await _f.ExecAsync($"update event_store.events set data = '{{\"newTitle\": \"forged\"}}' where stream_id in ('{edited}', '{other}') and version = 2");

        var verifier = new HashChainVerifier(_f.Store.DataSource, "event_store");
        (await verifier.VerifyStreamsAsync([edited, clean])).Select(b => (b.StreamId, b.Version)).ShouldBe([(edited, 2L)]);
        (await verifier.VerifyStreamsAsync([clean])).ShouldBeEmpty();
    }

    [Fact]
    public async Task deleting_an_event_row_is_reported()
    {
        var id = await StreamOfFourAsync();
        await _f.ExecAsync($"delete from event_store.events where stream_id = '{id}' and version = 2");

        var breaks = (await _f.Store.VerifyHashChainsAsync()).Where(b => b.StreamId == id).ToList();

        breaks.ShouldContain(b => b.Version == 2 && b.Reason.Contains("missing"));
        breaks.ShouldContain(b => b.Version == 3);
    }

    [Fact]
    public async Task a_stream_row_whose_head_links_differ_from_its_last_event_is_reported()
    {
        var id = await StreamOfFourAsync();
        await _f.ExecAsync($"update event_store.streams set last_previous_hash = last_hash where id = '{id}'");

        (await _f.Store.VerifyHashChainsAsync()).Where(b => b.StreamId == id).ShouldHaveSingleItem().Version.ShouldBe(4);
    }

    [Fact]
    public async Task deleting_a_streams_last_event_is_reported()
    {
        var id = await StreamOfFourAsync();
        await _f.ExecAsync($"delete from event_store.events where stream_id = '{id}' and version = 4");

        (await _f.Store.VerifyHashChainsAsync()).ShouldContain(b => b.StreamId == id && b.Version == 4);
    }
}
