using System.Text.Json;
using Archive.EventStore.Encryption;
using Archive.EventStore.Integrity;
using Archive.EventStore.Schema;
using Npgsql;
using NpgsqlTypes;

namespace Archive.EventStore;

/// <summary>
/// Append-only, hash-chained event streams in PostgreSQL. Thread-safe; one instance per
/// database/schema is enough. Give it a data source built with <c>No Reset On Close=true</c>:
/// Npgsql's DISCARD ALL on pool return drops the append function's cached plans (about half the
/// append throughput is lost re-planning).
/// </summary>
public sealed class EventStore
{
    private const string Columns = "position, stream_id, version, type, data, metadata, recorded_at, hash, previous_hash";
    private readonly string _s;

    public EventStore(NpgsqlDataSource dataSource, EventStoreOptions? options = null)
    {
        DataSource = dataSource;
        Options = options ?? new EventStoreOptions();
        _s = Options.Schema;
        Keys = new LockKeys(_s);
        if (Options.Encryption is { } enc) _encryption = new StreamEncryption(enc, _s, Keys.SchemaHash);
    }

    private readonly StreamEncryption? _encryption;

    public EventStoreOptions Options { get; }
    internal NpgsqlDataSource DataSource { get; }
    internal LockKeys Keys { get; }
    internal string Schema => _s;

    /// <summary>
    /// Creates or upgrades the schema. Idempotent; concurrent callers (several nodes starting at
    /// once) are serialized by an advisory lock, so each step runs exactly once.
    /// </summary>
    public Task MigrateAsync(CancellationToken ct = default) => MigrateAsync(int.MaxValue, ct);

    /// <summary>Applies the steps up to <paramref name="throughVersion"/> (tests of upgrades from an older schema).</summary>
    internal async Task MigrateAsync(int throughVersion, CancellationToken ct)
    {
        await using var conn = await DataSource.OpenConnectionAsync(ct);
        await Exec(conn, null, $"select pg_advisory_lock({Keys.Migrate})", ct);
        try
        {
            await Exec(conn, null, $"create schema if not exists {_s}; " +
                $"create table if not exists {_s}.schema_version (version int primary key, applied_at timestamptz not null default now())", ct);
            long current;
            await using (var cmd = new NpgsqlCommand($"select coalesce(max(version), 0) from {_s}.schema_version", conn))
                current = Convert.ToInt64(await cmd.ExecuteScalarAsync(ct));
            foreach (var (version, sql) in Migrations.All.Where(m => m.Version > current && m.Version <= throughVersion).OrderBy(m => m.Version))
            {
                await using var tx = await conn.BeginTransactionAsync(ct);
                await Exec(conn, tx, sql.Replace("{s}", _s).Replace("{append_key}", Keys.Append.ToString())
                    .Replace("{schema_hash}", Keys.SchemaHash.ToString()), ct);
                await Exec(conn, tx, $"insert into {_s}.schema_version (version) values ({version})", ct);
                await tx.CommitAsync(ct);
            }
        }
        finally
        {
            await Exec(conn, null, $"select pg_advisory_unlock({Keys.Migrate})", CancellationToken.None);
        }
    }

    /// <summary>
    /// Raised after each append through this instance (in a caller's transaction: before that commits). A projection daemon of
    /// this process listens, so it polls at once instead of at its idle interval (<see cref="ProjectionDaemon"/>).
    /// </summary>
    public event Action? Appended;

    /// <summary>Appends events to one stream in one transaction (its own).</summary>
    public async Task<AppendResult> AppendAsync(string streamId, ExpectedVersion expected, IReadOnlyList<object> events,
        EventMetadata? metadata = null, CancellationToken ct = default)
    {
        await using var conn = await DataSource.OpenConnectionAsync(ct);
        // Protected events need the stream lock held from key lookup to append: a transaction.
        if (Options.InlineProjections.Count == 0 && !NeedsKey(events, metadata))
            // A single statement is its own transaction: one round trip, no BEGIN/COMMIT.
            return (await AppendCoreAsync(conn, null, streamId, expected, events, metadata, ct)).Result;
        await using var tx = await conn.BeginTransactionAsync(ct);
        var result = await AppendAsync(conn, tx, streamId, expected, events, metadata, ct);
        await tx.CommitAsync(ct);
        return result;
    }

    /// <summary>
    /// Appends within the caller's transaction, which the caller commits. The transaction may write
    /// other rows before or after, and may append to several streams (the order of positions is
    /// the order of the appends). Inline projections run before this returns.
    /// </summary>
    public async Task<AppendResult> AppendAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string streamId,
        ExpectedVersion expected, IReadOnlyList<object> events, EventMetadata? metadata = null, CancellationToken ct = default)
    {
        var (result, recorded) = await AppendCoreAsync(connection, transaction, streamId, expected, events, metadata, ct);
        foreach (var p in Options.InlineProjections)
            await p.ApplyAsync(recorded, connection, transaction, ct);
        return result;
    }

    private async Task<(AppendResult Result, List<RecordedEvent> Recorded)> AppendCoreAsync(NpgsqlConnection conn,
        NpgsqlTransaction? tx, string streamId, ExpectedVersion expected, IReadOnlyList<object> events, EventMetadata? metadata,
        CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        if (events.Count == 0) throw new ArgumentException("nothing to append", nameof(events));
        metadata ??= new EventMetadata();
        var types = new string[events.Count];
        var data = new string[events.Count];
        var metaJson = JsonSerializer.Serialize(metadata, Options.Events.JsonOptions);
        var metas = new string[events.Count];
        for (var i = 0; i < events.Count; i++)
        {
            types[i] = Options.Events.NameOf(events[i].GetType());
            data[i] = Options.Events.Serialize(events[i]);
            metas[i] = metaJson;
        }
        var plainData = data;
        if (_encryption is not null && _encryption.NeedsKey(types, metadata))
        {
            plainData = (string[])data.Clone();
            await _encryption.ProtectAsync(conn, tx ?? throw new InvalidOperationException("protected appends run in a transaction"), streamId, types, data, metas, metadata, Options.Events.JsonOptions, ct);
        }

        // One event: the scalar single-event function (migration step 5); several: the batch function
        // with the metadata once, unless protection sealed headers per event (then one per event).
        var single = events.Count == 1;
        var oneMeta = Array.TrueForAll(metas, m => string.Equals(m, metas[0], StringComparison.Ordinal));
        await using var cmd = new NpgsqlCommand(single
            ? $"select * from {_s}.append_event($1, $2, $3, $4, $5, $6)"
            : $"select first_position, first_version, recorded_at, hashes, first_previous_hash from {_s}.append_events($1, $2, $3, $4, $5, $6)",
            conn, tx);
        cmd.Parameters.Add(new NpgsqlParameter { Value = streamId, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)Options.StreamType(streamId, types[0]) ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter { Value = expected.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
        cmd.Parameters.Add(single
            ? new NpgsqlParameter { Value = types[0], NpgsqlDbType = NpgsqlDbType.Text }
            : new NpgsqlParameter { Value = types, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        cmd.Parameters.Add(single
            ? new NpgsqlParameter { Value = data[0], NpgsqlDbType = NpgsqlDbType.Jsonb }
            : new NpgsqlParameter { Value = data, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
        cmd.Parameters.Add(single
            ? new NpgsqlParameter { Value = metas[0], NpgsqlDbType = NpgsqlDbType.Jsonb }
            : new NpgsqlParameter { Value = oneMeta ? [metas[0]] : metas, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });

        var recorded = new List<RecordedEvent>(events.Count);
        try
        {
            await using var r = await cmd.ExecuteReaderAsync(ct);
            await r.ReadAsync(ct);
            var (firstPosition, firstVersion) = (r.GetInt64(0), r.GetInt64(1));
            var recordedAt = new DateTimeOffset(r.GetFieldValue<DateTime>(2), TimeSpan.Zero);
            var hashes = single ? [r.GetFieldValue<byte[]>(3)] : r.GetFieldValue<byte[][]>(3);
            byte[]? previous = r.IsDBNull(4) ? null : r.GetFieldValue<byte[]>(4);
            for (var i = 0; i < events.Count; i++)
            {
                recorded.Add(new RecordedEvent(firstPosition + i, streamId, firstVersion + i, types[i], events[i], plainData[i], metadata,
                    recordedAt, hashes[i], previous));
                previous = hashes[i];
            }
        }
        catch (PostgresException e) when (e.SqlState == "ES001")
        {
            // The actual version ends the message: DETAIL is redacted unless "Include Error Detail" is set.
            var tail = e.MessageText[(e.MessageText.LastIndexOf(' ') + 1)..];
            throw new ConcurrencyException(streamId, expected, long.TryParse(tail, out var actual) ? actual : -1, e);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            // Only reachable when someone writes events around the append function; still typed.
            throw new ConcurrencyException(streamId, expected, -1, e);
        }
        catch (PostgresException e) when (e.SqlState == "ES003") { throw new StreamArchivedException(streamId, e); }

        Appended?.Invoke();
        return (new AppendResult(recorded[^1].Version, recorded[0].Position, recorded[^1].Position), recorded);
    }

    /// <summary>Pass as fromVersion to read a stream backward from its last event.</summary>
    public const long StreamEnd = long.MaxValue;

    /// <summary>
    /// Reads a stream from a version: forward returns versions ≥ <paramref name="fromVersion"/>
    /// ascending; backward returns versions ≤ <paramref name="fromVersion"/> descending (use <see cref="StreamEnd"/>).
    /// </summary>
    public async Task<IReadOnlyList<RecordedEvent>> ReadStreamAsync(string streamId, long fromVersion = 1,
        ReadDirection direction = ReadDirection.Forward, int maxCount = int.MaxValue, CancellationToken ct = default)
    {
        var sql = direction == ReadDirection.Forward
            ? $"select {Columns} from {_s}.events where stream_id = $1 and version >= $2 order by version limit $3"
            : $"select {Columns} from {_s}.events where stream_id = $1 and version <= $2 order by version desc limit $3";
        await using var cmd = DataSource.CreateCommand(sql);
        cmd.Parameters.AddWithValue(streamId);
        cmd.Parameters.AddWithValue(fromVersion);
        cmd.Parameters.AddWithValue((long)maxCount);
        return await ReadEventsAsync(cmd, ct);
    }

    /// <summary>
    /// Reads the global log from <paramref name="fromPosition"/> (inclusive) in position order. With
    /// <paramref name="safeOnly"/>, only events at or below the safe high-water mark are returned,
    /// so a reader that follows its last position never misses a late-committing event.
    /// </summary>
    public async Task<IReadOnlyList<RecordedEvent>> ReadAllAsync(long fromPosition, int maxCount, bool safeOnly = false,
        CancellationToken ct = default)
    {
        var safe = safeOnly ? $" and tx_id < {SafeHorizonSql}" : "";
        await using var cmd = DataSource.CreateCommand(
            $"select {Columns} from {_s}.events where position >= $1{safe} order by position limit $2");
        cmd.Parameters.AddWithValue(fromPosition);
        cmd.Parameters.AddWithValue((long)maxCount);
        return await ReadEventsAsync(cmd, ct);
    }

    /// <summary>
    /// The events at the given positions, decrypted, in position order (readers that select rows by SQL, such as
    /// an audit timeline, get their protected data and headers here rather than from the raw columns).
    /// </summary>
    public async Task<IReadOnlyList<RecordedEvent>> ReadPositionsAsync(IReadOnlyCollection<long> positions, CancellationToken ct = default)
    {
        if (positions.Count == 0) return [];
        await using var cmd = DataSource.CreateCommand($"select {Columns} from {_s}.events where position = any($1) order by position");
        cmd.Parameters.AddWithValue(positions.ToArray());
        return await ReadEventsAsync(cmd, ct);
    }

    /// <summary>Folds a stream's events (upcast and deserialized) into a state.</summary>
    public async Task<(TState State, long Version)> AggregateAsync<TState>(string streamId, TState initial,
        Func<TState, RecordedEvent, TState> evolve, CancellationToken ct = default)
    {
        var state = initial;
        long version = 0;
        while (true)
        {
            var page = await ReadStreamAsync(streamId, version + 1, ReadDirection.Forward, 1000, ct);
            foreach (var e in page) { state = evolve(state, e); version = e.Version; }
            if (page.Count < 1000) return (state, version);
        }
    }

    /// <summary>
    /// Reads several whole streams in one round trip (projections that re-read every record a batch
    /// touched); each list is in version order, and a stream without events is absent.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<RecordedEvent>>> ReadStreamsAsync(IReadOnlyCollection<string> streamIds,
        CancellationToken ct = default)
    {
        var result = new Dictionary<string, IReadOnlyList<RecordedEvent>>();
        if (streamIds.Count == 0) return result;
        await using var cmd = DataSource.CreateCommand($"select {Columns} from {_s}.events where stream_id = any($1) order by stream_id, version");
        cmd.Parameters.AddWithValue(streamIds.ToArray());
        foreach (var stream in (await ReadEventsAsync(cmd, ct)).GroupBy(e => e.StreamId))
            result[stream.Key] = stream.ToList();
        return result;
    }

    /// <summary>
    /// The given streams as a projection batch leaves them: each stream's events from before the batch (one round trip,
    /// and only for streams that do not start inside the batch) followed by its events in the batch. A stream whose
    /// every event is in the batch costs nothing more: catch-up over new records reads each event once.
    /// Stored types in <paramref name="skipEarlierTypes"/> are left out of the earlier part (a fold that does not need
    /// them, such as a dossier's hundreds of filings, does not read them again for every batch). A stream without
    /// events is absent.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<RecordedEvent>>> ReadStreamsThroughBatchAsync(IReadOnlyCollection<string> streamIds,
        IReadOnlyList<RecordedEvent> batch, IReadOnlyCollection<string>? skipEarlierTypes = null, CancellationToken ct = default)
    {
        var result = new Dictionary<string, IReadOnlyList<RecordedEvent>>();
        if (streamIds.Count == 0) return result;
        var wanted = streamIds as IReadOnlySet<string> ?? streamIds.ToHashSet(StringComparer.Ordinal);
        var inBatch = batch.Where(e => wanted.Contains(e.StreamId)).GroupBy(e => e.StreamId).ToDictionary(g => g.Key, g => g.ToList());
        var earlier = wanted.Where(id => !inBatch.TryGetValue(id, out var own) || own[0].Version > 1).ToArray();
        if (earlier.Length > 0)
        {
            await using var cmd = DataSource.CreateCommand(
                $"select {Columns} from {_s}.events where stream_id = any($1) and position < $2 and type <> all($3) order by stream_id, version");
            cmd.Parameters.AddWithValue(earlier);
            cmd.Parameters.AddWithValue(batch.Count > 0 ? batch[0].Position : long.MaxValue);
            cmd.Parameters.AddWithValue((skipEarlierTypes ?? []).ToArray());
            foreach (var stream in (await ReadEventsAsync(cmd, ct)).GroupBy(e => e.StreamId))
                result[stream.Key] = stream.ToList();
        }
        foreach (var (id, own) in inBatch)
            result[id] = result.TryGetValue(id, out var before) ? [.. before, .. own] : own;
        return result;
    }

    /// <summary>
    /// The highest position below which every event is final: all transactions that could still
    /// add a lower position have ended. Caveat: any long-open transaction in the cluster holds it back.
    /// </summary>
    public async Task<long> GetSafeHighWaterMarkAsync(CancellationToken ct = default)
    {
        await using var cmd = DataSource.CreateCommand(
            $"select coalesce((select position from {_s}.events where tx_id < {SafeHorizonSql} order by position desc limit 1), 0)");
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    public Task<IReadOnlyList<HashChainBreak>> VerifyHashChainsAsync(CancellationToken ct = default) =>
        new HashChainVerifier(DataSource, _s).VerifyAsync(ct);

    /// <summary>
    /// Crypto-shredding, inside the caller's transaction: deletes the data keys of the streams, so their
    /// protected events read as <see cref="ShreddedEvent"/> from then on, and records that they were
    /// shredded, so they take no more protected events. The rows themselves are untouched: hash chains
    /// and seals still verify. Returns the number of streams that had a key.
    /// </summary>
    public Task<int> ShredStreamsAsync(IReadOnlyList<string> streamIds, NpgsqlConnection connection, NpgsqlTransaction transaction,
        CancellationToken ct = default) =>
        StreamEncryption.ShredAsync(_s, Keys.SchemaHash, streamIds, connection, transaction, ct);

    /// <summary>Marks a stream archived: later appends to it are refused.</summary>
    public async Task ArchiveStreamAsync(string streamId, CancellationToken ct = default)
    {
        await using var cmd = DataSource.CreateCommand($"update {_s}.streams set archived = true, updated = now() where id = $1");
        cmd.Parameters.AddWithValue(streamId);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The projection's checkpoint (0 when it has none).</summary>
    public async Task<long> GetCheckpointAsync(string projection, CancellationToken ct = default)
    {
        await using var cmd = DataSource.CreateCommand($"select position from {_s}.projection_checkpoints where name = $1");
        cmd.Parameters.AddWithValue(projection);
        return await cmd.ExecuteScalarAsync(ct) is long p ? p : 0;
    }

    /// <summary>Waits (polling) until the projection's checkpoint reaches the position.</summary>
    public async Task WaitForProjectionAsync(string projection, long position, TimeSpan timeout, CancellationToken ct = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var at = await GetCheckpointAsync(projection, ct);
            if (at >= position) return;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"projection '{projection}' is at {at}, not at {position}, after {timeout}");
            await Task.Delay(20, ct);
        }
    }

    public async Task<IReadOnlyList<DeadLetter>> GetDeadLettersAsync(string projection, CancellationToken ct = default)
    {
        await using var cmd = DataSource.CreateCommand(
            $"select projection, position, stream_id, version, type, error, failed_at from {_s}.dead_letters where projection = $1 order by position, id");
        cmd.Parameters.AddWithValue(projection);
        var list = new List<DeadLetter>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            list.Add(new DeadLetter(r.GetString(0), r.GetInt64(1), r.GetString(2), r.GetInt64(3), r.GetString(4), r.GetString(5),
                new DateTimeOffset(r.GetFieldValue<DateTime>(6), TimeSpan.Zero)));
        return list;
    }

    internal string SelectSafeBatchSql =>
        $"select {Columns} from {_s}.events where position > $1 and tx_id < {SafeHorizonSql} order by position limit $2";

    /// <summary>
    /// The safe horizon, a scalar subquery: every event with <c>tx_id</c> below it is final. It is the oldest xid still
    /// running (the snapshot's xmin), except that projection batches (marked by the shared
    /// <see cref="LockKeys.ProjectionBatch"/> lock, taken before their first write) are not waited for: they never
    /// append events, so a slow or stuck projection cannot hold every other projection back. Without any other
    /// running xid the horizon is the snapshot's xmax. pg_locks is read after the snapshot was taken, so a batch that
    /// ended in between is simply waited for (the horizon can only come out lower, never higher).
    /// </summary>
    internal string SafeHorizonSql
    {
        get
        {
            var (classId, objId) = LockKeys.Halves(Keys.ProjectionBatch);
            return $"""
                (with l as materialized (select pid, locktype, transactionid from pg_locks where granted and (
                         (locktype = 'advisory' and classid = {classId}::oid and objid = {objId}::oid and objsubid = 1)
                         or (locktype = 'transactionid' and mode = 'ExclusiveLock')))
                 select coalesce(min(x), pg_snapshot_xmax(pg_current_snapshot())) from pg_snapshot_xip(pg_current_snapshot()) x
                 where (x::text::bigint & 4294967295) not in (select t.transactionid::text::bigint from l t join l b on b.pid = t.pid
                     where t.locktype = 'transactionid' and b.locktype = 'advisory'))
                """;
        }
    }

    internal static async Task<List<RawEvent>> ReadRawAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        var list = new List<RawEvent>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            list.Add(new RawEvent(r.GetInt64(0), r.GetString(1), r.GetInt64(2), r.GetString(3), r.GetString(4), r.GetString(5),
                r.GetFieldValue<DateTime>(6), r.GetFieldValue<byte[]>(7), r.IsDBNull(8) ? null : r.GetFieldValue<byte[]>(8)));
        return list;
    }

    /// <summary>Rows to events: decrypts protected rows (keys read on <paramref name="conn"/> when given, else on a pooled connection).</summary>
    internal async Task<List<RecordedEvent>> ToRecordedAsync(List<RawEvent> rows, NpgsqlConnection? conn, NpgsqlTransaction? tx,
        CancellationToken ct)
    {
        if (_encryption is null) return rows.Select(ToRecorded).ToList();
        var keys = await _encryption.KeysForAsync(rows, DataSource, conn, tx, ct);
        return rows.Select(row =>
        {
            var (plain, shredded) = _encryption.Open(row, keys);
            return shredded is null ? ToRecorded(plain) : ToShredded(plain, shredded);
        }).ToList();
    }

    private RecordedEvent ToShredded(RawEvent e, ShreddedEvent shredded) =>
        new(e.Position, e.StreamId, e.Version, e.Type, shredded, ShreddedEvent.RawData,
            JsonSerializer.Deserialize<EventMetadata>(e.Metadata, Options.Events.JsonOptions) ?? new EventMetadata(),
            new DateTimeOffset(e.RecordedAt, TimeSpan.Zero), e.Hash, e.PreviousHash);

    private bool NeedsKey(IReadOnlyList<object> events, EventMetadata? metadata) =>
        _encryption is not null && _encryption.NeedsKey(events.Select(e => Options.Events.NameOf(e.GetType())), metadata ?? new EventMetadata());

    private RecordedEvent ToRecorded(RawEvent e)
    {
        var (type, json) = Options.Events.UpcastStored(e.Type, e.Data);
        var metadata = JsonSerializer.Deserialize<EventMetadata>(e.Metadata, Options.Events.JsonOptions) ?? new EventMetadata();
        return new RecordedEvent(e.Position, e.StreamId, e.Version, type, Options.Events.Deserialize(type, json), json, metadata,
            new DateTimeOffset(e.RecordedAt, TimeSpan.Zero), e.Hash, e.PreviousHash) { StoredTypeName = e.Type };
    }

    private async Task<IReadOnlyList<RecordedEvent>> ReadEventsAsync(NpgsqlCommand cmd, CancellationToken ct) =>
        await ToRecordedAsync(await ReadRawAsync(cmd, ct), null, null, ct);

    private static async Task Exec(NpgsqlConnection conn, NpgsqlTransaction? tx, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}

public enum ReadDirection { Forward, Backward }

internal sealed record RawEvent(long Position, string StreamId, long Version, string Type, string Data, string Metadata,
    DateTime RecordedAt, byte[] Hash, byte[]? PreviousHash);
