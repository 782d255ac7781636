using Npgsql;

namespace Archive.Api.Infrastructure.Jobs;

/// <summary>
/// SQL over <c>archive_api.jobs</c> (created by <see cref="Hosting.ApiSchema"/>). Every time is the
/// database clock's, so nodes with skewed clocks still agree on what is due and whose lease ended.
/// </summary>
internal sealed class JobTable(NpgsqlDataSource db)
{
    public const string Ddl = """
        create table if not exists archive_api.jobs (
            name text primary key,
            run_interval interval not null,
            next_run_at timestamptz not null,
            lease_owner text,
            lease_until timestamptz,
            attempts int not null default 0,
            runs bigint not null default 0,
            failures bigint not null default 0,
            last_started_at timestamptz,
            last_finished_at timestamptz,
            last_status text,
            last_result text,
            last_error text);
        """;

    private const string Columns =
        "name, run_interval, next_run_at, lease_owner, lease_until, attempts, runs, failures, last_started_at, last_finished_at, last_status, last_result, last_error";

    /// <summary>Adds the job's row if missing; an existing row keeps its next run, so a restart resumes the schedule.</summary>
    public async Task RegisterAsync(string name, TimeSpan interval, TimeSpan firstRunDelay, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            insert into archive_api.jobs (name, run_interval, next_run_at) values ($1, $2, now() + $3)
            on conflict (name) do update set run_interval = excluded.run_interval
            """);
        cmd.Parameters.AddWithValue(name);
        cmd.Parameters.AddWithValue(interval);
        cmd.Parameters.AddWithValue(firstRunDelay);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Claims the most overdue job among <paramref name="names"/> whose lease is free or expired. SKIP LOCKED
    /// makes a node that races another one for the same row pass over it instead of waiting, and the lease
    /// written in the same statement keeps every later poll off it until it is released or expires.
    /// </summary>
    public async Task<(string Name, int Attempts)?> ClaimAsync(string[] names, string owner, TimeSpan lease, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            with due as (
                select name from archive_api.jobs
                where name = any($1) and next_run_at <= now() and (lease_until is null or lease_until < now())
                order by next_run_at, name
                limit 1
                for update skip locked)
            update archive_api.jobs j
               set lease_owner = $2, lease_until = now() + $3, last_started_at = now()
              from due where j.name = due.name
            returning j.name, j.attempts
            """);
        cmd.Parameters.AddWithValue(names);
        cmd.Parameters.AddWithValue(owner);
        cmd.Parameters.AddWithValue(lease);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? (r.GetString(0), r.GetInt32(1)) : null;
    }

    /// <summary>Extends the lease; false when this node no longer holds it.</summary>
    public async Task<bool> RenewAsync(string name, string owner, TimeSpan lease, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(
            "update archive_api.jobs set lease_until = now() + $3 where name = $1 and lease_owner = $2");
        cmd.Parameters.AddWithValue(name);
        cmd.Parameters.AddWithValue(owner);
        cmd.Parameters.AddWithValue(lease);
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    public async Task<bool> SucceededAsync(string name, string owner, string? result, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            update archive_api.jobs
               set lease_owner = null, lease_until = null, attempts = 0, runs = runs + 1,
                   next_run_at = now() + run_interval, last_finished_at = now(),
                   last_status = 'succeeded', last_result = $3, last_error = null
             where name = $1 and lease_owner = $2
            """);
        cmd.Parameters.AddWithValue(name);
        cmd.Parameters.AddWithValue(owner);
        cmd.Parameters.AddWithValue((object?)result ?? DBNull.Value);
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    public async Task<bool> FailedAsync(string name, string owner, TimeSpan retryIn, string error, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            update archive_api.jobs
               set lease_owner = null, lease_until = null, attempts = attempts + 1, runs = runs + 1, failures = failures + 1,
                   next_run_at = now() + $3, last_finished_at = now(), last_status = 'failed', last_error = $4
             where name = $1 and lease_owner = $2
            """);
        cmd.Parameters.AddWithValue(name);
        cmd.Parameters.AddWithValue(owner);
        cmd.Parameters.AddWithValue(retryIn);
        cmd.Parameters.AddWithValue(error);
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    /// <summary>Gives the job back untouched (shutdown): its next run stays due, so the next node or start runs it.</summary>
    public async Task ReleaseAsync(string name, string owner, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(
            "update archive_api.jobs set lease_owner = null, lease_until = null where name = $1 and lease_owner = $2");
        cmd.Parameters.AddWithValue(name);
        cmd.Parameters.AddWithValue(owner);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<IReadOnlyList<JobStatus>> ListAsync(CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"select {Columns} from archive_api.jobs order by name");
        var list = new List<JobStatus>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) list.Add(Read(r));
        return list;
    }

    public async Task<JobStatus?> GetAsync(string name, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"select {Columns} from archive_api.jobs where name = $1");
        cmd.Parameters.AddWithValue(name);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? Read(r) : null;
    }

    private static JobStatus Read(NpgsqlDataReader r) => new(
        r.GetString(0), r.GetFieldValue<TimeSpan>(1), r.GetFieldValue<DateTimeOffset>(2),
        r.IsDBNull(3) ? null : r.GetString(3), r.IsDBNull(4) ? null : r.GetFieldValue<DateTimeOffset>(4),
        r.GetInt32(5), r.GetInt64(6), r.GetInt64(7),
        r.IsDBNull(8) ? null : r.GetFieldValue<DateTimeOffset>(8), r.IsDBNull(9) ? null : r.GetFieldValue<DateTimeOffset>(9),
        r.IsDBNull(10) ? null : r.GetString(10), r.IsDBNull(11) ? null : r.GetString(11), r.IsDBNull(12) ? null : r.GetString(12));
}
