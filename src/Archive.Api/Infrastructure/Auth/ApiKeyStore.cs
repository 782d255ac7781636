using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace Archive.Api.Infrastructure.Auth;

/// <summary>An API key's public record: never contains the secret or its hash.</summary>
public sealed record ApiKeyInfo(string Id, string Name, string Role, bool ClearedForSecret,
    DateTimeOffset CreatedAt, string? CreatedBy, DateTimeOffset? RevokedAt);

/// <summary>The full key, returned exactly once at creation.</summary>
public sealed record CreatedApiKey(ApiKeyInfo Info, string Key);

/// <summary>
/// API keys (khóa truy cập API) stored as SHA-256 of a 256-bit random secret. The key reads
/// <c>ak_&lt;id&gt;_&lt;secret&gt;</c>: the short id is a non-secret lookup handle, so
/// verification is one indexed read plus a constant-time hash comparison.
/// </summary>
public sealed class ApiKeyStore(NpgsqlDataSource db)
{
    public async Task<CreatedApiKey> CreateAsync(string name, string role, bool clearedForSecret, string? createdBy, CancellationToken ct)
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var key = $"ak_{id}_{secret}";
        await using var cmd = db.CreateCommand("""
            insert into archive_api.api_keys (id, name, role, cleared_secret, key_hash, created_by)
            values ($1, $2, $3, $4, $5, $6) returning created_at
            """);
        cmd.Parameters.AddWithValue(id);
        cmd.Parameters.AddWithValue(name);
        cmd.Parameters.AddWithValue(role);
        cmd.Parameters.AddWithValue(clearedForSecret);
        cmd.Parameters.AddWithValue(Hash(key));
        cmd.Parameters.AddWithValue((object?)createdBy ?? DBNull.Value);
        var createdAt = (DateTime)(await cmd.ExecuteScalarAsync(ct))!;
        return new CreatedApiKey(new ApiKeyInfo(id, name, role, clearedForSecret, new DateTimeOffset(createdAt, TimeSpan.Zero), createdBy, null), key);
    }

    public async Task<ApiKeyInfo?> VerifyAsync(string presented, CancellationToken ct)
    {
        var parts = presented.Split('_', 3);
        if (parts is not ["ak", var id, _] || id.Length != 12) return null;
        await using var cmd = db.CreateCommand("""
            select id, name, role, cleared_secret, created_at, created_by, revoked_at, key_hash
            from archive_api.api_keys where id = $1 and revoked_at is null
            """);
        cmd.Parameters.AddWithValue(id);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        var stored = (byte[])r[7];
        return CryptographicOperations.FixedTimeEquals(stored, Hash(presented)) ? Read(r) : null;
    }

    public async Task<IReadOnlyList<ApiKeyInfo>> ListAsync(CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            select id, name, role, cleared_secret, created_at, created_by, revoked_at
            from archive_api.api_keys order by created_at, id
            """);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var list = new List<ApiKeyInfo>();
        while (await r.ReadAsync(ct)) list.Add(Read(r));
        return list;
    }

    /// <summary>Revokes the key; false when it does not exist or was already revoked.</summary>
    public async Task<bool> RevokeAsync(string id, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("update archive_api.api_keys set revoked_at = now() where id = $1 and revoked_at is null");
        cmd.Parameters.AddWithValue(id);
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    public async Task<bool> ActiveAdminExistsAsync(CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("select exists (select 1 from archive_api.api_keys where role = 'admin' and revoked_at is null)");
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    private static ApiKeyInfo Read(NpgsqlDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetBoolean(3),
        new DateTimeOffset(r.GetDateTime(4), TimeSpan.Zero), r.IsDBNull(5) ? null : r.GetString(5),
        r.IsDBNull(6) ? null : new DateTimeOffset(r.GetDateTime(6), TimeSpan.Zero));

    private static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
