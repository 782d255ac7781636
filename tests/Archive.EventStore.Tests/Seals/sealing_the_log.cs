using Archive.EventStore.Integrity.Seals;
using Archive.EventStore.Tests.Support;
using Npgsql;

namespace Archive.EventStore.Tests.Seals;

public class sealing_the_log : IClassFixture<StoreFixture>
{
    private readonly StoreFixture _f;
    public sealing_the_log(StoreFixture f) => _f = f;

    [Fact]
    public async Task a_seal_covers_the_events_since_the_previous_seal_and_records_its_hash()
    {
        var s = await SealedStore.CreateAsync(_f);
        var a = await s.StreamOfThreeAsync();
        var first = (await s.SealThroughAsync(await s.PositionOfAsync(a, 3))).ToList();
        var b = await s.StreamOfThreeAsync();
        var second = (await s.SealThroughAsync(await s.PositionOfAsync(b, 3))).ToList();

        first[0].SealNumber.ShouldBe(1);
        first[0].FromPosition.ShouldBe(1);
        first[0].PreviousSealHash.ShouldBeNull();
        second[0].SealNumber.ShouldBe(first[^1].SealNumber + 1);
        second[0].FromPosition.ShouldBe(first[^1].ToPosition + 1);
        second[0].PreviousSealHash.ShouldBe(first[^1].SealHash);
        first.Concat(second).Sum(x => x.EventCount).ShouldBe(6);
        (await _f.ScalarAsync<long>($"select count(*) from {s.Schema}.audit_seal_leaves")).ShouldBe(6);
    }

    [Fact]
    public async Task sealing_again_with_nothing_new_writes_no_seal()
    {
        var s = await SealedStore.CreateAsync(_f);
        var a = await s.StreamOfThreeAsync();
        await s.SealThroughAsync(await s.PositionOfAsync(a, 3));

        (await s.Sealer.SealOnceAsync()).ShouldBeNull();
    }

    [Fact]
    public async Task an_untouched_sealed_log_verifies_and_reports_its_unsealed_tail()
    {
        var s = await SealedStore.CreateAsync(_f);
        var a = await s.StreamOfThreeAsync();
        await s.SealThroughAsync(await s.PositionOfAsync(a, 3));
        await s.Store.AppendAsync(a, ExpectedVersion.Exactly(3), [new ThingRenamed("late")]);

        var report = await s.Verifier.VerifyAsync();

        report.Findings.ShouldBeEmpty();
        report.Intact.ShouldBeTrue();
        report.SealedEventCount.ShouldBe(3);
        report.UnsealedEventCount.ShouldBe(1);
    }

    [Fact]
    public async Task the_run_loop_seals_without_being_asked_and_stops_on_cancel()
    {
        var s = await SealedStore.CreateAsync(_f);
        var a = await s.StreamOfThreeAsync();
        var last = await s.PositionOfAsync(a, 3);
        // A 10 ms interval lets the loop retry while a transaction elsewhere holds the mark back.
        var sealer = new SealService(s.Store, s.Signer, new SealOptions { Interval = TimeSpan.FromMilliseconds(10) });
        using var cts = new CancellationTokenSource();
        var run = sealer.RunAsync(cts.Token);

        await Eventually.UntilAsync(async () =>
            await _f.ScalarAsync<long>($"select coalesce(max(to_position), 0) from {s.Schema}.audit_seals") >= last, "the loop sealed");
        await cts.CancelAsync();
        await run;

        run.IsCompletedSuccessfully.ShouldBeTrue();
    }

    [Fact]
    public async Task creating_the_seal_tables_twice_is_harmless()
    {
        var s = await SealedStore.CreateAsync(_f);

        await Should.NotThrowAsync(() => Task.WhenAll(s.Sealer.EnsureSchemaAsync(), s.Sealer.EnsureSchemaAsync()));
    }
}
