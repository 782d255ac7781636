using System.Text.Json.Nodes;
using Archive.EventStore.Tests.Support;

namespace Archive.EventStore.Tests;

public class reading_events : IClassFixture<StoreFixture>
{
    private readonly StoreFixture _f;
    public reading_events(StoreFixture f) => _f = f;
    private static string NewStream() => $"thing-{Guid.NewGuid():N}";

    [Fact]
    public async Task streams_read_through_a_batch_hold_their_earlier_events_then_the_batch_and_skip_only_earlier_events_of_the_given_types()
    {
        var (older, fresh, untouched) = (NewStream(), NewStream(), NewStream());
        await _f.Store.AppendAsync(older, ExpectedVersion.NoStream, [new ThingOpened("older", 1), new ThingRenamed("skipped")]);
        await _f.Store.AppendAsync(untouched, ExpectedVersion.NoStream, [new ThingOpened("untouched", 1)]);
        var batchStart = await _f.Store.AppendAsync(older, ExpectedVersion.Exactly(2), [new ThingRenamed("in the batch")]);
        await _f.Store.AppendAsync(fresh, ExpectedVersion.NoStream, [new ThingOpened("fresh", 1)]);
        var batch = (await _f.Store.ReadAllAsync(batchStart.FirstPosition, 10)).Where(e => e.StreamId == older || e.StreamId == fresh).ToList();
        // An event of the untouched stream after the batch started is not part of its history.
        await _f.Store.AppendAsync(untouched, ExpectedVersion.Exactly(1), [new ThingRenamed("after the batch")]);

        var read = await _f.Store.ReadStreamsThroughBatchAsync(new[] { older, fresh, untouched }, batch, ["thing.renamed.v1"]);

        read[older].Select(e => e.Version).ShouldBe([1L, 3L]);
        read[older][1].Data.ShouldBe(new ThingRenamed("in the batch"));
        read[fresh].Select(e => e.Version).ShouldBe([1L]);
        read[untouched].Select(e => e.Version).ShouldBe([1L]);
    }

    [Fact]
    public async Task a_stream_reads_forward_backward_and_from_a_version()
    {
        var id = NewStream();
        await _f.Store.AppendAsync(id, ExpectedVersion.NoStream,
            [new ThingOpened("a", 1), new ThingRenamed("b"), new ThingRenamed("c"), new ThingRenamed("d")]);

        (await _f.Store.ReadStreamAsync(id)).Select(e => e.Version).ShouldBe([1L, 2L, 3L, 4L]);
        (await _f.Store.ReadStreamAsync(id, fromVersion: 3)).Select(e => e.Version).ShouldBe([3L, 4L]);
        (await _f.Store.ReadStreamAsync(id, EventStore.StreamEnd, ReadDirection.Backward)).Select(e => e.Version).ShouldBe([4L, 3L, 2L, 1L]);
        (await _f.Store.ReadStreamAsync(id, 2, ReadDirection.Backward)).Select(e => e.Version).ShouldBe([2L, 1L]);
        (await _f.Store.ReadStreamAsync(id, maxCount: 2)).Select(e => e.Data).ShouldBe([new ThingOpened("a", 1), new ThingRenamed("b")]);
    }

    [Fact]
    public async Task the_log_reads_in_position_order_from_a_position()
    {
        var a = await _f.Store.AppendAsync(NewStream(), ExpectedVersion.NoStream, [new ThingOpened("a", 1)]);
        var b = await _f.Store.AppendAsync(NewStream(), ExpectedVersion.NoStream, [new ThingOpened("b", 2), new ThingRenamed("c")]);

        var all = await _f.Store.ReadAllAsync(a.FirstPosition, 100);

        all.Select(e => e.Position).ShouldBe([a.FirstPosition, b.FirstPosition, b.LastPosition]);
        (await _f.Store.ReadAllAsync(b.FirstPosition, 1)).Single().Data.ShouldBe(new ThingOpened("b", 2));
        // Safe reads trail commits while any transaction in the cluster (other test classes too) is open.
        await Eventually.UntilAsync(async () => await _f.Store.GetSafeHighWaterMarkAsync() >= b.LastPosition, "the appends are safe");
        (await _f.Store.ReadAllAsync(a.FirstPosition, 100, safeOnly: true)).Count.ShouldBe(3);
    }

    [Fact]
    public async Task aggregating_folds_the_stream_into_state()
    {
        var id = NewStream();
        await _f.Store.AppendAsync(id, ExpectedVersion.NoStream, [new ThingOpened("first", 7), new ThingRenamed("second")]);
        await _f.Store.AppendAsync(id, ExpectedVersion.Exactly(2), [new ThingRenamed("third")]);

        var (title, version) = await _f.Store.AggregateAsync(id, "", (state, e) => e.Data switch
        {
            ThingOpened o => o.Title,
            ThingRenamed r => r.NewTitle,
            _ => state,
        });

        title.ShouldBe("third");
        version.ShouldBe(3);
    }

    [Fact]
    public async Task events_are_stored_under_their_type_name_as_camel_case_json_without_clr_names()
    {
        var id = NewStream();
        await _f.Store.AppendAsync(id, ExpectedVersion.NoStream, [new ThingOpened("Title", 12)]);

        var row = (await _f.RowsAsync($"select type, data::text from event_store.events where stream_id = '{id}'")).Single();

        row.ShouldBe("thing.opened.v1|{\"pages\": 12, \"title\": \"Title\"}");
        row.ShouldNotContain("ThingOpened");
        row.ShouldNotContain("$type");
    }

    [Fact]
    public async Task metadata_is_stored_and_read_back()
    {
        var id = NewStream();
        var meta = new EventMetadata { Actor = "clerk-7", CorrelationId = "corr-1", CausationId = "cause-1", Headers = { ["ip"] = "10.0.0.1" } };
        await _f.Store.AppendAsync(id, ExpectedVersion.NoStream, [new ThingOpened("t", 1)], meta);

        var read = (await _f.Store.ReadStreamAsync(id)).Single().Metadata;

        read.Actor.ShouldBe("clerk-7");
        read.CorrelationId.ShouldBe("corr-1");
        read.CausationId.ShouldBe("cause-1");
        read.Headers["ip"].ShouldBe("10.0.0.1");
        (await _f.ScalarAsync<string>($"select metadata->>'actor' from event_store.events where stream_id = '{id}'")).ShouldBe("clerk-7");
    }

    [Fact]
    public async Task old_event_versions_are_upcast_on_read()
    {
        var id = NewStream();
        await _f.Store.AppendAsync(id, ExpectedVersion.NoStream, [new ThingLabelledV1("hello")]);
        var upcasting = _f.NewStore(o => o.Events.Upcast("thing.labelled.v1", "thing.labelled.v2",
            old => new JsonObject { ["text"] = old["label"]!.GetValue<string>(), ["language"] = "en" }));

        var e = (await upcasting.ReadStreamAsync(id)).Single();

        e.TypeName.ShouldBe("thing.labelled.v2");
        e.StoredTypeName.ShouldBe("thing.labelled.v1");
        e.Data.ShouldBe(new ThingLabelled("hello", "en"));
        (await upcasting.VerifyHashChainsAsync()).ShouldBeEmpty();
    }
}
