using Npgsql;

namespace Archive.EventStore;

/// <summary>
/// Runs inside the append's transaction, after the events are written: its writes commit or
/// roll back with the events. An exception aborts the append.
/// </summary>
public interface IInlineProjection
{
    Task ApplyAsync(IReadOnlyList<RecordedEvent> events, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct);
}
