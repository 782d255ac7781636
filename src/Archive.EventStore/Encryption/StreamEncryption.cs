using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;
using NpgsqlTypes;

namespace Archive.EventStore.Encryption;

/// <summary>A stream's data key as read for decryption: null <see cref="Key"/> once shredded (or when it does not unwrap).</summary>
internal sealed record StreamKey(byte[]? Key, bool Shredded, DateTimeOffset? ShreddedAt);

/// <summary>
/// Encrypts protected events on append and decrypts them on read; called from the store's serialize and
/// deserialize points only, so the append protocol itself does not change (the hash chain is computed by
/// the append function over what is stored, the ciphertext, and so still verifies after shredding).
/// <para>
/// Stored data of a protected event: <c>{"v": 1, "enc": base64(nonce ‖ ciphertext ‖ tag)}</c>, AES-256-GCM
/// with a random 96-bit nonce and associated data binding stream id, version, stored type name and part
/// (<c>data</c> or <c>header:&lt;name&gt;</c>), so a ciphertext moved to another event does not decrypt.
/// Protected header values are stored as <c>enc:1:</c> + the same base64 layout.
/// Data keys: 32 random bytes per stream, stored wrapped (AES-256-GCM under the master key, associated
/// data binding the stream id) in <c>stream_keys</c>.
/// </para>
/// </summary>
internal sealed class StreamEncryption(StreamEncryptionOptions options, string schema, int streamLockKey)
{
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private const string HeaderPrefix = "enc:1:";

    public bool Protects(string storedType) => options.ProtectedTypes.Contains(storedType);

    /// <summary>Whether an append needs the stream key: a protected event, or a protected header (then on every event of the append).</summary>
    public bool NeedsKey(IEnumerable<string> storedTypes, EventMetadata metadata) =>
        storedTypes.Any(Protects) || metadata.Headers.Keys.Any(options.ProtectedHeaders.Contains);

    /// <summary>
    /// Encrypts the protected data and protected headers of one append in place. Takes the stream's append
    /// lock first (the same transaction lock the append function takes, re-entrant), so the versions bound
    /// into the associated data are the versions the events get; creates the stream's key when it has none.
    /// Headers are protected on every event of the append, since the reason given for an append may name what
    /// its protected events hold. On a shredded stream protected data is refused; headers stay plain there
    /// (they were written after the shredding).
    /// </summary>
    public async Task ProtectAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string streamId, string[] types, string[] data,
        string[] metadata, EventMetadata plainMetadata, JsonSerializerOptions json, CancellationToken ct)
    {
        long current = 0;
        byte[]? wrapped = null;
        var shredded = false;
        await using (var batch = new NpgsqlBatch(conn, tx))
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand("select pg_advisory_xact_lock($1, hashtext($2))::text")
                { Parameters = { new() { Value = streamLockKey }, new() { Value = streamId } } });
            batch.BatchCommands.Add(new NpgsqlBatchCommand(
                $"select coalesce((select version from {schema}.streams where id = $1), 0), k.wrapped_key, k.shredded_at is not null " +
                $"from (select 1) one left join {schema}.stream_keys k on k.stream_id = $1") { Parameters = { new() { Value = streamId } } });
            await using var r = await batch.ExecuteReaderAsync(ct);
            await r.NextResultAsync(ct);
            await r.ReadAsync(ct);
            current = r.GetInt64(0);
            wrapped = r.IsDBNull(1) ? null : r.GetFieldValue<byte[]>(1);
            shredded = !r.IsDBNull(2) && r.GetBoolean(2);
        }
        if (shredded)
        {
            if (types.Any(Protects)) throw new StreamShreddedException(streamId);
            return;
        }

        byte[] key;
        if (wrapped is null)
        {
            key = RandomNumberGenerator.GetBytes(32);
            await using var insert = new NpgsqlCommand($"insert into {schema}.stream_keys (stream_id, wrapped_key) values ($1, $2)", conn, tx);
            insert.Parameters.AddWithValue(streamId);
            insert.Parameters.Add(new NpgsqlParameter { Value = Wrap(key, streamId), NpgsqlDbType = NpgsqlDbType.Bytea });
            await insert.ExecuteNonQueryAsync(ct);
        }
        else key = Unwrap(wrapped, streamId) ?? throw new EventDecryptionException(streamId, current, "the stream key does not unwrap under this master key");

        try
        {
            var headers = plainMetadata.Headers.Where(h => options.ProtectedHeaders.Contains(h.Key)).ToList();
            for (var i = 0; i < types.Length; i++)
            {
                var version = current + 1 + i;
                if (Protects(types[i]))
                    data[i] = Envelope(types[i], data[i], Seal(key, Aad(streamId, version, types[i], "data"), data[i]));
                if (headers.Count == 0) continue;
                var sealedHeaders = new Dictionary<string, string>(plainMetadata.Headers);
                foreach (var (name, value) in headers)
                    sealedHeaders[name] = HeaderPrefix + Convert.ToBase64String(Seal(key, Aad(streamId, version, types[i], "header:" + name), value));
                metadata[i] = JsonSerializer.Serialize(plainMetadata with { Headers = sealedHeaders }, json);
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>See <see cref="EventStore.ShredStreamsAsync"/>.</summary>
    public static async Task<int> ShredAsync(string schema, int streamLockKey, IReadOnlyList<string> streamIds, NpgsqlConnection conn,
        NpgsqlTransaction tx, CancellationToken ct)
    {
        var ids = streamIds.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        if (ids.Length == 0) return 0;
        // The append lock of each stream (in a fixed order): an append that already read the key commits
        // before the key goes, and a later one finds the stream shredded.
        await using var batch = new NpgsqlBatch(conn, tx);
        batch.BatchCommands.Add(new NpgsqlBatchCommand(
            "select count(*) from (select pg_advisory_xact_lock($1, hashtext(s))::text from unnest($2::text[]) s) l")
            { Parameters = { new() { Value = streamLockKey }, new() { Value = ids } } });
        batch.BatchCommands.Add(new NpgsqlBatchCommand($"""
            with had as (select stream_id from {schema}.stream_keys where stream_id = any($1) and wrapped_key is not null)
            insert into {schema}.stream_keys (stream_id, wrapped_key, shredded_at) select unnest($1::text[]), null, now()
            on conflict (stream_id) do update set wrapped_key = null, shredded_at = coalesce({schema}.stream_keys.shredded_at, excluded.shredded_at)
            returning (select count(*) from had)
            """) { Parameters = { new() { Value = ids } } });
        await using var r = await batch.ExecuteReaderAsync(ct);
        await r.NextResultAsync(ct);
        return await r.ReadAsync(ct) ? (int)r.GetInt64(0) : 0;
    }

    /// <summary>The keys of the streams among <paramref name="rows"/> that hold protected events (one query).</summary>
    public async Task<IReadOnlyDictionary<string, StreamKey>> KeysForAsync(IReadOnlyList<RawEvent> rows, NpgsqlDataSource dataSource,
        NpgsqlConnection? conn, NpgsqlTransaction? tx, CancellationToken ct)
    {
        var streams = rows.Where(r => Protects(r.Type) || HasSealedHeaders(r)).Select(r => r.StreamId).Distinct(StringComparer.Ordinal).ToArray();
        var keys = new Dictionary<string, StreamKey>(StringComparer.Ordinal);
        if (streams.Length == 0) return keys;
        var sql = $"select stream_id, wrapped_key, shredded_at from {schema}.stream_keys where stream_id = any($1)";
        await using var cmd = conn is null ? dataSource.CreateCommand(sql) : new NpgsqlCommand(sql, conn, tx);
        cmd.Parameters.AddWithValue(streams);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var id = r.GetString(0);
            keys[id] = r.IsDBNull(1)
                ? new StreamKey(null, true, r.IsDBNull(2) ? null : new DateTimeOffset(r.GetFieldValue<DateTime>(2), TimeSpan.Zero))
                : new StreamKey(Unwrap(r.GetFieldValue<byte[]>(1), id), false, null);
        }
        return keys;
    }

    /// <summary>
    /// The row with its data and protected headers decrypted, or the shredded marker when its key is gone.
    /// Rows of unprotected types, and protected rows written before their type was protected (no envelope),
    /// are returned unchanged.
    /// </summary>
    public (RawEvent Row, ShreddedEvent? Shredded) Open(RawEvent e, IReadOnlyDictionary<string, StreamKey> keys)
    {
        var ciphertext = Protects(e.Type) ? Envelope(e) : null;
        if (ciphertext is null && !HasSealedHeaders(e)) return (e, null);
        if (!keys.TryGetValue(e.StreamId, out var k))
            throw new EventDecryptionException(e.StreamId, e.Version, "its stream key is missing and no shredding is recorded");
        if (k.Shredded)
        {
            var shreddedHeaders = MapHeaders(e, _ => ShreddedEvent.ShreddedHeader);
            return ciphertext is null
                ? (e with { Metadata = shreddedHeaders }, null)
                : (e with { Data = ShreddedEvent.RawData, Metadata = shreddedHeaders }, new ShreddedEvent(e.Type, k.ShreddedAt ?? DateTimeOffset.MinValue));
        }
        if (k.Key is null) throw new EventDecryptionException(e.StreamId, e.Version, "its stream key does not unwrap under this master key");
        var data = ciphertext is null ? e.Data : Open(k.Key, Aad(e.StreamId, e.Version, e.Type, "data"), ciphertext, e);
        var metadata = MapHeaders(e, (name, sealedValue) =>
            Open(k.Key, Aad(e.StreamId, e.Version, e.Type, "header:" + name), FromBase64(sealedValue, e), e));
        return (e with { Data = data, Metadata = metadata }, null);
    }

    private static bool HasSealedHeaders(RawEvent e) => e.Metadata.Contains(HeaderPrefix, StringComparison.Ordinal);

    private string MapHeaders(RawEvent e, Func<string, string> replace) => MapHeaders(e, (name, _) => replace(name));

    private string MapHeaders(RawEvent e, Func<string, string, string> open)
    {
        if (!e.Metadata.Contains(HeaderPrefix, StringComparison.Ordinal)) return e.Metadata;
        using var doc = JsonDocument.Parse(e.Metadata);
        if (!doc.RootElement.TryGetProperty("headers", out var headers) || headers.ValueKind != JsonValueKind.Object) return e.Metadata;
        var node = JsonNode.Parse(e.Metadata)!;
        foreach (var h in headers.EnumerateObject())
            if (options.ProtectedHeaders.Contains(h.Name) && h.Value.GetString() is { } v && v.StartsWith(HeaderPrefix, StringComparison.Ordinal))
                node["headers"]![h.Name] = open(h.Name, v[HeaderPrefix.Length..]);
        return node.ToJsonString();
    }

    /// <summary><c>{"v": 1, "enc": …}</c> plus the type's clear fields copied from the plaintext at their own paths.</summary>
    private string Envelope(string type, string plaintext, byte[] sealedBytes)
    {
        var envelope = new JsonObject();
        var clear = options.ClearFieldsOf(type);
        if (clear.Count > 0 && JsonNode.Parse(plaintext) is JsonObject source)
            foreach (var path in clear)
            {
                var parts = path.Split('.');
                JsonNode? value = source;
                foreach (var part in parts) value = (value as JsonObject)?[part];
                if (value is null) continue;
                var target = envelope;
                foreach (var part in parts[..^1]) target = (JsonObject)(target[part] ??= new JsonObject());
                target[parts[^1]] = value.DeepClone();
            }
        envelope["v"] = 1;
        envelope["enc"] = Convert.ToBase64String(sealedBytes);
        return envelope.ToJsonString();
    }

    /// <summary>The ciphertext of a stored envelope, or null when the row is plain JSON (written before its type was protected).</summary>
    private static byte[]? Envelope(RawEvent e)
    {
        if (!e.Data.Contains("\"enc\"", StringComparison.Ordinal)) return null;
        using var doc = JsonDocument.Parse(e.Data);
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("v", out var v) || v.ValueKind != JsonValueKind.Number
            || !v.TryGetInt32(out var version) || version != 1 || !root.TryGetProperty("enc", out var enc) || enc.ValueKind != JsonValueKind.String)
            return null;
        return FromBase64(enc.GetString()!, e);
    }

    private static byte[] FromBase64(string value, RawEvent e)
    {
        try { return Convert.FromBase64String(value); }
        catch (FormatException ex) { throw new EventDecryptionException(e.StreamId, e.Version, "a protected header is not base64", ex); }
    }

    private static string Open(byte[] key, byte[] aad, byte[] sealedBytes, RawEvent e)
    {
        if (sealedBytes.Length < NonceSize + TagSize) throw new EventDecryptionException(e.StreamId, e.Version, "the ciphertext is truncated");
        var plain = new byte[sealedBytes.Length - NonceSize - TagSize];
        try
        {
            using var gcm = new AesGcm(key, TagSize);
            gcm.Decrypt(sealedBytes.AsSpan(0, NonceSize), sealedBytes.AsSpan(NonceSize, plain.Length), sealedBytes.AsSpan(NonceSize + plain.Length), plain, aad);
        }
        catch (CryptographicException ex)
        {
            throw new EventDecryptionException(e.StreamId, e.Version, "the ciphertext, its place or its key was altered", ex);
        }
        return Encoding.UTF8.GetString(plain);
    }

    private static byte[] Seal(byte[] key, byte[] aad, string plaintext) => Seal(key, aad, Encoding.UTF8.GetBytes(plaintext));

    private static byte[] Seal(byte[] key, byte[] aad, ReadOnlySpan<byte> plain)
    {
        var output = new byte[NonceSize + plain.Length + TagSize];
        RandomNumberGenerator.Fill(output.AsSpan(0, NonceSize));
        using var gcm = new AesGcm(key, TagSize);
        gcm.Encrypt(output.AsSpan(0, NonceSize), plain, output.AsSpan(NonceSize, plain.Length), output.AsSpan(NonceSize + plain.Length), aad);
        return output;
    }

    private byte[] Wrap(byte[] dataKey, string streamId) => Seal(options.MasterKey, KeyAad(streamId), dataKey);

    private byte[]? Unwrap(byte[] wrapped, string streamId)
    {
        if (wrapped.Length != NonceSize + 32 + TagSize) return null;
        var key = new byte[32];
        try
        {
            using var gcm = new AesGcm(options.MasterKey, TagSize);
            gcm.Decrypt(wrapped.AsSpan(0, NonceSize), wrapped.AsSpan(NonceSize, 32), wrapped.AsSpan(NonceSize + 32), key, KeyAad(streamId));
            return key;
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    private static byte[] KeyAad(string streamId) => Netstrings("stream-key/1", streamId);

    private static byte[] Aad(string streamId, long version, string type, string part) =>
        Netstrings("event/1", streamId, version.ToString(CultureInfo.InvariantCulture), type, part);

    private static byte[] Netstrings(params string[] fields)
    {
        var sb = new StringBuilder();
        foreach (var f in fields) sb.Append(Encoding.UTF8.GetByteCount(f).ToString(CultureInfo.InvariantCulture)).Append(':').Append(f).Append(',');
        return Encoding.UTF8.GetBytes(sb.ToString());
    }
}
