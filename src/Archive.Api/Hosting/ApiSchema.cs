using Npgsql;

namespace Archive.Api.Hosting;

/// <summary>
/// The API's own tables in schema <c>archive_api</c>, separate from the event store's so
/// neither depends on the other's layout. Created idempotently under an advisory lock because
/// several instances (or test hosts) may start against one database at once.
/// </summary>
public static class ApiSchema
{
    public const string Name = "archive_api";

    private const string Ddl = """
        create schema if not exists archive_api;
        create table if not exists archive_api.api_keys (
            id text primary key,
            name text not null,
            role text not null,
            cleared_secret boolean not null default false,
            key_hash bytea not null,
            created_at timestamptz not null default now(),
            created_by text,
            revoked_at timestamptz);
        create table if not exists archive_api.idempotency (
            caller text not null,
            key text not null,
            route text not null,
            request_hash bytea,
            state text not null default 'pending',
            status int,
            headers jsonb,
            body bytea,
            created_at timestamptz not null default now(),
            primary key (caller, key));
        create table if not exists archive_api.access_log (
            id bigint generated always as identity primary key,
            at timestamptz not null default now(),
            caller text not null,
            caller_name text,
            role text,
            action text not null,
            resource_kind text not null,
            resource_id text not null,
            purpose text,
            client_address text,
            status int);
        -- What an idempotent request committed (streams and positions), written in the same transaction as its events.
        alter table archive_api.idempotency add column if not exists outcome text;
        create index if not exists access_log_resource on archive_api.access_log (resource_kind, resource_id, at);
        create table if not exists archive_api.content_refs (
            sha256 text not null,
            owner_kind text not null,
            owner_id text not null,
            created_at timestamptz not null default now(),
            primary key (sha256, owner_kind, owner_id));
        create table if not exists archive_api.saved_searches (
            id uuid primary key,
            owner text not null,
            name text not null,
            query jsonb not null,
            version int not null default 1,
            created_at timestamptz not null default now(),
            updated_at timestamptz not null default now());
        create index if not exists saved_searches_owner on archive_api.saved_searches (owner, name);
        create table if not exists archive_api.shred_vacuum_queue (
            id bigint generated always as identity primary key,
            stream_ids text[] not null,
            requested_at timestamptz not null default now());
        create table if not exists archive_api.search_index (
            id text primary key,
            kind text not null,
            fonds_id text,
            year int,
            retention_code text,
            access_regime text not null default '01',
            document_type text,
            record_date date,
            has_digitization_warnings boolean not null default false,
            codes text[] not null default '{}',
            title text,
            subject text,
            keywords text[] not null default '{}',
            metadata jsonb,
            norm_text text not null,
            sort_date date not null default '0001-01-01',
            updated_at timestamptz not null default now(),
            terms text[] not null default '{}',
            page_terms text[] not null default '{}',
            words tsvector compression lz4 generated always as (array_to_tsvector(terms || page_terms)) stored);
        create index if not exists search_index_order on archive_api.search_index (sort_date desc, id);
        -- Filters without text must not scan the table: the usual ones are fonds+year and type.
        create index if not exists search_index_fonds_year on archive_api.search_index (fonds_id, year, sort_date desc, id);
        create index if not exists search_index_year on archive_api.search_index (year, sort_date desc, id);
        create index if not exists search_index_date on archive_api.search_index (record_date);
        -- Xem xét hủy (review for destruction): fixed-term records with a known end year, kept by the disposition-review projection.
        create table if not exists archive_api.disposition_review (
            id text primary key,
            kind text not null,
            organ_id text,
            title text,
            retention_code text not null,
            retention_years int,
            end_year int not null,
            keep_until date not null,
            held boolean not null default false,
            access_regime text not null default '01',
            updated_at timestamptz not null default now());
        create index if not exists disposition_review_due on archive_api.disposition_review (keep_until, id);
        -- The review projection's facts per record, from which it derives the rows above set-based (ReviewProjection.Rules).
        create table if not exists archive_api.disposition_review_dossiers (
            code text primary key, organ_id text, reviewable boolean not null, title text, access_regime text,
            retention_code text, retention_years int, permanent boolean, end_year int, held boolean not null);
        create table if not exists archive_api.disposition_review_documents (
            id text primary key, reviewable boolean not null, subject text, access_regime text,
            retention_code text, retention_years int, permanent boolean not null, held boolean not null);
        create table if not exists archive_api.disposition_review_filings (
            dossier_code text not null, document_id text not null, position bigint not null, organ_id text,
            primary key (dossier_code, document_id));
        create index if not exists disposition_review_filings_document on archive_api.disposition_review_filings (document_id, position);
        create index if not exists search_index_fonds on archive_api.search_index (fonds_id, sort_date desc, id);
        create index if not exists search_index_warnings on archive_api.search_index (sort_date desc, id) where has_digitization_warnings;
        -- The word index (SearchTerms): prefix queries on each term; it replaced the trigram index on norm_text.
        drop index if exists archive_api.search_index_text;
        -- A document is found by its metadata words and the words of its recognised pages (page_terms, PageTextIndex):
        -- one index over both, so the date-order-first plan and the index plan answer OCR text as they answer metadata.
        -- Stored, not an expression: the date-order plan tests every row it reads, and building a tsvector of a digitized
        -- document's ~600 words cost ~150 µs a row (measured: 74 ms for the first read of 500 rows). lz4: a digitized row's
        -- words are ~2.7 KB out of line, and lz4 reads them back about twice as fast as the default pglz (same measurement).
        create index if not exists search_index_words on archive_api.search_index using gin (words);
        drop index if exists archive_api.search_index_terms;
        """;

    // A search table from before the word index has no terms: add the column, empty the table and rewind the
    // search projection so the daemon rebuilds every row with its terms (the read model is derived; events are not touched).
    private const string AddTerms = """
        alter table archive_api.search_index add column terms text[] not null default '{}';
        delete from archive_api.search_index;
        do $$ begin
            if to_regclass('event_store.projection_checkpoints') is not null then
                update event_store.projection_checkpoints set position = 0, updated = now() where name = 'search-index';
            end if;
        end $$;
        """;

    // A search table from before page_terms and words: terms get the words without their trailing punctuation that
    // SearchTerms.Of now adds ("dinh," is also "dinh"), in the search rows and the page texts; page_terms are filled from
    // the page texts already recognised; words is computed by PostgreSQL from both.
    private const string AddPageTerms = """
        update archive_api.search_index set terms = array(
            select distinct x from unnest(terms) t, lateral (values (t), (regexp_replace(t, '[^[:alnum:]]+$', ''))) v(x) where x <> '')
        where exists (select 1 from unnest(terms) t where t ~ '[^[:alnum:]]$');
        alter table archive_api.search_index add column if not exists page_terms text[] not null default '{}';
        do $$ begin
            if to_regclass('archive_api.page_text') is not null then
                update archive_api.page_text set terms = array(
                    select distinct x from unnest(terms) t, lateral (values (t), (regexp_replace(t, '[^[:alnum:]]+$', ''))) v(x) where x <> '')
                where exists (select 1 from unnest(terms) t where t ~ '[^[:alnum:]]$');
                update archive_api.search_index s set page_terms = w.terms
                from (select p.document_id, array_agg(distinct t) terms from archive_api.page_text p, unnest(p.terms) t group by p.document_id) w
                where s.id = w.document_id;
            end if;
        end $$;
        alter table archive_api.search_index add column words tsvector compression lz4 generated always as (array_to_tsvector(terms || page_terms)) stored;
        """;

    // A review list from before the projection kept facts (ReviewProjection): rebuild it from the events, as for AddTerms.
    private const string RewindReview = """
        delete from archive_api.disposition_review;
        do $$ begin
            if to_regclass('event_store.projection_checkpoints') is not null then
                update event_store.projection_checkpoints set position = 0, updated = now() where name = 'disposition-review';
            end if;
        end $$;
        """;

    public static async Task EnsureAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var lockCmd = new NpgsqlCommand("select pg_advisory_xact_lock(hashtext('archive_api.schema'))", conn, tx))
            await lockCmd.ExecuteScalarAsync(ct);
        await using (var check = new NpgsqlCommand("""
            select to_regclass('archive_api.search_index') is not null and not exists (select 1 from information_schema.columns
                where table_schema = 'archive_api' and table_name = 'search_index' and column_name = 'terms')
            """, conn, tx))
            if ((bool)(await check.ExecuteScalarAsync(ct))!)
                await using (var add = new NpgsqlCommand(AddTerms, conn, tx)) await add.ExecuteNonQueryAsync(ct);
        await using (var check = new NpgsqlCommand("""
            select to_regclass('archive_api.search_index') is not null and not exists (select 1 from information_schema.columns
                where table_schema = 'archive_api' and table_name = 'search_index' and column_name = 'words')
            """, conn, tx))
            if ((bool)(await check.ExecuteScalarAsync(ct))!)
                await using (var add = new NpgsqlCommand(AddPageTerms, conn, tx)) await add.ExecuteNonQueryAsync(ct);
        await using (var check = new NpgsqlCommand(
            "select to_regclass('archive_api.disposition_review') is not null and to_regclass('archive_api.disposition_review_dossiers') is null", conn, tx))
            if ((bool)(await check.ExecuteScalarAsync(ct))!)
                await using (var rewind = new NpgsqlCommand(RewindReview, conn, tx)) await rewind.ExecuteNonQueryAsync(ct);
        await using (var cmd = new NpgsqlCommand(Ddl + Infrastructure.Jobs.JobTable.Ddl + Features.Audit.FixityChecker.Ddl, conn, tx)) await cmd.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>
    /// Indexes the API needs on the event store's own table, created after the store's migrations (the
    /// store knows no archive vocabulary). Both are partial, so appends of other event types pay nothing:
    /// a document's filings are looked up by <c>documentId</c> for every projected document (without the
    /// index the search projection's catch-up was quadratic), and the transfer-due and alert lists look
    /// for streams holding one event type.
    /// </summary>
    public static async Task EnsureStoreIndexesAsync(NpgsqlDataSource db, string storeSchema, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var lockCmd = new NpgsqlCommand("select pg_advisory_xact_lock(hashtext('archive_api.schema'))", conn, tx))
            await lockCmd.ExecuteScalarAsync(ct);
        await using (var cmd = new NpgsqlCommand($"""
            create index if not exists events_filed_document on {storeSchema}.events ((data->>'documentId'), position)
                where type = 'dossier.document.filed.v1';
            create index if not exists events_listed_types on {storeSchema}.events (type, stream_id)
                where type in ('dossier.closed.v1', 'access.change.alert.raised.v1');
            """, conn, tx))
            await cmd.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
    }
}
