using Archive.EventStore.Tests.Support;
using Npgsql;

namespace Archive.EventStore.Tests;

public class inline_projections : IClassFixture<StoreFixture>
{
    private readonly StoreFixture _f;
    public inline_projections(StoreFixture f) => _f = f;

    private sealed class TitleProjection : IInlineProjection
    {
        public async Task ApplyAsync(IReadOnlyList<RecordedEvent> events, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
        {
            foreach (var e in events)
            {
                var title = e.Data switch { ThingOpened o => o.Title, ThingRenamed r => r.NewTitle, _ => null };
                if (e.Data is ThingPoisoned) throw new InvalidOperationException("refused inline");
                if (title is null) continue;
                await using var cmd = new NpgsqlCommand(
                    "insert into titles values ($1, $2, $3) on conflict (id) do update set title = excluded.title, version = excluded.version",
                    connection, transaction);
                cmd.Parameters.AddWithValue(e.StreamId);
                cmd.Parameters.AddWithValue(title);
                cmd.Parameters.AddWithValue(e.Version);
                await cmd.ExecuteNonQueryAsync(ct);
            }
        }
    }

    private async Task<EventStore> StoreAsync()
    {
        await _f.ExecAsync("create table if not exists titles (id text primary key, title text not null, version bigint not null)");
        return _f.NewStore(o => o.InlineProjections.Add(new TitleProjection()));
    }

    [Fact]
    public async Task an_inline_projection_commits_with_the_append()
    {
        var store = await StoreAsync();
        var id = $"inline-{Guid.NewGuid():N}";

        await store.AppendAsync(id, ExpectedVersion.NoStream, [new ThingOpened("one", 1), new ThingRenamed("two")]);

        (await _f.RowsAsync($"select title, version from titles where id = '{id}'")).ShouldBe(["two|2"]);
    }

    [Fact]
    public async Task a_failing_inline_projection_rolls_back_the_append()
    {
        var store = await StoreAsync();
        var id = $"inline-{Guid.NewGuid():N}";
        await store.AppendAsync(id, ExpectedVersion.NoStream, [new ThingOpened("one", 1)]);

        await Should.ThrowAsync<InvalidOperationException>(() =>
            store.AppendAsync(id, ExpectedVersion.Exactly(1), [new ThingRenamed("two"), new ThingPoisoned("no")]));

        (await store.ReadStreamAsync(id)).Count.ShouldBe(1);
        (await _f.RowsAsync($"select title, version from titles where id = '{id}'")).ShouldBe(["one|1"]);
    }
}
