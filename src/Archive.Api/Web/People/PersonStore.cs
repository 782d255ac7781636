using System.Security.Cryptography;
using Archive.Api.Infrastructure.Auth;
using Microsoft.AspNetCore.Identity;
using Npgsql;

namespace Archive.Api.Web.People;

/// <summary>A person's public record (người dùng): never the password hash.</summary>
public sealed record Person(string Id, string UserName, string FullName, string Role, bool ClearedForSecret, bool Disabled,
    int FailedCount, DateTimeOffset? LockedUntil, DateTimeOffset CreatedAt, string? CreatedBy)
{
    public bool IsLocked(DateTimeOffset now) => LockedUntil is { } until && until > now;
}

public enum SignInOutcome { Succeeded, Failed, LockedOut }

public sealed record SignInResult(SignInOutcome Outcome, Person? Person);

/// <summary>
/// Personal accounts of the web application in <c>archive_api.people</c>: a plain table next to the API keys, read
/// synchronously on every request (access decisions never wait for a projection). Passwords are hashed with ASP.NET Core
/// Identity's <see cref="PasswordHasher{TUser}"/> (PBKDF2-HMAC-SHA512, 100,000 iterations, versioned format); after
/// <see cref="MaxFailures"/> wrong passwords in a row the account is locked for <see cref="LockoutPeriod"/>.
/// </summary>
public sealed class PersonStore(NpgsqlDataSource db, TimeProvider clock)
{
    public const int MaxFailures = 5;
    public static readonly TimeSpan LockoutPeriod = TimeSpan.FromMinutes(15);
    public const int MinPasswordLength = 10;

    private static readonly PasswordHasher<string> Hasher = new();
    /// <summary>Verified against when the user name is unknown, so both answers take the same time.</summary>
    private static readonly string DummyHash = Hasher.HashPassword("", Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)));

    public const string Ddl = """
        create table if not exists archive_api.people (
            id text primary key,
            user_name text not null unique,
            full_name text not null,
            role text not null,
            cleared_secret boolean not null default false,
            password_hash text not null,
            disabled boolean not null default false,
            failed_count int not null default 0,
            locked_until timestamptz,
            created_at timestamptz not null default now(),
            created_by text,
            password_changed_at timestamptz not null default now()
        );
        """;

    private const string Columns = "id, user_name, full_name, role, cleared_secret, disabled, failed_count, locked_until, created_at, created_by";

    public static string NewId() => "p-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));

    /// <summary>A random password of 20 characters from an unambiguous alphabet.</summary>
    public static string GeneratePassword()
    {
        const string alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
        return RandomNumberGenerator.GetString(alphabet, 20);
    }

    public static string? PasswordProblem(string? password) =>
        password is null || password.Length < MinPasswordLength ? $"min-length:{MinPasswordLength}" : null;

    public async Task<Person> CreateAsync(string userName, string fullName, string role, bool clearedForSecret, string password, string? createdBy,
        CancellationToken ct, NpgsqlConnection? conn = null, NpgsqlTransaction? tx = null)
    {
        var id = NewId();
        await using var cmd = conn is null ? db.CreateCommand() : new NpgsqlCommand { Connection = conn, Transaction = tx };
        cmd.CommandText = $"""
            insert into archive_api.people (id, user_name, full_name, role, cleared_secret, password_hash, created_by)
            values ($1, $2, $3, $4, $5, $6, $7) returning {Columns}
            """;
        cmd.Parameters.AddWithValue(id);
        cmd.Parameters.AddWithValue(Normalize(userName));
        cmd.Parameters.AddWithValue(fullName.Trim());
        cmd.Parameters.AddWithValue(role);
        cmd.Parameters.AddWithValue(clearedForSecret);
        cmd.Parameters.AddWithValue(Hasher.HashPassword(id, password));
        cmd.Parameters.AddWithValue((object?)createdBy ?? DBNull.Value);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        return Read(r);
    }

    public async Task<bool> UserNameTakenAsync(string userName, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("select exists (select 1 from archive_api.people where user_name = $1)");
        cmd.Parameters.AddWithValue(Normalize(userName));
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>
    /// Checks a password. A locked account is refused without looking at the password; a wrong one counts a failure and
    /// the <see cref="MaxFailures"/>th locks the account (one UPDATE, so concurrent attempts count exactly).
    /// </summary>
    public async Task<SignInResult> SignInAsync(string userName, string password, CancellationToken ct)
    {
        var (person, hash) = await FindWithHashAsync(Normalize(userName), ct);
        var now = clock.GetUtcNow();
        if (person is null || hash is null || person.Disabled)
        {
            Hasher.VerifyHashedPassword("", DummyHash, password);
            return new(SignInOutcome.Failed, null);
        }
        if (person.IsLocked(now)) return new(SignInOutcome.LockedOut, person);
        if (Hasher.VerifyHashedPassword(person.Id, hash, password) == PasswordVerificationResult.Failed)
        {
            await using var fail = db.CreateCommand($"""
                update archive_api.people set failed_count = failed_count + 1,
                    locked_until = case when failed_count + 1 >= $2 then $3 else locked_until end
                where id = $1 returning {Columns}
                """);
            fail.Parameters.AddWithValue(person.Id);
            fail.Parameters.AddWithValue(MaxFailures);
            fail.Parameters.AddWithValue(now + LockoutPeriod);
            await using var r = await fail.ExecuteReaderAsync(ct);
            await r.ReadAsync(ct);
            var updated = Read(r);
            return new(updated.IsLocked(now) ? SignInOutcome.LockedOut : SignInOutcome.Failed, updated);
        }
        await using (var ok = db.CreateCommand("update archive_api.people set failed_count = 0, locked_until = null where id = $1"))
        {
            ok.Parameters.AddWithValue(person.Id);
            await ok.ExecuteNonQueryAsync(ct);
        }
        return new(SignInOutcome.Succeeded, person with { FailedCount = 0, LockedUntil = null });
    }

    public async Task<Person?> FindAsync(string id, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"select {Columns} from archive_api.people where id = $1");
        cmd.Parameters.AddWithValue(id);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? Read(r) : null;
    }

    public async Task<Person?> FindByUserNameAsync(string userName, CancellationToken ct) => (await FindWithHashAsync(Normalize(userName), ct)).Item1;

    public async Task<IReadOnlyList<Person>> ListAsync(CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"select {Columns} from archive_api.people order by user_name");
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var list = new List<Person>();
        while (await r.ReadAsync(ct)) list.Add(Read(r));
        return list;
    }

    /// <summary>Role, clearance and enabled flag, set by an admin. False when there is no such person.</summary>
    public async Task<bool> UpdateAccessAsync(string id, string role, bool clearedForSecret, bool disabled, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("update archive_api.people set role = $2, cleared_secret = $3, disabled = $4 where id = $1");
        cmd.Parameters.AddWithValue(id);
        cmd.Parameters.AddWithValue(role);
        cmd.Parameters.AddWithValue(clearedForSecret);
        cmd.Parameters.AddWithValue(disabled);
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    public async Task<bool> UnlockAsync(string id, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("update archive_api.people set failed_count = 0, locked_until = null where id = $1");
        cmd.Parameters.AddWithValue(id);
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    public async Task<bool> SetPasswordAsync(string id, string password, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(
            "update archive_api.people set password_hash = $2, password_changed_at = now(), failed_count = 0, locked_until = null where id = $1");
        cmd.Parameters.AddWithValue(id);
        cmd.Parameters.AddWithValue(Hasher.HashPassword(id, password));
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    public async Task<bool> ActiveAdminExistsAsync(CancellationToken ct, NpgsqlConnection? conn = null, NpgsqlTransaction? tx = null)
    {
        await using var cmd = conn is null ? db.CreateCommand() : new NpgsqlCommand { Connection = conn, Transaction = tx };
        cmd.CommandText = "select exists (select 1 from archive_api.people where role = $1 and not disabled)";
        cmd.Parameters.AddWithValue(Roles.Admin);
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    private async Task<(Person?, string?)> FindWithHashAsync(string userName, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"select {Columns}, password_hash from archive_api.people where user_name = $1");
        cmd.Parameters.AddWithValue(userName);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? (Read(r), r.GetString(10)) : (null, null);
    }

    public static string Normalize(string userName) => userName.Trim().ToLowerInvariant();

    private static Person Read(NpgsqlDataReader r) => new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetBoolean(4),
        r.GetBoolean(5), r.GetInt32(6), r.IsDBNull(7) ? null : r.GetFieldValue<DateTimeOffset>(7), r.GetFieldValue<DateTimeOffset>(8),
        r.IsDBNull(9) ? null : r.GetString(9));
}
