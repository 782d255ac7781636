using System.Security.Cryptography;
using Archive.EventStore.Encryption;
using Archive.EventStore.Tests.Seals;
using Archive.EventStore.Tests.Support;

namespace Archive.EventStore.Tests;

public class stream_encryption : IClassFixture<StoreFixture>
{
    private const string Title = "Hồ sơ bồi thường giải phóng mặt bằng Khu B";
    private const string Reason = "sửa theo công văn về Khu B";
    private readonly StoreFixture _f;
    private readonly byte[] _masterKey = RandomNumberGenerator.GetBytes(32);
    private readonly EventStore _store;

    public stream_encryption(StoreFixture f)
    {
        _f = f;
        _store = f.NewStore(Protect(_masterKey));
    }

    private static Action<EventStoreOptions> Protect(byte[] masterKey) =>
        o => o.Encryption = new StreamEncryptionOptions(masterKey).Protect("thing.opened.v1", "thing.renamed.v1");

    private static string NewStream() => $"enc-{Guid.NewGuid():N}";

    private static EventMetadata WithReason => new() { Actor = "clerk-1", Headers = { ["reason"] = Reason, ["actorRole"] = "records_officer" } };

    /// <summary>Opened (protected), labelled (not protected), renamed (protected).</summary>
    private async Task<string> StreamAsync(EventStore store)
    {
        var id = NewStream();
        await store.AppendAsync(id, ExpectedVersion.NoStream, [new ThingOpened(Title, 3), new ThingLabelled("nhãn công khai", "vi")], WithReason);
        await store.AppendAsync(id, ExpectedVersion.Exactly(2), [new ThingRenamed(Title + " (sửa)")]);
        return id;
    }

    private async Task ShredAsync(EventStore store, params string[] streams)
    {
        await using var conn = await _f.DataSource.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await store.ShredStreamsAsync(streams, conn, tx);
        await tx.CommitAsync();
    }

    [Fact]
    public async Task protected_data_and_reasons_are_stored_as_ciphertext_and_read_back_as_plaintext()
    {
        var id = await StreamAsync(_store);

        var rows = await _f.RowsAsync($"select type, data::text, metadata::text from event_store.events where stream_id = '{id}' order by version");
        rows.Count.ShouldBe(3);
        rows.ShouldAllBe(r => !r.Contains("Khu B"));
        rows[0].ShouldContain("\"enc\"");
        rows[0].ShouldContain("clerk-1"); // who stays readable: only free text is protected
        rows[1].ShouldContain("nhãn công khai"); // unprotected types stay plain JSON, but the append's reason is sealed on every event
        (await _f.ScalarAsync<long>($"select count(*) from event_store.stream_keys where stream_id = '{id}' and wrapped_key is not null")).ShouldBe(1);

        var events = await _store.ReadStreamAsync(id);
        events[0].Data.ShouldBe(new ThingOpened(Title, 3));
        events[0].Metadata.Headers["reason"].ShouldBe(Reason);
        events[1].Data.ShouldBe(new ThingLabelled("nhãn công khai", "vi"));
        events[1].Metadata.Headers["reason"].ShouldBe(Reason);
        events[2].Data.ShouldBe(new ThingRenamed(Title + " (sửa)"));
        (await _store.ReadAllAsync(events[0].Position, 3)).Select(e => e.Data).ShouldBe(events.Select(e => e.Data));
        (await _store.ReadPositionsAsync([events[2].Position, events[0].Position])).Select(e => e.Data).ShouldBe([events[0].Data, events[2].Data]);
    }

    [Fact]
    public async Task clear_fields_stay_queryable_by_sql_next_to_the_ciphertext_and_after_shredding()
    {
        var store = _f.NewStore(o => o.Encryption = new StreamEncryptionOptions(_masterKey).Protect("thing.opened.v1", ["pages"]));
        var id = NewStream();
        await store.AppendAsync(id, ExpectedVersion.NoStream, [new ThingOpened(Title, 42)]);

        var row = async () => (await _f.RowsAsync($"select data->>'pages', data::text from event_store.events where stream_id = '{id}'")).Single();
        (await row()).ShouldStartWith("42|");
        (await row()).ShouldNotContain("Khu B");
        (await store.ReadStreamAsync(id)).Single().Data.ShouldBe(new ThingOpened(Title, 42));
        Should.Throw<ArgumentException>(() => new StreamEncryptionOptions(_masterKey).Protect("thing.opened.v1", ["enc"]));

        await ShredAsync(store, id);

        (await row()).ShouldStartWith("42|");
        (await store.ReadStreamAsync(id)).Single().Data.ShouldBeOfType<ShreddedEvent>();
    }

    [Fact]
    public async Task after_shredding_protected_events_read_as_shredded_and_the_rest_is_intact()
    {
        var id = await StreamAsync(_store);
        var before = await _store.ReadStreamAsync(id);

        await ShredAsync(_store, id);

        var after = await _store.ReadStreamAsync(id);
        after.Count.ShouldBe(3);
        after[0].Data.ShouldBeOfType<ShreddedEvent>().TypeName.ShouldBe("thing.opened.v1");
        after[0].RawData.ShouldBe(ShreddedEvent.RawData);
        after[0].Metadata.Headers["reason"].ShouldBe(ShreddedEvent.ShreddedHeader);
        after[0].Metadata.Actor.ShouldBe("clerk-1");
        after[1].Data.ShouldBe(new ThingLabelled("nhãn công khai", "vi"));
        after[2].Data.ShouldBeOfType<ShreddedEvent>();
        after.Select(e => (e.Version, Convert.ToHexString(e.Hash), e.RecordedAt)).ShouldBe(before.Select(e => (e.Version, Convert.ToHexString(e.Hash), e.RecordedAt)));
        (await _store.ReadAllAsync(after[0].Position, 1)).Single().Data.ShouldBeOfType<ShreddedEvent>();
        (await _f.ScalarAsync<long>($"select count(*) from event_store.stream_keys where stream_id = '{id}' and wrapped_key is null and shredded_at is not null")).ShouldBe(1);
    }

    [Fact]
    public async Task a_shredded_stream_refuses_protected_events_but_takes_plain_ones()
    {
        var id = await StreamAsync(_store);
        await ShredAsync(_store, id);

        await Should.ThrowAsync<StreamShreddedException>(() => _store.AppendAsync(id, ExpectedVersion.Exactly(3), [new ThingRenamed("again")]));
        await _store.AppendAsync(id, ExpectedVersion.Exactly(3), [new ThingLabelled("đã hủy", "vi")]);

        (await _store.ReadStreamAsync(id)).Select(e => e.Version).ShouldBe([1L, 2, 3, 4]);
    }

    [Fact]
    public async Task shredding_a_stream_without_protected_events_still_marks_it_shredded()
    {
        var id = NewStream();
        await _store.AppendAsync(id, ExpectedVersion.NoStream, [new ThingLabelled("x", "vi")]);

        await ShredAsync(_store, id, id);

        await Should.ThrowAsync<StreamShreddedException>(() => _store.AppendAsync(id, ExpectedVersion.Any, [new ThingOpened("y", 1)]));
    }

    [Fact]
    public async Task hash_chains_and_audit_seals_still_verify_after_shredding()
    {
        var sealedStore = await SealedStore.CreateAsync(_f, Protect(_masterKey));
        var id = await StreamAsync(sealedStore.Store);
        await sealedStore.SealThroughAsync(await sealedStore.PositionOfAsync(id, 3));
        (await sealedStore.Verifier.VerifyAsync()).Intact.ShouldBeTrue();

        await ShredAsync(sealedStore.Store, id);

        (await sealedStore.Store.ReadStreamAsync(id))[0].Data.ShouldBeOfType<ShreddedEvent>();
        (await sealedStore.Store.VerifyHashChainsAsync()).ShouldBeEmpty();
        var report = await sealedStore.Verifier.VerifyAsync();
        report.Findings.ShouldBeEmpty();
        report.SealedEventCount.ShouldBe(3);
    }

    [Fact]
    public async Task altered_ciphertext_is_refused_on_read_and_reported_by_the_hash_chain()
    {
        var id = await StreamAsync(_store);
        // Flip one base64 character inside the ciphertext of version 3 (past the nonce).
        await _f.ExecAsync($$"""
            update event_store.events set data = jsonb_set(data, '{enc}', to_jsonb(overlay(data->>'enc' placing
                case when substr(data->>'enc', 30, 1) = 'A' then 'B' else 'A' end from 30 for 1)))
            where stream_id = '{{id}}' and version = 3
            """);

        var e = await Should.ThrowAsync<EventDecryptionException>(() => _store.ReadStreamAsync(id));
        e.StreamId.ShouldBe(id);
        e.Version.ShouldBe(3);
        (await _store.VerifyHashChainsAsync()).ShouldContain(b => b.StreamId == id && b.Version == 3);
    }

    [Fact]
    public async Task a_ciphertext_copied_onto_another_event_does_not_decrypt()
    {
        var id = NewStream();
        await _store.AppendAsync(id, ExpectedVersion.NoStream, [new ThingRenamed("một"), new ThingRenamed("hai")]);
        await _f.ExecAsync($"""
            update event_store.events e set data = (select data from event_store.events where stream_id = '{id}' and version = 1)
            where e.stream_id = '{id}' and e.version = 2
            """);

        (await Should.ThrowAsync<EventDecryptionException>(() => _store.ReadStreamAsync(id))).Version.ShouldBe(2);
    }

    [Fact]
    public async Task another_master_key_cannot_read_protected_events()
    {
        var id = await StreamAsync(_store);
        var stranger = _f.NewStore(Protect(RandomNumberGenerator.GetBytes(32)));

        await Should.ThrowAsync<EventDecryptionException>(() => stranger.ReadStreamAsync(id));
    }

    [Fact]
    public async Task a_projection_sees_plaintext_before_shredding_and_the_marker_after()
    {
        var id = await StreamAsync(_store);
        var projection = new CapturingProjection();
        var daemon = new ProjectionDaemon(_store, [projection]);
        await daemon.CatchUpAsync();
        projection.Seen.Where(e => e.StreamId == id).Select(e => e.Data).ShouldContain(new ThingOpened(Title, 3));

        await ShredAsync(_store, id);
        await daemon.RebuildAsync(projection.Name);

        projection.Seen.Where(e => e.StreamId == id && e.Version == 1).Last().Data.ShouldBeOfType<ShreddedEvent>();
    }
}

/// <summary>Keeps what it was given, in memory: enough to see what a projection receives.</summary>
internal sealed class CapturingProjection : IAsyncProjection
{
    public string Name { get; } = "capture_" + Guid.NewGuid().ToString("N")[..8];
    public List<RecordedEvent> Seen { get; } = [];

    public Task ApplyAsync(IReadOnlyList<RecordedEvent> events, Npgsql.NpgsqlConnection connection, Npgsql.NpgsqlTransaction transaction,
        CancellationToken ct)
    {
        lock (Seen) Seen.AddRange(events);
        return Task.CompletedTask;
    }

    public Task ResetAsync(Npgsql.NpgsqlConnection connection, Npgsql.NpgsqlTransaction transaction, CancellationToken ct) => Task.CompletedTask;
}
