import { START } from '@teleplay/eventstore';
import { createKysely, migrate } from '@teleplay/postgres';
import { type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely/migration';
import type pg from 'pg';

// `live_changes` itself belongs to the projector (it writes the rows); the feed adds what pruning needs.
export const realtimeMigrations: Record<string, Migration> = {
  '0001-live-changes-horizon': {
    async up(db: Kysely<unknown>) {
      // One row: every change at or before `pruned_through` is gone, every later one is kept. A client
      // resuming from before it missed something and must resync.
      await sql`
        create table live_changes_horizon (
          only_row boolean primary key default true check (only_row),
          pruned_through text collate "C" not null
        )`.execute(db);
      await sql`insert into live_changes_horizon (pruned_through) values (${START})`.execute(db);
    },
  },
};

/** Creates the change feed's tables when they are missing (after `migrateProjections`). */
export async function migrateRealtime(pool: pg.Pool): Promise<void> {
  await migrate(createKysely<unknown>(pool), 'realtime', realtimeMigrations);
}
