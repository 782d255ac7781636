using Archive.EventStore.Tests.Support;

namespace Archive.EventStore.Tests.Seals;

/// <summary>
/// Holding a transaction open holds back the safe high-water mark of the whole cluster, so this
/// runs alone: other classes' "safe" reads would otherwise stall behind it.
/// </summary>
[CollectionDefinition(nameof(SealOpenTransactionCollection), DisableParallelization = true)]
public sealed class SealOpenTransactionCollection;

[Collection(nameof(SealOpenTransactionCollection))]
public class sealing_behind_an_open_transaction : IClassFixture<StoreFixture>
{
    private readonly StoreFixture _f;
    public sealing_behind_an_open_transaction(StoreFixture f) => _f = f;

    [Fact]
    public async Task an_open_appending_transaction_keeps_later_events_out_of_the_seal()
    {
        var s = await SealedStore.CreateAsync(_f);
        await using var conn = await _f.DataSource.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        var open = await s.Store.AppendAsync(conn, tx, "open-stream", ExpectedVersion.NoStream, [new ThingOpened("pending", 1)]);
        var later = await s.Store.AppendAsync("later-stream", ExpectedVersion.NoStream, [new ThingOpened("committed", 1)]);

        var seal = await s.Sealer.SealOnceAsync();

        // The open transaction's position is below the committed one: sealing past it could miss it.
        (seal is null || seal.ToPosition < open.FirstPosition).ShouldBeTrue();
        await tx.CommitAsync();
        var seals = await s.SealThroughAsync(later.LastPosition);
        seals.Sum(x => x.EventCount).ShouldBe(2);
    }
}
