using System.Security.Claims;
using Archive.Api.Infrastructure.Auth;
using Archive.Domain.Documents;
using Archive.Domain.Dossiers;
using Archive.Domain.Identifiers;
using Archive.EventStore;
using Npgsql;
using NpgsqlTypes;
using Cursor = Archive.Api.Infrastructure.Search.SearchIndex.Cursor;

namespace Archive.Api.Features.Records;

/// <summary>One dossier in <c>GET /api/v1/dossiers</c>.</summary>
public sealed record DossierListItem(string Code, string OrganId, int Year, string FileNotation, string Title, string Status, string AccessMode,
    string RetentionCode, int? RetentionYears, DateOnly? StartDate, DateOnly? EndDate, long Version);

/// <summary>One document in <c>GET /api/v1/documents</c>; <c>dossierCodes</c> in filing order.</summary>
public sealed record DocumentListItem(string Id, IReadOnlyList<string> DossierCodes, IReadOnlyList<string> DocumentCodes, string? OrganId, int Year,
    string TypeCode, string NumberAndNotation, string Subject, DateOnly IssuedDate, string Status, string AccessMode, string RetentionCode,
    int? RetentionYears, bool HasContent, long Version);

public sealed record DossierPage(IReadOnlyList<DossierListItem> Items, string? NextCursor);
public sealed record DocumentPage(IReadOnlyList<DocumentListItem> Items, string? NextCursor);

public sealed record DossierListFilter(string? OrganId, int? Year, string? Status, string? Access);
public sealed record DocumentListFilter(string? OrganId, string? DossierCode, int? Year, string? Type, string? Status, string? Access);

/// <summary>
/// The lists of dossiers and documents (<c>archive_api.record_list</c>), written by <see cref="RecordListProjection"/> inside
/// each append's transaction: a row and its access regime are exactly as committed with the events. It is also the one
/// place every read over many records takes a record's access regime from (<see cref="Infrastructure.Access.RecordAccess"/>),
/// the search index, by contrast, being projected asynchronously. A destroyed record keeps a tombstone row (status
/// <c>destroyed</c>, its descriptive columns blanked, its last regime kept): its regime is encrypted in its shredded
/// events, so the tombstone is what keeps a destroyed 03 record's residual hidden. Lists leave tombstones out. Paging
/// is by keyset over (sort date, id), newest first.
/// </summary>
public static class RecordList
{
    public const string Ddl = """
        create table if not exists archive_api.record_list (
            kind text not null,
            id text not null,
            organ_id text,
            year int not null,
            file_notation text,
            dossier_codes text[] not null default '{}',
            document_codes text[] not null default '{}',
            type_code text,
            code_notation text,
            title text not null,
            status text not null,
            access_regime text not null,
            retention_code text not null,
            retention_years int,
            start_date date,
            end_date date,
            sort_date date not null,
            has_content boolean not null default false,
            version bigint not null,
            updated_at timestamptz not null default now(),
            primary key (kind, id));
        create index if not exists record_list_order on archive_api.record_list (kind, sort_date desc, id desc);
        create index if not exists record_list_organ on archive_api.record_list (kind, organ_id, sort_date desc, id desc);
        create index if not exists record_list_year on archive_api.record_list (kind, year, sort_date desc, id desc);
        create index if not exists record_list_dossier on archive_api.record_list using gin (dossier_codes);
        create index if not exists record_list_secret on archive_api.record_list ((kind || '-' || id)) where access_regime = '03';
        """;

    public const string Destroyed = "destroyed";

    /// <summary>
    /// Turns rows into tombstones: what the shredding must remove goes (titles, numbers, dates), the regime and the codes
    /// stay. Shared by the projection (on the destruction event) and the shredder (also after a restore).
    /// </summary>
    public const string TombstoneSet = """
        status = 'destroyed', title = '', type_code = null, code_notation = null, start_date = null, end_date = null,
        sort_date = make_date(greatest(year, 1), 1, 1)
        """;

    public const int MaxPageSize = 200;
    public static readonly string[] DossierStatuses = ["open", "closed", "transferred"];

    /// <summary>Creates the table; an archive that has records but an empty list (an upgrade) gets every row from the records' streams.</summary>
    public static async Task EnsureAsync(IServiceProvider services, CancellationToken ct)
    {
        var db = services.GetRequiredService<NpgsqlDataSource>();
        var repo = services.GetRequiredService<RecordsRepository>();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var l = new NpgsqlCommand("select pg_advisory_xact_lock(hashtext('archive_api.record_list'))", conn, tx)) await l.ExecuteScalarAsync(ct);
        await using (var ddl = new NpgsqlCommand(Ddl, conn, tx)) await ddl.ExecuteNonQueryAsync(ct);
        await using (var any = new NpgsqlCommand("select exists (select 1 from archive_api.record_list)", conn, tx))
            if (!(bool)(await any.ExecuteScalarAsync(ct))!) await RebuildAsync(repo, conn, tx, ct);
        await MergeFormerAccessTableAsync(conn, tx, ct);
        await tx.CommitAsync(ct);
    }

    private static async Task RebuildAsync(RecordsRepository repo, NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct)
    {
        // A destroyed record's regime was shredded with its metadata; unknown, its tombstone hides it (03) until
        // MergeFormerAccessTableAsync knows better.
        foreach (var chunk in (await repo.StreamsWithEventAsync("dossier.opened.v1", ct)).Chunk(500))
            foreach (var (state, version) in await repo.LoadManyAsync(chunk, DossierState.Initial, DossierDecider.Evolve, ct))
                if (state.Status is not (DossierStatus.None or DossierStatus.Destroyed) && state.Metadata is { } m)
                    await ExecAsync(conn, tx, UpsertDossier(state.Code, state.OrganId, state.Year, state.FileNotation, m, Status(state.Status), state.ClosedEndDate, version), ct);
                else if (state.Status == DossierStatus.Destroyed)
                    await ExecAsync(conn, tx, Tombstone("dossier", state.Code, state.Year, version), ct);
        foreach (var chunk in (await repo.StreamsWithEventAsync("document.registered.v1", ct)).Chunk(500))
        {
            var loaded = await repo.LoadManyAsync(chunk, DocumentState.Initial, DocumentDecider.Evolve, ct);
            var filings = await repo.FilingsOfAsync(loaded.Select(x => x.State.DocumentId).ToList(), ct);
            foreach (var (state, version) in loaded)
            {
                if (state.Status == DocumentStatus.Registered && state.Metadata is { } m)
                    await ExecAsync(conn, tx, UpsertDocument(state.DocumentId, m, version, state.Contents.Count > 0), ct);
                else if (state.Residual is not null)
                    await ExecAsync(conn, tx, Tombstone("document", state.DocumentId, 0, version), ct);
                else continue;
                foreach (var f in filings.GetValueOrDefault(state.DocumentId, []))
                    await ExecAsync(conn, tx, Filed(state.DocumentId, f.DossierCode, f.DocumentCode), ct);
            }
        }
    }

    /// <summary>
    /// Archives from before the merge kept the regimes in <c>archive_api.record_access</c> as well, including those of
    /// destroyed records (whose rows the list deleted then): they become tombstones here, and the old table goes.
    /// </summary>
    private static async Task MergeFormerAccessTableAsync(NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct)
    {
        await using (var exists = new NpgsqlCommand("select to_regclass('archive_api.record_access') is not null", conn, tx))
            if (!(bool)(await exists.ExecuteScalarAsync(ct))!) return;
        await using var merge = new NpgsqlCommand($"""
            update archive_api.record_list l set access_regime = a.access_regime
            from archive_api.record_access a where l.status = '{Destroyed}' and a.stream_id = l.kind || '-' || l.id;
            insert into archive_api.record_list (kind, id, year, title, status, access_regime, retention_code, sort_date, version)
            select split_part(a.stream_id, '-', 1), substr(a.stream_id, strpos(a.stream_id, '-') + 1), 1, '', '{Destroyed}', a.access_regime, '',
                   make_date(1, 1, 1), 0
            from archive_api.record_access a
            where split_part(a.stream_id, '-', 1) in ('dossier', 'document')
            on conflict (kind, id) do nothing;
            drop table archive_api.record_access;
            drop table if exists archive_api.record_access_backfill;
            """, conn, tx);
        await merge.ExecuteNonQueryAsync(ct);
    }

    public static async Task<DossierPage> DossiersAsync(NpgsqlDataSource db, ClaimsPrincipal caller, DossierListFilter f, string? cursor, int limit, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand();
        var where = Where(cmd, "dossier", caller, f.OrganId, f.Year, f.Status, f.Access, cursor);
        cmd.CommandText = $"""
            select id, organ_id, year, file_notation, title, status, access_regime, retention_code, retention_years, start_date, end_date, version, sort_date
            from archive_api.record_list where {where} order by sort_date desc, id desc limit {limit + 1}
            """;
        var items = new List<(DossierListItem Item, DateOnly Sort)>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            items.Add((new DossierListItem(r.GetString(0), r.GetString(1), r.GetInt32(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6),
                r.GetString(7), N<int>(r, 8), N<DateOnly>(r, 9), N<DateOnly>(r, 10), r.GetInt64(11)), r.GetFieldValue<DateOnly>(12)));
        return new DossierPage(items.Take(limit).Select(x => x.Item).ToList(),
            items.Count > limit ? Cursor.Encode(items[limit - 1].Sort, items[limit - 1].Item.Code) : null);
    }

    public static async Task<DocumentPage> DocumentsAsync(NpgsqlDataSource db, ClaimsPrincipal caller, DocumentListFilter f, string? cursor, int limit, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand();
        var where = Where(cmd, "document", caller, f.OrganId, f.Year, f.Status, f.Access, cursor);
        if (f.DossierCode is { } dossier) where += $" and {Param(cmd, dossier)} = any(dossier_codes)";
        if (f.Type is { } type) where += $" and type_code = {Param(cmd, type)}";
        cmd.CommandText = $"""
            select id, dossier_codes, document_codes, organ_id, year, type_code, code_notation, title, sort_date, status, access_regime,
                   retention_code, retention_years, has_content, version
            from archive_api.record_list where {where} order by sort_date desc, id desc limit {limit + 1}
            """;
        var items = new List<DocumentListItem>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            items.Add(new DocumentListItem(r.GetString(0), r.GetFieldValue<string[]>(1), r.GetFieldValue<string[]>(2), r.IsDBNull(3) ? null : r.GetString(3),
                r.GetInt32(4), r.GetString(5), r.GetString(6), r.GetString(7), r.GetFieldValue<DateOnly>(8), r.GetString(9), r.GetString(10),
                r.GetString(11), N<int>(r, 12), r.GetBoolean(13), r.GetInt64(14)));
        return new DocumentPage(items.Take(limit).ToList(),
            items.Count > limit ? Cursor.Encode(items[limit - 1].IssuedDate, items[limit - 1].Id) : null);
    }

    /// <summary>Only regimes the caller may see: an asked-for regime outside them gives an empty page, not the regime's records.</summary>
    private static string Where(NpgsqlCommand cmd, string kind, ClaimsPrincipal caller, string? organId, int? year, string? status, string? access, string? cursor)
    {
        var where = $"kind = {Param(cmd, kind)} and status <> '{Destroyed}' and access_regime = any({Param(cmd, AccessRegimes.VisibleTo(caller))})";
        if (organId is not null) where += $" and organ_id = {Param(cmd, organId)}";
        if (year is not null) where += $" and year = {Param(cmd, year.Value)}";
        if (status is not null) where += $" and status = {Param(cmd, status)}";
        if (access is not null) where += $" and access_regime = {Param(cmd, access)}";
        if (Cursor.TryDecode(cursor, out var date, out var id)) where += $" and (sort_date, id) < ({Param(cmd, date)}, {Param(cmd, id)})";
        return where;
    }

    private static string Param<T>(NpgsqlCommand cmd, T value)
    {
        cmd.Parameters.Add(new NpgsqlParameter<T> { TypedValue = value });
        return "$" + cmd.Parameters.Count;
    }

    private static T? N<T>(NpgsqlDataReader r, int i) where T : struct => r.IsDBNull(i) ? null : r.GetFieldValue<T>(i);

    internal static string Status(DossierStatus s) => s.ToString().ToLowerInvariant();

    internal static NpgsqlBatchCommand UpsertDossier(string code, string organId, int year, string notation, DossierMetadata m, string? status,
        DateOnly? closedEnd, long version) => Command("""
        insert into archive_api.record_list (kind, id, organ_id, year, file_notation, title, status, access_regime, retention_code, retention_years,
            start_date, end_date, sort_date, version)
        values ('dossier', $1, $2, $3, $4, $5, coalesce($6, 'open'), $7, $8, $9, $10, $11, $12, $13)
        on conflict (kind, id) do update set title = excluded.title, status = coalesce($6, record_list.status), access_regime = excluded.access_regime,
            retention_code = excluded.retention_code, retention_years = excluded.retention_years, start_date = excluded.start_date,
            end_date = coalesce(record_list.end_date, excluded.end_date), sort_date = excluded.sort_date, version = excluded.version, updated_at = now()
        """, code, organId, year, notation, m.Title, (object?)status ?? DBNull.Value, m.AccessMode, m.RetentionCode, (object?)m.RetentionYears ?? DBNull.Value,
        (object?)m.StartDate ?? DBNull.Value, (object?)(closedEnd ?? m.EndDate) ?? DBNull.Value, m.StartDate ?? new DateOnly(Math.Clamp(year, 1, 9999), 1, 1), version);

    internal static NpgsqlBatchCommand UpsertDocument(string id, DocumentMetadata m, long version, bool hasContent) => Command("""
        insert into archive_api.record_list (kind, id, year, type_code, code_notation, title, status, access_regime, retention_code, retention_years,
            sort_date, has_content, version)
        values ('document', $1, $2, $3, $4, $5, 'registered', $6, $7, $8, $9, $10, $11)
        on conflict (kind, id) do update set year = excluded.year, type_code = excluded.type_code, code_notation = excluded.code_notation,
            title = excluded.title, access_regime = excluded.access_regime, retention_code = excluded.retention_code,
            retention_years = excluded.retention_years, sort_date = excluded.sort_date, version = excluded.version, updated_at = now()
        """, id, m.IssuedDate.Year, m.TypeCode, m.NumberAndNotation, m.Subject, m.AccessMode, m.RetentionCode, (object?)m.RetentionYears ?? DBNull.Value,
        m.IssuedDate, hasContent, version);

    /// <summary>A tombstone of a record destroyed before the list kept them (a rebuild): regime unknown, so 03.</summary>
    internal static NpgsqlBatchCommand Tombstone(string kind, string id, int year, long version) => Command($"""
        insert into archive_api.record_list (kind, id, year, title, status, access_regime, retention_code, sort_date, version)
        values ($1, $2, greatest($3, 1), '', '{Destroyed}', '{AccessRegimes.Secret}', '', make_date(greatest($3, 1), 1, 1), $4)
        on conflict (kind, id) do nothing
        """, kind, id, year, version);

    /// <summary>A filing names the document's dossier; the first one gives its fonds.</summary>
    internal static NpgsqlBatchCommand Filed(string documentId, string dossierCode, string documentCode) => Command("""
        update archive_api.record_list set dossier_codes = dossier_codes || $2, document_codes = document_codes || $3,
            organ_id = coalesce(organ_id, $4), updated_at = now()
        where kind = 'document' and id = $1 and not ($2 = any(dossier_codes))
        """, documentId, dossierCode, documentCode,
        DossierCode.TryParse(dossierCode, out var organ, out _, out _) ? organ : DBNull.Value);

    internal static NpgsqlBatchCommand Command(string sql, params object[] values)
    {
        var c = new NpgsqlBatchCommand(sql);
        foreach (var v in values) c.Parameters.Add(new NpgsqlParameter { Value = v });
        return c;
    }

    private static async Task ExecAsync(NpgsqlConnection conn, NpgsqlTransaction tx, NpgsqlBatchCommand command, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(conn, tx) { BatchCommands = { command } };
        await batch.ExecuteNonQueryAsync(ct);
    }
}

/// <summary>Keeps <see cref="RecordList"/> in the append's transaction, from the events alone (the list never reads a stream).</summary>
public sealed class RecordListProjection : IInlineProjection
{
    public async Task ApplyAsync(IReadOnlyList<RecordedEvent> events, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var e in events)
        {
            var command = e.Data switch
            {
                DossierOpened o => RecordList.UpsertDossier(o.DossierCode, o.OrganId, o.Year, o.FileNotation, o.Metadata, "open", null, e.Version),
                DossierMetadataChanged c => Update("dossier", c.DossierCode, e.Version, """
                    title = $3, access_regime = $4, retention_code = $5, retention_years = $6, start_date = $7,
                    end_date = coalesce($8, end_date), sort_date = coalesce($7, make_date(year, 1, 1))
                    """, c.Metadata.Title, c.Metadata.AccessMode, c.Metadata.RetentionCode, (object?)c.Metadata.RetentionYears ?? DBNull.Value,
                    (object?)c.Metadata.StartDate ?? DBNull.Value, (object?)c.Metadata.EndDate ?? DBNull.Value),
                DossierRetentionRaised r => Update("dossier", r.DossierCode, e.Version, "retention_code = $3, retention_years = $4",
                    r.RetentionCode, (object?)r.RetentionYears ?? DBNull.Value),
                DossierClosed c => Update("dossier", c.DossierCode, e.Version, "status = 'closed', end_date = $3", c.EndDate),
                DossierTransferred t => Update("dossier", t.DossierCode, e.Version, "status = 'transferred'"),
                DossierDestroyed d => Update("dossier", d.DossierCode, e.Version, RecordList.TombstoneSet),
                DocumentFiled f => RecordList.Filed(f.DocumentId, f.DossierCode, f.DocumentCode),
                DocumentRegistered r => RecordList.UpsertDocument(r.DocumentId, r.Metadata, e.Version, hasContent: false),
                DocumentMetadataChanged c => RecordList.UpsertDocument(c.DocumentId, c.Metadata, e.Version, hasContent: false),
                ContentVersionAdded a => Update("document", a.DocumentId, e.Version, "has_content = true"),
                DocumentDestroyed d => Update("document", d.DocumentId, e.Version, RecordList.TombstoneSet),
                _ when e.StreamId.StartsWith("dossier-", StringComparison.Ordinal) => Update("dossier", e.StreamId["dossier-".Length..], e.Version, null),
                _ when e.StreamId.StartsWith("document-", StringComparison.Ordinal) => Update("document", e.StreamId["document-".Length..], e.Version, null),
                _ => null,
            };
            if (command is not null) batch.BatchCommands.Add(command);
            // A filing also moves the dossier's version.
            if (e.Data is DocumentFiled filed) batch.BatchCommands.Add(Update("dossier", filed.DossierCode, e.Version, null));
        }
        if (batch.BatchCommands.Count > 0) await batch.ExecuteNonQueryAsync(ct);
    }

    private static NpgsqlBatchCommand Update(string kind, string id, long version, string? set, params object[] values) =>
        RecordList.Command($"update archive_api.record_list set {(set is null ? "" : set + ", ")}version = $2, updated_at = now() where kind = '{kind}' and id = $1",
            [id, version, .. values]);
}
