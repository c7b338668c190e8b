import { type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely/migration';

/** Tables of the projector itself; each read model creates its own tables (see Projection). */
export const runnerMigrations: Record<string, Migration> = {
  '0001-checkpoints-and-live-changes': {
    async up(db: Kysely<unknown>) {
      await sql`
        create table projection_checkpoints (
          name text primary key,
          version integer not null,
          position text not null,
          updated_at timestamptz not null default now()
        )`.execute(db);
      // The live change feed: what the WebSocket hub pushes. Ordered by commit like the event store.
      await sql`
        create table live_changes (
          transaction_id xid8 not null default pg_current_xact_id(),
          id bigint generated always as identity,
          user_id text not null,
          kind text not null,
          entity_id text not null,
          removed boolean not null default false,
          event_position text not null,
          created_at timestamptz not null default now(),
          primary key (id)
        )`.execute(db);
      await sql`create index live_changes_commit_order on live_changes (transaction_id, id)`.execute(db);
      await sql`create index live_changes_user_order on live_changes (user_id, transaction_id, id)`.execute(
        db,
      );
    },
  },
};
