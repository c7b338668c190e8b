import { migrate } from '@teleplay/postgres';
import { type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely/migration';

/** How far a reactor of the bot has handled the event store (the storage cleanup). */
export interface BotCheckpointsTable {
  name: string;
  position: string;
  updated_at: Date;
}

export type BotTables = {
  bot_checkpoints: BotCheckpointsTable;
};

export const botMigrations: Record<string, Migration> = {
  '0001-bot-checkpoints': {
    async up(db: Kysely<unknown>) {
      await sql`
        create table bot_checkpoints (
          name text primary key,
          position text not null,
          updated_at timestamptz not null
        )`.execute(db);
    },
  },
};

export async function migrateBot(db: Kysely<unknown>): Promise<void> {
  await migrate(db, 'bot', botMigrations);
}
