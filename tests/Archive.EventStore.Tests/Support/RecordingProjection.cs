using Npgsql;

namespace Archive.EventStore.Tests.Support;

/// <summary>
/// Writes one row per event keyed by position, without "on conflict": applying an event twice
/// fails loudly, so exactly-once is checked by the table itself. Throws on ThingPoisoned.
/// </summary>
public sealed class RecordingProjection(string name) : IAsyncProjection
{
    public string Name { get; } = name;
    public string Table => $"seen_{Name}";

    public async Task CreateTableAsync(NpgsqlDataSource ds)
    {
        await using var cmd = ds.CreateCommand(
            $"create table if not exists {Table} (position bigint primary key, stream_id text not null, version bigint not null, type text not null)");
        await cmd.ExecuteNonQueryAsync();
    }

    public async Task ApplyAsync(IReadOnlyList<RecordedEvent> events, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        if (events.FirstOrDefault(e => e.Data is ThingPoisoned) is { } poison)
            throw new InvalidOperationException($"cannot project {((ThingPoisoned)poison.Data!).Why}");
        await using var cmd = new NpgsqlCommand(
            $"insert into {Table} select * from unnest($1::bigint[], $2::text[], $3::bigint[], $4::text[])", connection, transaction);
        cmd.Parameters.AddWithValue(events.Select(e => e.Position).ToArray());
        cmd.Parameters.AddWithValue(events.Select(e => e.StreamId).ToArray());
        cmd.Parameters.AddWithValue(events.Select(e => e.Version).ToArray());
        cmd.Parameters.AddWithValue(events.Select(e => e.TypeName).ToArray());
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task ResetAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"delete from {Table}", connection, transaction);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
