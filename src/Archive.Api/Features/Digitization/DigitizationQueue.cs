using Npgsql;

namespace Archive.Api.Features.Digitization;

/// <summary>One digitization job as a worker holds it.</summary>
public sealed record WorkItem(string JobId, string DocumentId, int SourceVersion, string SourceSha256, string Step, int Attempts, string? Batch);

/// <summary>A job in the dead-letter list.</summary>
public sealed record DeadLetter(string JobId, string DocumentId, int SourceVersion, string Step, int Attempts, string? Error, string? Batch,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>
/// The digitization jobs (hàng đợi số hóa): the state of record of each job, a PostgreSQL table. A job row is inserted in the
/// same transaction as the <c>document.digitization.queued.v1</c> event and Wolverine's outbox row of its
/// <see cref="DigitizeDocument"/> message, so no queued event lacks its job or its message. Wolverine delivers the message
/// to a worker, retries it and dead-letters it (<see cref="DigitizationMessaging"/>); the row counts every take as an
/// attempt, so a file that kills its worker every time is dead-lettered after <c>MaxAttempts</c> like one that fails
/// cleanly, and it is what officers see (status, step, error, progress). Times are the database clock's.
/// </summary>
public sealed class DigitizationQueue(NpgsqlDataSource db)
{
    public const string Ddl = """
        create table if not exists archive_api.digitization_queue (
            job_id text primary key,
            document_id text not null,
            source_version int not null,
            source_sha256 text not null,
            batch text,
            step text not null default 'convert',
            status text not null default 'queued',
            attempts int not null default 0,
            available_at timestamptz not null default now(),
            lease_owner text,
            lease_until timestamptz,
            last_error text,
            pages int,
            created_at timestamptz not null default now(),
            updated_at timestamptz not null default now(),
            finished_at timestamptz);
        create index if not exists digitization_queue_due on archive_api.digitization_queue (available_at) where status in ('queued', 'running');
        create index if not exists digitization_queue_document on archive_api.digitization_queue (document_id);
        create index if not exists digitization_queue_batch on archive_api.digitization_queue (batch, status);
        """;

    public static class Statuses
    {
        public const string Queued = "queued";
        public const string Running = "running";
        public const string Done = "done";
        public const string Dead = "dead";
    }

    /// <summary>Inserts the job inside the transaction that appends its queued event; only through
    /// <see cref="DigitizationMessaging.QueueInTransactionAsync"/>, which writes its message in the same transaction.</summary>
    internal static async Task EnqueueAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string jobId, string documentId, int sourceVersion,
        string sourceSha256, string? batch, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            insert into archive_api.digitization_queue (job_id, document_id, source_version, source_sha256, batch) values ($1, $2, $3, $4, $5)
            """, conn, tx);
        cmd.Parameters.AddWithValue(jobId);
        cmd.Parameters.AddWithValue(documentId);
        cmd.Parameters.AddWithValue(sourceVersion);
        cmd.Parameters.AddWithValue(sourceSha256);
        cmd.Parameters.AddWithValue((object?)batch ?? DBNull.Value);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Takes the job for this worker (a Wolverine message names it): counts an attempt and writes this worker's lease. Null when
    /// the job is done, dead-lettered or unknown (a message delivered again after the job finished does nothing). A lease held
    /// by another worker does not stop the take: Wolverine hands a message to a second node only once the first is found dead,
    /// and the first, if it was only slow, loses its lease at its next renewal and stops.
    /// </summary>
    public async Task<WorkItem?> TakeAsync(string jobId, string owner, TimeSpan lease, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            update archive_api.digitization_queue
               set status = 'running', lease_owner = $2, lease_until = now() + $3, attempts = attempts + 1, updated_at = now()
             where job_id = $1 and status in ('queued', 'running')
            returning job_id, document_id, source_version, source_sha256, step, attempts, batch
            """);
        cmd.Parameters.AddWithValue(jobId);
        cmd.Parameters.AddWithValue(owner);
        cmd.Parameters.AddWithValue(lease);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct)
            ? new WorkItem(r.GetString(0), r.GetString(1), r.GetInt32(2), r.GetString(3), r.GetString(4), r.GetInt32(5), r.IsDBNull(6) ? null : r.GetString(6))
            : null;
    }

    /// <summary>Extends the lease; false when this worker no longer holds the job (it must stop).</summary>
    public async Task<bool> RenewAsync(string jobId, string owner, TimeSpan lease, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            update archive_api.digitization_queue set lease_until = now() + $3, updated_at = now()
            where job_id = $1 and lease_owner = $2 and status = 'running'
            """);
        cmd.Parameters.AddWithValue(jobId);
        cmd.Parameters.AddWithValue(owner);
        cmd.Parameters.AddWithValue(lease);
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    /// <summary>Moves the job to its next step inside the transaction that recorded the previous one.</summary>
    public static async Task AdvanceAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string jobId, string step, int? pages, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            update archive_api.digitization_queue set step = $2, pages = coalesce($3, pages), updated_at = now() where job_id = $1
            """, conn, tx);
        cmd.Parameters.AddWithValue(jobId);
        cmd.Parameters.AddWithValue(step);
        cmd.Parameters.AddWithValue((object?)pages ?? DBNull.Value);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Marks the job done; <c>lease_owner</c> keeps naming the worker that finished it (which node did the work).</summary>
    public async Task CompleteAsync(string jobId, string owner, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            update archive_api.digitization_queue set status = 'done', step = 'done', lease_until = null,
                finished_at = now(), updated_at = now(), last_error = null
            where job_id = $1 and lease_owner = $2
            """);
        cmd.Parameters.AddWithValue(jobId);
        cmd.Parameters.AddWithValue(owner);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Records a failed attempt: the job waits <paramref name="backoff"/> and is retried, or, at <paramref name="maxAttempts"/>,
    /// goes to the dead-letter list. Returns the new status, or null when this worker had lost the job meanwhile.
    /// </summary>
    public async Task<string?> FailAsync(string jobId, string owner, string error, int maxAttempts, TimeSpan backoff, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            update archive_api.digitization_queue
               set status = case when attempts >= $4 then 'dead' else 'queued' end, available_at = now() + $5,
                   lease_owner = null, lease_until = null, last_error = $3, updated_at = now()
             where job_id = $1 and lease_owner = $2
            returning status
            """);
        cmd.Parameters.AddWithValue(jobId);
        cmd.Parameters.AddWithValue(owner);
        cmd.Parameters.AddWithValue(error.Length > 4000 ? error[..4000] : error);
        cmd.Parameters.AddWithValue(maxAttempts);
        cmd.Parameters.AddWithValue(backoff);
        return await cmd.ExecuteScalarAsync(ct) as string;
    }

    /// <summary>Sends a dead-lettered job back (a person's retry): attempts start again. False when it is not dead-lettered.</summary>
    public async Task<bool> RequeueAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string jobId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            update archive_api.digitization_queue set status = 'queued', attempts = 0, available_at = now(), updated_at = now()
            where job_id = $1 and status = 'dead'
            """, conn, tx);
        cmd.Parameters.AddWithValue(jobId);
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    public async Task<IReadOnlyList<DeadLetter>> DeadLettersAsync(string? batch, int limit, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            select job_id, document_id, source_version, step, attempts, last_error, batch, created_at, updated_at
            from archive_api.digitization_queue where status = 'dead' and ($1::text is null or batch = $1)
            order by updated_at desc, job_id limit $2
            """);
        cmd.Parameters.AddWithValue((object?)batch ?? DBNull.Value);
        cmd.Parameters.AddWithValue(limit);
        var list = new List<DeadLetter>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            list.Add(new DeadLetter(r.GetString(0), r.GetString(1), r.GetInt32(2), r.GetString(3), r.GetInt32(4), r.IsDBNull(5) ? null : r.GetString(5),
                r.IsDBNull(6) ? null : r.GetString(6), r.GetFieldValue<DateTimeOffset>(7), r.GetFieldValue<DateTimeOffset>(8)));
        return list;
    }

    /// <summary>The queue's view of a document's latest job: status, step, attempts, whether a live lease holds it.</summary>
    public async Task<(string Status, string Step, int Attempts, bool Leased, string? Error)?> JobAsync(string jobId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            select status, step, attempts, status = 'running' and lease_until >= now(), last_error from archive_api.digitization_queue where job_id = $1
            """);
        cmd.Parameters.AddWithValue(jobId);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? (r.GetString(0), r.GetString(1), r.GetInt32(2), r.GetBoolean(3), r.IsDBNull(4) ? null : r.GetString(4)) : null;
    }

    /// <summary>The batches most recently received, newest first (the digitization page shows the progress of each).</summary>
    public async Task<IReadOnlyList<string>> RecentBatchesAsync(int limit, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            select batch from archive_api.digitization_queue where batch is not null group by batch order by max(created_at) desc, batch limit $1
            """);
        cmd.Parameters.AddWithValue(limit);
        var list = new List<string>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) list.Add(r.GetString(0));
        return list;
    }

    /// <summary>Progress of a batch (or of everything): jobs and pages by stage, the first and last activity.</summary>
    /// <remarks>
    /// A fonds (phông) is the organ id of the documents' dossiers, read from the search table (a report, not an access
    /// decision: a document filed moments ago may be counted a moment later).
    /// </remarks>
    public async Task<DigitizationProgress> ProgressAsync(string? batch, CancellationToken ct, string? fonds = null)
    {
        await using var cmd = db.CreateCommand("""
            select count(*),
                   count(*) filter (where step in ('sign', 'done')),
                   count(*) filter (where step = 'done'),
                   count(*) filter (where status = 'dead'),
                   count(*) filter (where status = 'running' and lease_until >= now()),
                   coalesce(sum(pages) filter (where step in ('sign', 'done')), 0),
                   coalesce(sum(pages) filter (where step = 'done'), 0),
                   min(created_at), max(finished_at)
            from archive_api.digitization_queue where ($1::text is null or batch = $1)
              and ($2::text is null or document_id in (select id from archive_api.search_index where kind = 'document' and fonds_id = $2))
            """);
        cmd.Parameters.AddWithValue((object?)batch ?? DBNull.Value);
        cmd.Parameters.AddWithValue((object?)fonds ?? DBNull.Value);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        long received = r.GetInt64(0), converted = r.GetInt64(1), signed = r.GetInt64(2), failed = r.GetInt64(3), running = r.GetInt64(4);
        long pagesConverted = r.GetInt64(5), pagesSigned = r.GetInt64(6);
        DateTimeOffset? first = r.IsDBNull(7) ? null : r.GetFieldValue<DateTimeOffset>(7), last = r.IsDBNull(8) ? null : r.GetFieldValue<DateTimeOffset>(8);
        double? perHour = null;
        DateTimeOffset? eta = null;
        if (first is { } f && last is { } l && l > f && signed > 0)
        {
            perHour = signed / (l - f).TotalHours;
            var remaining = received - signed - failed;
            eta = remaining <= 0 ? l : DateTimeOffset.UtcNow.AddHours(remaining / perHour.Value);
        }
        return new DigitizationProgress(batch, fonds, received, running, converted, signed, failed, pagesConverted, pagesSigned,
            perHour is null ? null : Math.Round(perHour.Value, 1), eta);
    }
}

/// <summary>Tiến độ số hóa: files received, being converted, converted, signed, dead-lettered; pages; files per hour; estimated end.</summary>
public sealed record DigitizationProgress(string? Batch, string? Fonds, long Received, long Converting, long Converted, long Signed, long Failed,
    long PagesConverted, long PagesSigned, double? FilesPerHour, DateTimeOffset? EstimatedEnd);
