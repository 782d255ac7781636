using Npgsql;

namespace Archive.EventStore;

/// <summary>
/// Fed by the <see cref="ProjectionDaemon"/> in global position order. Its writes on the given
/// connection/transaction commit together with its checkpoint, so each event takes effect once.
/// It must not append events in that transaction: the safe horizon does not wait for projection batches
/// (<see cref="EventStore.SafeHorizonSql"/>), so events appended there could land below other checkpoints.
/// </summary>
public interface IAsyncProjection
{
    /// <summary>Stable name: the checkpoint and dead letters are kept under it.</summary>
    string Name { get; }

    Task ApplyAsync(IReadOnlyList<RecordedEvent> events, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct);

    /// <summary>Empties the read model before a rebuild from position zero.</summary>
    Task ResetAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct);
}
