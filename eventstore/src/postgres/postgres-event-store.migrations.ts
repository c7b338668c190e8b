import { type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * The Postgres event store. Global order is commit order: (transaction id, global position), and
 * readers never pass `pg_snapshot_xmin(pg_current_snapshot())`, so an event whose transaction took a
 * lower position but commits later is never skipped. Appends run as one statement (one round trip)
 * through `es_append`, which locks the stream row, answers idempotent retries, checks the expected
 * revision. Listeners are woken after commit (see createNotifier).
 */
export const eventStoreMigrations: Record<string, Migration> = {
  '0001-events': {
    async up(db: Kysely<unknown>) {
      await sql`
        create table es_streams (
          stream_name text primary key,
          revision bigint not null
        )`.execute(db);
      await sql`
        create table es_events (
          global_position bigint generated always as identity,
          transaction_id xid8 not null default pg_current_xact_id(),
          stream_name text not null,
          revision bigint not null,
          event_id uuid not null,
          type text not null,
          data jsonb not null,
          metadata jsonb not null,
          recorded_at timestamptz not null default now(),
          primary key (stream_name, revision)
        )`.execute(db);
      await sql`create unique index es_events_stream_event_id on es_events (stream_name, event_id)`.execute(
        db,
      );
      await sql`create index es_events_commit_order on es_events (transaction_id, global_position)`.execute(
        db,
      );
      // The earlier append of exactly these event ids, if there was one (an idempotent retry).
      await sql`
        create function es_find_append(p_stream text, p_expected text, p_ids uuid[])
        returns table (out_revision bigint, out_commit text, out_position bigint)
        language sql stable as $$
          with found as (
            select e.revision, e.event_id, e.transaction_id, e.global_position
              from es_events e where e.stream_name = p_stream and e.event_id = any (p_ids)
          ), first as (select min(revision) as revision, count(*) as n from found)
          select f.revision, f.transaction_id::text, f.global_position
            from found f, first
           where first.n = cardinality(p_ids)
             and f.revision = first.revision + first.n - 1
             and (select bool_and(x.event_id = p_ids[(x.revision - first.revision + 1)::int]) from found x)
             and (p_expected in ('any', 'exists')
                  or (p_expected = 'no_stream' and first.revision = 0)
                  or (p_expected ~ '^[0-9]+$' and first.revision = p_expected::bigint + 1))
        $$`.execute(db);
      await sql`
        create function es_append(
          p_stream text, p_expected text, p_ids uuid[], p_types text[], p_data jsonb[], p_metadata jsonb[]
        ) returns table (out_revision bigint, out_commit text, out_position bigint)
        language plpgsql as $$
        declare
          v_current bigint;
          v_count int := cardinality(p_ids);
        begin
          select s.revision into v_current from es_streams s where s.stream_name = p_stream for update;
          if not found then
            insert into es_streams (stream_name, revision) values (p_stream, -1) on conflict do nothing;
            select s.revision into v_current from es_streams s where s.stream_name = p_stream for update;
          end if;

          if not (p_expected = 'any'
               or (p_expected = 'no_stream' and v_current = -1)
               or (p_expected = 'exists' and v_current >= 0)
               or (p_expected ~ '^[0-9]+$' and p_expected::bigint = v_current)) then
            return query select * from es_find_append(p_stream, p_expected, p_ids);
            if not found then
              raise exception using errcode = 'TP001', message = 'wrong expected revision', detail = v_current::text;
            end if;
            return;
          end if;

          -- A retry under 'any'/'exists' collides on (stream_name, event_id); the caller resolves it.
          insert into es_events (stream_name, revision, event_id, type, data, metadata)
            select p_stream, v_current + i, p_ids[i], p_types[i], p_data[i], p_metadata[i]
              from generate_subscripts(p_ids, 1) as i;
          update es_streams set revision = v_current + v_count where stream_name = p_stream;
          return query select e.revision, e.transaction_id::text, e.global_position
            from es_events e where e.stream_name = p_stream and e.revision = v_current + v_count;
        end
        $$`.execute(db);
    },
  },
};
