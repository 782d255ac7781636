using System.Collections.Concurrent;
using Npgsql;

namespace Archive.EventStore;

/// <summary>
/// Feeds async projections in global position order, each from its own checkpoint, in its own loop.
/// <para>
/// Only events below the safe horizon are read (<see cref="EventStore.SafeHorizonSql"/>: the oldest running xid,
/// not counting projection batches); the append protocol makes xid order equal position order, so no event can
/// later appear below a checkpoint, and positions burned by rolled-back transactions are simply never seen.
/// </para>
/// <para>
/// Projections do not wait for each other: <see cref="RunAsync"/> runs one loop per projection, each with its own
/// lease (a session advisory lock on a dedicated connection, one key per projection) and its own checkpoint. Run it
/// on every node: for each projection one node holds the lease and the others take over when its connection dies,
/// so different projections may run on different nodes. Correctness does not rest on the lease: each batch locks
/// its checkpoint row, so even two processors at once would neither skip nor repeat an event.
/// </para>
/// </summary>
public sealed class ProjectionDaemon
{
    private readonly EventStore _store;
    private readonly IReadOnlyList<IAsyncProjection> _projections;
    private readonly ProjectionDaemonOptions _options;
    private readonly ConcurrentDictionary<string, int> _leases = new();
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ProjectionDaemon(EventStore store, IEnumerable<IAsyncProjection> projections, ProjectionDaemonOptions? options = null)
    {
        _store = store;
        _projections = projections.ToList();
        _options = options ?? new ProjectionDaemonOptions();
        if (_projections.Select(p => p.Name).Distinct().Count() != _projections.Count)
            throw new ArgumentException("projection names must be unique", nameof(projections));
    }

    /// <summary>True while this instance holds the lease of at least one projection.</summary>
    public bool IsLeader => !_leases.IsEmpty;

    /// <summary>True while this instance holds the projection's lease.</summary>
    public bool Leads(string projection) => _leases.ContainsKey(projection);

    /// <summary>Backend pid of the projection's lease connection while this instance holds it (diagnostics and tests).</summary>
    public int? LeaseBackendPid(string projection) => _leases.TryGetValue(projection, out var pid) ? pid : null;

    private string S => _store.Schema;

    /// <summary>Runs until cancelled: one independent loop per projection, each contending for its lease, then processing.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        _store.Appended += Nudge;
        try
        {
            // Task.Run: a projection that blocks before its first await must not hold up the others' loops either.
            await Task.WhenAll(_projections.Select(p => Task.Run(() => RunProjectionAsync(p, ct), CancellationToken.None)));
        }
        finally
        {
            _store.Appended -= Nudge;
        }
    }

    /// <summary>Ends every idle pause now (something was appended): each projection polls and goes back to its shortest interval.</summary>
    public void Nudge() => Interlocked.Exchange(ref _wake, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <summary>Waits <paramref name="delay"/> or until <see cref="Nudge"/>; true when nudged.</summary>
    private static async Task<bool> PauseAsync(Task wake, TimeSpan delay, CancellationToken ct)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var done = await Task.WhenAny(Task.Delay(delay, timer.Token), wake);
        await timer.CancelAsync();
        ct.ThrowIfCancellationRequested();
        return done == wake;
    }

    private async Task RunProjectionAsync(IAsyncProjection p, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await LeadAsync(p, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                _options.OnError?.Invoke(e);
            }
            try { await Task.Delay(_options.LeaderRetryInterval, ct); }
            catch (OperationCanceledException) { return; }
        }
    }

    private async Task LeadAsync(IAsyncProjection p, CancellationToken ct)
    {
        var key = _store.Keys.ProjectionLease(p.Name);
        await using var lease = await _store.DataSource.OpenConnectionAsync(ct);
        await using (var cmd = new NpgsqlCommand($"select pg_try_advisory_lock({key})", lease))
            if (!(bool)(await cmd.ExecuteScalarAsync(ct))!) return;
        try
        {
            _leases[p.Name] = lease.ProcessID;
            await EnsureCheckpointsAsync([p], ct);
            var idle = 0;
            while (!ct.IsCancellationRequested)
            {
                // Taken before processing, so an append during the batch is not missed: its nudge ends the pause below.
                var wake = Volatile.Read(ref _wake).Task;
                // Proves the lease is still ours: if this connection died, the lock went with it.
                await using (var ping = new NpgsqlCommand("select 1", lease))
                    await ping.ExecuteScalarAsync(ct);
                if (await ProcessAsync(p, ct) > 0) { idle = 0; continue; }
                // An append in a caller's transaction nudges before its commit: polling restarts at the shortest interval.
                var pause = TimeSpan.FromTicks(Math.Min(_options.PollInterval.Ticks << Math.Min(idle, 16), Math.Max(_options.PollInterval.Ticks, _options.MaxIdlePollInterval.Ticks)));
                idle = await PauseAsync(wake, pause, ct) ? 0 : idle + 1;
            }
        }
        finally
        {
            _leases.TryRemove(p.Name, out _);
            if (lease.State == System.Data.ConnectionState.Open)
            {
                try
                {
                    await using var unlock = new NpgsqlCommand($"select pg_advisory_unlock({key})", lease);
                    await unlock.ExecuteScalarAsync(CancellationToken.None);
                }
                catch (Exception e) when (e is NpgsqlException or InvalidOperationException) { /* connection already gone: so is the lock */ }
            }
        }
    }

    /// <summary>
    /// Processes every projection until none has a safe event left; returns the number of events
    /// processed. Usable without <see cref="RunAsync"/> (tests, one-shot catch-up).
    /// </summary>
    public async Task<long> CatchUpAsync(CancellationToken ct = default)
    {
        await EnsureCheckpointsAsync(_projections, ct);
        long total = 0;
        while (true)
        {
            var n = 0;
            foreach (var p in _projections) n += await ProcessAsync(p, ct);
            if (n == 0) return total;
            total += n;
        }
    }

    /// <summary>
    /// Empties the projection's read model, sets its checkpoint to zero, clears its dead letters
    /// (a replay records them again) and replays every safe event.
    /// </summary>
    public async Task RebuildAsync(string projectionName, CancellationToken ct = default)
    {
        var p = _projections.Single(x => x.Name == projectionName);
        await EnsureCheckpointsAsync([p], ct);
        await using (var conn = await _store.DataSource.OpenConnectionAsync(ct))
        await using (var tx = await conn.BeginTransactionAsync(ct))
        {
            await LockCheckpointAsync(conn, tx, p.Name, ct);
            await p.ResetAsync(conn, tx, ct);
            foreach (var sql in new[] { $"update {S}.projection_checkpoints set position = 0, updated = now() where name = $1",
                                        $"delete from {S}.dead_letters where projection = $1" })
            {
                await using var cmd = new NpgsqlCommand(sql, conn, tx);
                cmd.Parameters.AddWithValue(p.Name);
                await cmd.ExecuteNonQueryAsync(ct);
            }
            await tx.CommitAsync(ct);
        }
        while (await ProcessAsync(p, ct) > 0) { }
    }

    private async Task EnsureCheckpointsAsync(IEnumerable<IAsyncProjection> projections, CancellationToken ct)
    {
        await using var cmd = _store.DataSource.CreateCommand(
            $"insert into {S}.projection_checkpoints (name) select unnest($1::text[]) on conflict (name) do nothing");
        cmd.Parameters.AddWithValue(projections.Select(p => p.Name).ToArray());
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>One batch; if the batch fails on a poison event, single-steps through it so the
    /// poison event goes to the dead letters and the good ones are applied.</summary>
    private async Task<int> ProcessAsync(IAsyncProjection p, CancellationToken ct)
    {
        try
        {
            return await ProcessBatchAsync(p, _options.BatchSize, deadLetter: false, ct);
        }
        catch (Exception e) when (IsPoison(e, ct))
        {
            var total = 0;
            for (var i = 0; i < _options.BatchSize; i++)
            {
                var n = await ProcessBatchAsync(p, 1, deadLetter: true, ct);
                if (n == 0) break;
                total += n;
            }
            return total;
        }
    }

    private async Task<int> ProcessBatchAsync(IAsyncProjection p, int max, bool deadLetter, CancellationToken ct)
    {
        await using var conn = await _store.DataSource.OpenConnectionAsync(ct);
        long checkpoint;
        List<RawEvent> rows;
        await using (var tx = await conn.BeginTransactionAsync(ct))
        {
            checkpoint = await LockCheckpointAsync(conn, tx, p.Name, ct);
            await using (var read = new NpgsqlCommand(_store.SelectSafeBatchSql, conn, tx))
            {
                read.Parameters.AddWithValue(checkpoint);
                read.Parameters.AddWithValue((long)max);
                rows = await EventStore.ReadRawAsync(read, ct);
            }
            if (rows.Count == 0) return 0;
            try
            {
                var events = await _store.ToRecordedAsync(rows, conn, tx, ct);
                await p.ApplyAsync(events, conn, tx, ct);
                await SetCheckpointAsync(conn, tx, p.Name, rows[^1].Position, ct);
                await tx.CommitAsync(ct);
                return rows.Count;
            }
            catch (Exception e) when (deadLetter && rows.Count == 1 && IsPoison(e, ct))
            {
                await tx.RollbackAsync(ct);
                await DeadLetterAsync(conn, p.Name, checkpoint, rows[0], e, ct);
                return 1;
            }
        }
    }

    private async Task DeadLetterAsync(NpgsqlConnection conn, string projection, long expectedCheckpoint, RawEvent e, Exception error, CancellationToken ct)
    {
        await using var tx = await conn.BeginTransactionAsync(ct);
        // Another processor may have moved on meanwhile; then this event is not ours to bury.
        if (await LockCheckpointAsync(conn, tx, projection, ct) != expectedCheckpoint) return;
        await using (var cmd = new NpgsqlCommand(
            $"insert into {S}.dead_letters (projection, position, stream_id, version, type, error) values ($1, $2, $3, $4, $5, $6)", conn, tx))
        {
            cmd.Parameters.AddWithValue(projection);
            cmd.Parameters.AddWithValue(e.Position);
            cmd.Parameters.AddWithValue(e.StreamId);
            cmd.Parameters.AddWithValue(e.Version);
            cmd.Parameters.AddWithValue(e.Type);
            cmd.Parameters.AddWithValue(error.ToString());
            await cmd.ExecuteNonQueryAsync(ct);
        }
        await SetCheckpointAsync(conn, tx, projection, e.Position, ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>
    /// First statement of every projection transaction: marks it as a projection batch (before the row lock gives it
    /// an xid, so the safe horizon never waits for it), then locks and reads the checkpoint.
    /// </summary>
    private async Task<long> LockCheckpointAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string name, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(conn, tx)
        {
            BatchCommands =
            {
                new($"select pg_advisory_xact_lock_shared({_store.Keys.ProjectionBatch})"),
                new($"select position from {S}.projection_checkpoints where name = $1 for update") { Parameters = { new() { Value = name } } },
            },
        };
        await using var r = await batch.ExecuteReaderAsync(ct);
        await r.NextResultAsync(ct);
        return await r.ReadAsync(ct) ? r.GetInt64(0) : throw new InvalidOperationException($"no checkpoint row for projection '{name}'");
    }

    private async Task SetCheckpointAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string name, long position, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"update {S}.projection_checkpoints set position = $2, updated = now() where name = $1", conn, tx);
        cmd.Parameters.AddWithValue(name);
        cmd.Parameters.AddWithValue(position);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// A failure caused by the event or the projection's code, as opposed to the infrastructure:
    /// cancellation, lost connections, shutdowns and serialization/deadlock retries are not poison.
    /// </summary>
    private static bool IsPoison(Exception e, CancellationToken ct) => e switch
    {
        OperationCanceledException when ct.IsCancellationRequested => false,
        PostgresException pe => !(pe.SqlState.StartsWith("08") || pe.SqlState.StartsWith("57") || pe.SqlState.StartsWith("53")
                                  || pe.SqlState is "40001" or "40P01"),
        NpgsqlException => false,
        _ => true,
    };
}
