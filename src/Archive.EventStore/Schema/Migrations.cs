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
            returns table (out_position bigint, out_version bigint, out_recorded_at timestamptz, out_hash bytea, out_previous_hash bytea)
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
                v_enc text;
                v_tx xid8;
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
                for i in 1 .. v_n loop
                    -- Canonical encoding: see EventHash.cs; each field is "<utf8 length>:<utf8 text>,".
                    v_enc := '';
                    v_enc := v_enc || octet_length(convert_to(coalesce(encode(v_prev, 'hex'), ''), 'UTF8')) || ':' || coalesce(encode(v_prev, 'hex'), '') || ',';
                    v_enc := v_enc || octet_length(convert_to(p_stream_id, 'UTF8')) || ':' || p_stream_id || ',';
                    v_enc := v_enc || octet_length(convert_to((v_current + i)::text, 'UTF8')) || ':' || (v_current + i)::text || ',';
                    v_enc := v_enc || octet_length(convert_to(p_types[i], 'UTF8')) || ':' || p_types[i] || ',';
                    v_enc := v_enc || octet_length(convert_to(p_data[i]::text, 'UTF8')) || ':' || p_data[i]::text || ',';
                    v_enc := v_enc || octet_length(convert_to(p_metadata[i]::text, 'UTF8')) || ':' || p_metadata[i]::text || ',';
                    v_enc := v_enc || octet_length(convert_to(v_micros, 'UTF8')) || ':' || v_micros || ',';
                    v_prevs[i] := v_prev;
                    v_prev := sha256(convert_to(v_enc, 'UTF8'));
                    v_hashes[i] := v_prev;
                end loop;

                -- The ordering lock: xid assignment and position drawing happen together, held for
                -- the insert only (not until commit, so commits still group). The exception block
                -- guarantees the session lock is released even on cancel or error.
                perform pg_advisory_lock({append_key});
                begin
                    v_tx := pg_current_xact_id();
                    return query
                    insert into {s}.events (position, stream_id, version, type, data, metadata, recorded_at, hash, previous_hash, tx_id)
                    select nextval('{s}.events_position_seq'), p_stream_id, v_current + t.ord, t.type, t.data, t.meta, v_now, t.hash, t.prev, v_tx
                      from unnest(p_types, p_data, p_metadata, v_hashes, v_prevs) with ordinality as t(type, data, meta, hash, prev, ord)
                     order by t.ord
                    returning position, version, recorded_at, hash, previous_hash;
                exception when others then
                    perform pg_advisory_unlock({append_key});
                    raise;
                end;
                perform pg_advisory_unlock({append_key});

                insert into {s}.streams as s (id, type, version, created, updated, archived, last_hash)
                values (p_stream_id, p_stream_type, v_current + v_n, v_now, v_now, false, v_prev)
                on conflict (id) do update set version = excluded.version, updated = excluded.updated, last_hash = excluded.last_hash;
            end
            $fn$;
            """),
    ];
}
