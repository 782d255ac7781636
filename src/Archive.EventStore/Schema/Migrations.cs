namespace Archive.EventStore.Schema;

/// <summary>
/// The store's schema, as numbered steps. A step is never edited once shipped: changes are new
/// steps. <c>{s}</c> is the schema, <c>{append_key}</c>/<c>{schema_hash}</c> the lock keys.
/// </summary>
internal static class Migrations
{
    public static IReadOnlyList<(int Version, string Sql)> All { get; } =
    [
        (1, """
            do $check$ begin
                if current_setting('server_encoding') <> 'UTF8' then
                    raise exception 'the event store needs a UTF8 database (hashes use UTF-8 byte lengths)';
                end if;
            end $check$;

            create table {s}.streams (
                id text primary key,
                type text,
                version bigint not null,
                created timestamptz not null,
                updated timestamptz not null,
                archived boolean not null default false,
                last_hash bytea
            );

            create sequence {s}.events_position_seq as bigint;

            create table {s}.events (
                position bigint primary key default nextval('{s}.events_position_seq'),
                stream_id text not null,
                version bigint not null,
                type text not null,
                data jsonb not null,
                metadata jsonb not null,
                recorded_at timestamptz not null,
                hash bytea not null,
                previous_hash bytea,
                tx_id xid8 not null,
                constraint events_stream_version_key unique (stream_id, version)
            );
            alter sequence {s}.events_position_seq owned by {s}.events.position;

            create table {s}.projection_checkpoints (
                name text primary key,
                position bigint not null default 0,
                updated timestamptz not null default now()
            );

            create table {s}.dead_letters (
                id bigint generated always as identity primary key,
                projection text not null,
                position bigint not null,
                stream_id text not null,
                version bigint not null,
                type text not null,
                error text not null,
                failed_at timestamptz not null default now()
            );
            create index dead_letters_projection on {s}.dead_letters (projection, position);

            -- The append protocol; docs/architecture.md "Event store" explains each step.
            create function {s}.append_events(
                p_stream_id text, p_stream_type text, p_expected bigint,
                p_types text[], p_data jsonb[], p_metadata jsonb[])
            -- One row: positions run first_position.. and versions first_version.. in input order.
            returns table (first_position bigint, first_version bigint, recorded_at timestamptz, hashes bytea[], first_previous_hash bytea)
            language plpgsql as $fn$
            declare
                v_n int := coalesce(array_length(p_types, 1), 0);
                v_current bigint := 0;
                v_archived boolean := false;
                v_prev bytea;
                v_now timestamptz;
                v_micros text;
                v_hashes bytea[] := '{}';
                v_prevs bytea[] := '{}';
                v_stream_field text;
                v_d text;
                v_m text;
                v_v text;
                v_h text;
                v_tx xid8;
                v_first bigint;
                i int;
            begin
                if v_n = 0 or array_length(p_data, 1) is distinct from v_n or array_length(p_metadata, 1) is distinct from v_n then
                    raise exception 'append needs one type, data and metadata per event' using errcode = '22023';
                end if;
                if array_position(p_types, null) is not null or array_position(p_data, null) is not null
                   or array_position(p_metadata, null) is not null then
                    raise exception 'event type, data and metadata must not be null' using errcode = '22004';
                end if;
                -- Without an xid assigned here, the xid is drawn under the append lock below, so
                -- xid order equals position order. A select ... for update would assign it early.
                if pg_current_xact_id_if_assigned() is not null then
                    raise exception 'append must be the transaction''s first write' using errcode = 'ES002';
                end if;

                -- Serializes appends to one stream until commit without assigning an xid.
                perform pg_advisory_xact_lock({schema_hash}, hashtext(p_stream_id));
                select s.version, s.archived, s.last_hash into v_current, v_archived, v_prev
                  from {s}.streams s where s.id = p_stream_id;
                if not found then v_current := 0; v_archived := false; v_prev := null; end if;
                if v_archived then
                    raise exception 'stream % is archived', p_stream_id using errcode = 'ES003';
                end if;
                -- Marten #4765: the version is checked before any position is drawn.
                if p_expected <> -1 and p_expected <> v_current then
                    raise exception 'stream % expected at version % but is at %', p_stream_id, p_expected, v_current
                        using errcode = 'ES001', detail = v_current::text;
                end if;

                v_now := clock_timestamp();
                v_micros := (extract(epoch from v_now) * 1000000)::bigint::text;
                v_micros := octet_length(v_micros) || ':' || v_micros || ',';
                v_stream_field := octet_length(p_stream_id) || ':' || p_stream_id || ',';
                for i in 1 .. v_n loop
                    -- Canonical encoding: see EventHash.cs; each field is "<utf8 length>:<utf8 text>,"
                    -- (octet_length is the UTF-8 length: the migration requires a UTF8 database).
                    v_d := p_data[i]::text;
                    v_m := p_metadata[i]::text;
                    v_v := (v_current + i)::text;
                    v_h := coalesce(encode(v_prev, 'hex'), '');
                    v_prevs[i] := v_prev;
                    v_prev := sha256(convert_to(
                        octet_length(v_h) || ':' || v_h || ',' || v_stream_field
                        || octet_length(v_v) || ':' || v_v || ','
                        || octet_length(p_types[i]) || ':' || p_types[i] || ','
                        || octet_length(v_d) || ':' || v_d || ','
                        || octet_length(v_m) || ':' || v_m || ',' || v_micros, 'UTF8'));
                    v_hashes[i] := v_prev;
                end loop;

                -- The ordering lock: the xid and the positions are drawn together under it, so xid
                -- order equals position order. It is held for three function calls, not until
                -- commit, so commits still group. A try-lock loop instead of a blocking lock: with
                -- more writers than cores, a queued lock is handed to a sleeping process and every
                -- append pays for its wake-up (a lock convoy). Inside the exception block so that
                -- an error or a cancel anywhere cannot leave this session lock behind.
                begin
                    if not pg_try_advisory_lock({append_key}) then
                        loop
                            perform pg_sleep(0.00002);
                            exit when pg_try_advisory_lock({append_key});
                        end loop;
                    end if;
                    v_tx := pg_current_xact_id();
                    v_first := nextval('{s}.events_position_seq');
                    if v_n > 1 then
                        -- The sequence has cache 1 and only appends draw from it, under this lock.
                        perform setval('{s}.events_position_seq', v_first + v_n - 1);
                    end if;
                    perform pg_advisory_unlock({append_key});
                exception when others or query_canceled then
                    if exists (select 1 from pg_locks l where l.locktype = 'advisory' and l.pid = pg_backend_pid()
                               and l.objsubid = 1 and l.granted
                               and ((l.classid::bigint << 32) | l.objid::bigint) = {append_key}) then
                        perform pg_advisory_unlock({append_key});
                    end if;
                    raise;
                end;

                insert into {s}.events (position, stream_id, version, type, data, metadata, recorded_at, hash, previous_hash, tx_id)
                select v_first + t.ord - 1, p_stream_id, v_current + t.ord, t.type, t.data, t.meta, v_now, t.hash, t.prev, v_tx
                  from unnest(p_types, p_data, p_metadata, v_hashes, v_prevs) with ordinality as t(type, data, meta, hash, prev, ord);

                if v_current = 0 then
                    insert into {s}.streams (id, type, version, created, updated, archived, last_hash)
                    values (p_stream_id, p_stream_type, v_n, v_now, v_now, false, v_prev);
                else
                    update {s}.streams set version = v_current + v_n, updated = v_now, last_hash = v_prev where id = p_stream_id;
                end if;

                first_position := v_first;
                first_version := v_current + 1;
                recorded_at := v_now;
                hashes := v_hashes;
                first_previous_hash := v_prevs[1];
                return next;
            end
            $fn$;
            """),
        (2, """
            -- Positions from the transaction id instead of a sequence drawn under a global ordering
            -- lock (docs/architecture.md "Append protocol"): no lock shared by all writers, an
            -- append need not be the transaction's first write, and several appends may share a
            -- transaction. Also cheaper per call: no set-returning function (no tuplestore), the
            -- stream lock as a simple expression, a VALUES insert for the common single event.
            drop function {s}.append_events(text, text, bigint, text[], jsonb[], jsonb[]);
            create function {s}.append_events(
                p_stream_id text, p_stream_type text, p_expected bigint,
                p_types text[], p_data jsonb[], p_metadata jsonb[],
                -- Positions run first_position.. and versions first_version.. in input order.
                out first_position bigint, out first_version bigint, out recorded_at timestamptz,
                out hashes bytea[], out first_previous_hash bytea)
            language plpgsql as $fn$
            declare
                v_n int := coalesce(array_length(p_types, 1), 0);
                v_current bigint := 0;
                v_archived boolean := false;
                v_prev bytea;
                v_now timestamptz;
                v_micros text;
                v_hashes bytea[] := '{}';
                v_prevs bytea[] := '{}';
                v_stream_field text;
                v_d text;
                v_m text;
                v_v text;
                v_h text;
                v_had_xid xid8;
                v_tx xid8;
                v_first bigint;
                v_base bigint;
                v_lock text;
                i int;
            begin
                if v_n = 0 or array_length(p_data, 1) is distinct from v_n or array_length(p_metadata, 1) is distinct from v_n then
                    raise exception 'append needs one type, data and metadata per event' using errcode = '22023';
                end if;
                if array_position(p_types, null) is not null or array_position(p_data, null) is not null
                   or array_position(p_metadata, null) is not null then
                    raise exception 'event type, data and metadata must not be null' using errcode = '22004';
                end if;

                -- Serializes appends to one stream until commit, also while the stream has no row
                -- yet. An assignment rather than PERFORM: a simple expression skips the executor.
                v_lock := pg_advisory_xact_lock({schema_hash}, hashtext(p_stream_id))::text;
                select s.version, s.archived, s.last_hash into v_current, v_archived, v_prev
                  from {s}.streams s where s.id = p_stream_id;
                if not found then v_current := 0; v_archived := false; v_prev := null; end if;
                if v_archived then
                    raise exception 'stream % is archived', p_stream_id using errcode = 'ES003';
                end if;
                -- Marten #4765: the version is checked before any position is drawn.
                if p_expected <> -1 and p_expected <> v_current then
                    raise exception 'stream % expected at version % but is at %', p_stream_id, p_expected, v_current
                        using errcode = 'ES001', detail = v_current::text;
                end if;

                v_now := clock_timestamp();
                v_micros := (extract(epoch from v_now) * 1000000)::bigint::text;
                v_micros := octet_length(v_micros) || ':' || v_micros || ',';
                v_stream_field := octet_length(p_stream_id) || ':' || p_stream_id || ',';
                for i in 1 .. v_n loop
                    -- Canonical encoding: see EventHash.cs; each field is "<utf8 length>:<utf8 text>,"
                    -- (octet_length is the UTF-8 length: the migration requires a UTF8 database).
                    v_d := p_data[i]::text;
                    v_m := p_metadata[i]::text;
                    v_v := (v_current + i)::text;
                    v_h := coalesce(encode(v_prev, 'hex'), '');
                    v_prevs[i] := v_prev;
                    v_prev := sha256(convert_to(
                        octet_length(v_h) || ':' || v_h || ',' || v_stream_field
                        || octet_length(v_v) || ':' || v_v || ','
                        || octet_length(p_types[i]) || ':' || p_types[i] || ','
                        || octet_length(v_d) || ':' || v_d || ','
                        || octet_length(v_m) || ':' || v_m || ',' || v_micros, 'UTF8'));
                    v_hashes[i] := v_prev;
                end loop;

                -- Positions are (xid << 20) + offset, so xid order equals position order without a
                -- shared lock: the daemon's "tx_id below the snapshot's xmin" rule then always selects
                -- a prefix of the log. A transaction that already had an xid may have appended before:
                -- continue after its highest position (one probe of the primary key).
                v_had_xid := pg_current_xact_id_if_assigned();
                v_tx := pg_current_xact_id();
                v_base := v_tx::text::bigint;
                if v_base >= 8796093022208 then  -- 2^43: (xid << 20) would leave bigint
                    raise exception 'transaction id % is beyond the position range', v_base using errcode = 'ES004';
                end if;
                v_base := v_base << 20;
                v_first := v_base;
                if v_had_xid is not null then
                    select coalesce(max(e.position) + 1, v_base) into v_first
                      from {s}.events e where e.position >= v_base and e.position < v_base + 1048576;
                end if;
                if v_first + v_n > v_base + 1048576 then
                    raise exception 'a transaction may append at most 1048576 events' using errcode = 'ES005';
                end if;

                if v_n = 1 then
                    insert into {s}.events (position, stream_id, version, type, data, metadata, recorded_at, hash, previous_hash, tx_id)
                    values (v_first, p_stream_id, v_current + 1, p_types[1], p_data[1], p_metadata[1], v_now, v_prev, v_prevs[1], v_tx);
                else
                    insert into {s}.events (position, stream_id, version, type, data, metadata, recorded_at, hash, previous_hash, tx_id)
                    select v_first + t.ord - 1, p_stream_id, v_current + t.ord, t.type, t.data, t.meta, v_now, t.hash, t.prev, v_tx
                      from unnest(p_types, p_data, p_metadata, v_hashes, v_prevs) with ordinality as t(type, data, meta, hash, prev, ord);
                end if;

                if v_current = 0 then
                    insert into {s}.streams (id, type, version, created, updated, archived, last_hash)
                    values (p_stream_id, p_stream_type, v_n, v_now, v_now, false, v_prev);
                else
                    update {s}.streams set version = v_current + v_n, updated = v_now, last_hash = v_prev where id = p_stream_id;
                end if;

                first_position := v_first;
                first_version := v_current + 1;
                recorded_at := v_now;
                hashes := v_hashes;
                first_previous_hash := v_prevs[1];
            end
            $fn$;
            """),
        (3, """
            -- Same contract and hash encoding as step 2, fewer PL/pgSQL statements per event (each
            -- statement's expression is set up again in every transaction): a single event is hashed
            -- in one expression; for several events the fields that do not depend on the chain are
            -- built in one set-based query, leaving one hashing statement per event.
            create or replace function {s}.append_events(
                p_stream_id text, p_stream_type text, p_expected bigint,
                p_types text[], p_data jsonb[], p_metadata jsonb[],
                -- Positions run first_position.. and versions first_version.. in input order.
                out first_position bigint, out first_version bigint, out recorded_at timestamptz,
                out hashes bytea[], out first_previous_hash bytea)
            language plpgsql as $fn$
            declare
                v_n int := coalesce(array_length(p_types, 1), 0);
                v_current bigint := 0;
                v_archived boolean := false;
                v_prev bytea;
                v_now timestamptz;
                v_micros text;
                v_hashes bytea[] := '{}';
                v_prevs bytea[] := '{}';
                v_first_prev bytea;
                v_stream_field text;
                v_tails text[];
                v_tail text;
                v_had_xid xid8;
                v_tx xid8;
                v_first bigint;
                v_base bigint;
                v_lock text;
                i int;
            begin
                if v_n = 0 or array_length(p_data, 1) is distinct from v_n or array_length(p_metadata, 1) is distinct from v_n then
                    raise exception 'append needs one type, data and metadata per event' using errcode = '22023';
                end if;
                if array_position(p_types, null) is not null or array_position(p_data, null) is not null
                   or array_position(p_metadata, null) is not null then
                    raise exception 'event type, data and metadata must not be null' using errcode = '22004';
                end if;

                -- Serializes appends to one stream until commit, also while the stream has no row
                -- yet. An assignment rather than PERFORM: a simple expression skips the executor.
                v_lock := pg_advisory_xact_lock({schema_hash}, hashtext(p_stream_id))::text;
                select s.version, s.archived, s.last_hash into v_current, v_archived, v_prev
                  from {s}.streams s where s.id = p_stream_id;
                if not found then v_current := 0; v_archived := false; v_prev := null; end if;
                if v_archived then
                    raise exception 'stream % is archived', p_stream_id using errcode = 'ES003';
                end if;
                -- Marten #4765: the version is checked before any position is drawn.
                if p_expected <> -1 and p_expected <> v_current then
                    raise exception 'stream % expected at version % but is at %', p_stream_id, p_expected, v_current
                        using errcode = 'ES001', detail = v_current::text;
                end if;

                v_now := clock_timestamp();
                v_micros := (extract(epoch from v_now) * 1000000)::bigint::text;
                v_micros := octet_length(v_micros) || ':' || v_micros || ',';
                v_stream_field := octet_length(p_stream_id) || ':' || p_stream_id || ',';
                v_first_prev := v_prev;
                -- Canonical encoding: see EventHash.cs; each field is "<utf8 length>:<utf8 text>,"
                -- (octet_length is the UTF-8 length: the migration requires a UTF8 database). The
                -- previous hash is 64 hex digits or empty; the version is ASCII digits.
                if v_n = 1 then
                    -- One expression for the common single event: PL/pgSQL pays per statement.
                    v_prev := sha256(convert_to(
                        case when v_prev is null then '0:,' else '64:' || encode(v_prev, 'hex') || ',' end
                        || v_stream_field || length((v_current + 1)::text) || ':' || (v_current + 1) || ','
                        || octet_length(p_types[1]) || ':' || p_types[1] || ','
                        || octet_length(p_data[1]::text) || ':' || p_data[1]::text || ','
                        || octet_length(p_metadata[1]::text) || ':' || p_metadata[1]::text || ',' || v_micros, 'UTF8'));
                    v_hashes := array[v_prev];
                else
                    -- The fields after the version do not depend on the chain: built for all events
                    -- in one query, so the loop is one statement per event plus bookkeeping.
                    select array_agg(octet_length(t.type) || ':' || t.type || ','
                                     || octet_length(t.d) || ':' || t.d || ','
                                     || octet_length(t.m) || ':' || t.m || ',' || v_micros order by t.ord)
                      into v_tails
                      -- offset 0: not flattened, so each jsonb is written out as text once, not twice.
                      from (select u.type, u.data::text as d, u.meta::text as m, u.ord
                              from unnest(p_types, p_data, p_metadata) with ordinality as u(type, data, meta, ord) offset 0) t;
                    i := 0;
                    foreach v_tail in array v_tails loop
                        i := i + 1;
                        v_prevs[i] := v_prev;
                        v_prev := sha256(convert_to(
                            case when v_prev is null then '0:,' else '64:' || encode(v_prev, 'hex') || ',' end
                            || v_stream_field || length((v_current + i)::text) || ':' || (v_current + i) || ',' || v_tail, 'UTF8'));
                        v_hashes[i] := v_prev;
                    end loop;
                end if;

                -- Positions are (xid << 20) + offset, so xid order equals position order without a
                -- shared lock: the daemon's "tx_id below the snapshot's xmin" rule then always selects
                -- a prefix of the log. A transaction that already had an xid may have appended before:
                -- continue after its highest position (one probe of the primary key).
                v_had_xid := pg_current_xact_id_if_assigned();
                v_tx := pg_current_xact_id();
                v_base := v_tx::text::bigint;
                if v_base >= 8796093022208 then  -- 2^43: (xid << 20) would leave bigint
                    raise exception 'transaction id % is beyond the position range', v_base using errcode = 'ES004';
                end if;
                v_base := v_base << 20;
                v_first := v_base;
                if v_had_xid is not null then
                    select coalesce(max(e.position) + 1, v_base) into v_first
                      from {s}.events e where e.position >= v_base and e.position < v_base + 1048576;
                end if;
                if v_first + v_n > v_base + 1048576 then
                    raise exception 'a transaction may append at most 1048576 events' using errcode = 'ES005';
                end if;

                if v_n = 1 then
                    insert into {s}.events (position, stream_id, version, type, data, metadata, recorded_at, hash, previous_hash, tx_id)
                    values (v_first, p_stream_id, v_current + 1, p_types[1], p_data[1], p_metadata[1], v_now, v_prev, v_first_prev, v_tx);
                else
                    insert into {s}.events (position, stream_id, version, type, data, metadata, recorded_at, hash, previous_hash, tx_id)
                    select v_first + t.ord - 1, p_stream_id, v_current + t.ord, t.type, t.data, t.meta, v_now, t.hash, t.prev, v_tx
                      from unnest(p_types, p_data, p_metadata, v_hashes, v_prevs) with ordinality as t(type, data, meta, hash, prev, ord);
                end if;

                if v_current = 0 then
                    insert into {s}.streams (id, type, version, created, updated, archived, last_hash)
                    values (p_stream_id, p_stream_type, v_n, v_now, v_now, false, v_prev);
                else
                    update {s}.streams set version = v_current + v_n, updated = v_now, last_hash = v_prev where id = p_stream_id;
                end if;

                first_position := v_first;
                first_version := v_current + 1;
                recorded_at := v_now;
                hashes := v_hashes;
                first_previous_hash := v_first_prev;
            end
            $fn$;
            """),
        (4, """
            -- Per-stream data keys for protected event types (docs/architecture.md "Encryption and
            -- crypto-shredding"). A key is 32 random bytes wrapped by the master key, which is never in
            -- the database. Shredding sets wrapped_key to null and keeps the row as the record that the
            -- stream was shredded (it then takes no more protected events).
            create table {s}.stream_keys (
                stream_id text primary key,
                wrapped_key bytea,
                created_at timestamptz not null default now(),
                shredded_at timestamptz,
                constraint stream_keys_shredded check ((wrapped_key is null) = (shredded_at is not null))
            );
            """),
        (5, """
            -- Cheaper appends, same rows and same hash encoding as step 3 (docs/architecture.md "Append
            -- protocol"). Under contention every statement costs several times its solo price.
            -- * A single event has its own function with scalar arguments: the stream row is read and
            --   advanced by one UPDATE whose SET computes the new head's hash from the old one, then one
            --   INSERT (step 3: a SELECT, the INSERT, an UPDATE, and array handling).
            -- * The stream row keeps its head's previous hash too, so that UPDATE can return the old head.
            -- * Batches may pass one metadata for all their events: one jsonb to parse and write out as
            --   text instead of one per event.
            alter table {s}.streams add column last_previous_hash bytea;
            update {s}.streams s set last_previous_hash = e.previous_hash
              from {s}.events e where e.stream_id = s.id and e.version = s.version;

            create or replace function {s}.append_events(
                p_stream_id text, p_stream_type text, p_expected bigint,
                -- p_metadata: one per event, or one for all of them.
                p_types text[], p_data jsonb[], p_metadata jsonb[],
                -- Positions run first_position.. and versions first_version.. in input order.
                out first_position bigint, out first_version bigint, out recorded_at timestamptz,
                out hashes bytea[], out first_previous_hash bytea)
            language plpgsql as $fn$
            declare
                v_n int := coalesce(array_length(p_types, 1), 0);
                v_shared_meta boolean := coalesce(array_length(p_metadata, 1), 0) = 1;
                v_current bigint := 0;
                v_archived boolean := false;
                v_prev bytea;
                v_now timestamptz;
                v_micros text;
                v_meta text;
                v_hashes bytea[] := '{}';
                v_first_prev bytea;
                v_stream_field text;
                v_tails text[];
                v_tail text;
                v_had_xid xid8;
                v_tx xid8;
                v_first bigint;
                v_base bigint;
                v_lock text;
                i int;
            begin
                if v_n = 0 or array_length(p_data, 1) is distinct from v_n
                   or (array_length(p_metadata, 1) is distinct from v_n and not v_shared_meta) then
                    raise exception 'append needs one type and data per event, and one metadata per event or one for all'
                        using errcode = '22023';
                end if;
                if array_position(p_types, null) is not null or array_position(p_data, null) is not null
                   or array_position(p_metadata, null) is not null then
                    raise exception 'event type, data and metadata must not be null' using errcode = '22004';
                end if;

                -- Serializes appends to one stream until commit, also while the stream has no row yet.
                v_lock := pg_advisory_xact_lock({schema_hash}, hashtext(p_stream_id))::text;
                select s.version, s.archived, s.last_hash into v_current, v_archived, v_prev
                  from {s}.streams s where s.id = p_stream_id;
                if not found then v_current := 0; v_archived := false; v_prev := null; end if;
                if v_archived then
                    raise exception 'stream % is archived', p_stream_id using errcode = 'ES003';
                end if;
                -- Marten #4765: the version is checked before any position is drawn.
                if p_expected <> -1 and p_expected <> v_current then
                    raise exception 'stream % expected at version % but is at %', p_stream_id, p_expected, v_current
                        using errcode = 'ES001', detail = v_current::text;
                end if;

                v_now := clock_timestamp();
                v_micros := (extract(epoch from v_now) * 1000000)::bigint::text;
                v_micros := octet_length(v_micros) || ':' || v_micros || ',';
                v_stream_field := octet_length(p_stream_id) || ':' || p_stream_id || ',';
                v_first_prev := v_prev;
                -- Canonical encoding: see EventHash.cs. The fields after the version do not depend on
                -- the chain: built for all events in one query; the loop is one hashing statement per event.
                if v_shared_meta then
                    v_meta := p_metadata[1]::text;
                    v_meta := octet_length(v_meta) || ':' || v_meta || ',' || v_micros;
                    select array_agg(octet_length(t.type) || ':' || t.type || ',' || octet_length(t.d) || ':' || t.d || ',' || v_meta
                                     order by t.ord)
                      into v_tails
                      -- offset 0: not flattened, so each jsonb is written out as text once, not twice.
                      from (select u.type, u.data::text as d, u.ord
                              from unnest(p_types, p_data) with ordinality as u(type, data, ord) offset 0) t;
                else
                    select array_agg(octet_length(t.type) || ':' || t.type || ','
                                     || octet_length(t.d) || ':' || t.d || ','
                                     || octet_length(t.m) || ':' || t.m || ',' || v_micros order by t.ord)
                      into v_tails
                      from (select u.type, u.data::text as d, u.meta::text as m, u.ord
                              from unnest(p_types, p_data, p_metadata) with ordinality as u(type, data, meta, ord) offset 0) t;
                end if;
                i := 0;
                foreach v_tail in array v_tails loop
                    i := i + 1;
                    v_prev := sha256(convert_to(
                        case when v_prev is null then '0:,' else '64:' || encode(v_prev, 'hex') || ',' end
                        || v_stream_field || length((v_current + i)::text) || ':' || (v_current + i) || ',' || v_tail, 'UTF8'));
                    v_hashes[i] := v_prev;
                end loop;

                -- Positions as in step 2: (xid << 20) + offset, continuing after this transaction's own
                -- earlier appends (one probe of the primary key).
                v_had_xid := pg_current_xact_id_if_assigned();
                v_tx := pg_current_xact_id();
                v_base := v_tx::text::bigint;
                if v_base >= 8796093022208 then  -- 2^43: (xid << 20) would leave bigint
                    raise exception 'transaction id % is beyond the position range', v_base using errcode = 'ES004';
                end if;
                v_base := v_base << 20;
                v_first := v_base;
                if v_had_xid is not null then
                    select coalesce(max(e.position) + 1, v_base) into v_first
                      from {s}.events e where e.position >= v_base and e.position < v_base + 1048576;
                end if;
                if v_first + v_n > v_base + 1048576 then
                    raise exception 'a transaction may append at most 1048576 events' using errcode = 'ES005';
                end if;

                -- Each event's previous hash is the one before it: the stream's old head, then the chain.
                insert into {s}.events (position, stream_id, version, type, data, metadata, recorded_at, hash, previous_hash, tx_id)
                select v_first + t.ord - 1, p_stream_id, v_current + t.ord, t.type, t.data,
                       case when v_shared_meta then p_metadata[1] else p_metadata[t.ord] end, v_now, t.hash,
                       case when t.ord = 1 then v_first_prev else v_hashes[t.ord - 1] end, v_tx
                  from unnest(p_types, p_data, v_hashes) with ordinality as t(type, data, hash, ord);

                if v_current = 0 then
                    insert into {s}.streams (id, type, version, created, updated, archived, last_hash, last_previous_hash)
                    values (p_stream_id, p_stream_type, v_n, v_now, v_now, false, v_prev,
                            case when v_n = 1 then v_first_prev else v_hashes[v_n - 1] end);
                else
                    update {s}.streams set version = v_current + v_n, updated = v_now, last_hash = v_prev,
                           last_previous_hash = case when v_n = 1 then v_first_prev else v_hashes[v_n - 1] end
                     where id = p_stream_id;
                end if;

                first_position := v_first;
                first_version := v_current + 1;
                recorded_at := v_now;
                hashes := v_hashes;
                first_previous_hash := v_first_prev;
            end
            $fn$;

            create function {s}.append_event(
                p_stream_id text, p_stream_type text, p_expected bigint,
                p_type text, p_data jsonb, p_metadata jsonb,
                out event_position bigint, out event_version bigint, out event_recorded_at timestamptz,
                out event_hash bytea, out event_previous_hash bytea)
            language plpgsql as $fn$
            declare
                v_lock text;
                v_data text;
                v_meta text;
                v_tx xid8;
                v_base bigint;
            begin
                if p_type is null or p_data is null or p_metadata is null then
                    raise exception 'event type, data and metadata must not be null' using errcode = '22004';
                end if;
                -- The short path needs an existing stream and a transaction that has not written yet (its
                -- position is then offset 0 of its xid), in read committed (the UPDATE's snapshot is then
                -- newer than the stream lock). Anything else, and every refusal, goes to append_events
                -- below, which raises the precise error.
                if p_expected <> 0 and pg_current_xact_id_if_assigned() is null
                   and current_setting('transaction_isolation') = 'read committed' then
                    v_lock := pg_advisory_xact_lock({schema_hash}, hashtext(p_stream_id))::text;
                    event_recorded_at := clock_timestamp();
                    v_data := p_data::text;
                    v_meta := p_metadata::text;
                    -- Canonical encoding: see EventHash.cs and step 3 (one expression, same fields).
                    update {s}.streams s set version = s.version + 1, updated = event_recorded_at,
                           last_previous_hash = s.last_hash,
                           last_hash = sha256(convert_to(
                            case when s.last_hash is null then '0:,' else '64:' || encode(s.last_hash, 'hex') || ',' end
                            || octet_length(p_stream_id) || ':' || p_stream_id || ','
                            || length((s.version + 1)::text) || ':' || (s.version + 1) || ','
                            || octet_length(p_type) || ':' || p_type || ','
                            || octet_length(v_data) || ':' || v_data || ','
                            || octet_length(v_meta) || ':' || v_meta || ','
                            || length((extract(epoch from event_recorded_at) * 1000000)::bigint::text) || ':'
                            || (extract(epoch from event_recorded_at) * 1000000)::bigint || ',', 'UTF8'))
                     where s.id = p_stream_id and not s.archived and (p_expected = -1 or s.version = p_expected)
                     returning s.version, s.last_hash, s.last_previous_hash into event_version, event_hash, event_previous_hash;
                    if found then
                        v_tx := pg_current_xact_id();
                        v_base := v_tx::text::bigint;
                        if v_base >= 8796093022208 then  -- 2^43: (xid << 20) would leave bigint
                            raise exception 'transaction id % is beyond the position range', v_base using errcode = 'ES004';
                        end if;
                        event_position := v_base << 20;
                        insert into {s}.events (position, stream_id, version, type, data, metadata, recorded_at, hash, previous_hash, tx_id)
                        values (event_position, p_stream_id, event_version, p_type, p_data, p_metadata, event_recorded_at,
                                event_hash, event_previous_hash, v_tx);
                        return;
                    end if;
                end if;
                select a.first_position, a.first_version, a.recorded_at, a.hashes[1], a.first_previous_hash
                  into event_position, event_version, event_recorded_at, event_hash, event_previous_hash
                  from {s}.append_events(p_stream_id, p_stream_type, p_expected, array[p_type], array[p_data], array[p_metadata]) a;
            end
            $fn$;
            """),
    ];
}
