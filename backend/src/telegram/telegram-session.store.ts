import { createHash } from 'node:crypto';
import { createKysely, migrate } from '@teleplay/postgres';
import { type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely/migration';
import type pg from 'pg';

/** Where the main bot's update sequence stands (updates.state): what getDifference resumes from. */
export interface UpdateState {
  readonly pts: number;
  readonly qts: number;
  readonly date: number;
}

/** What a bot keeps across restarts: its auth keys and, for the main bot, its update state. */
export interface BotSessionRecord {
  /** teleproto StringSession: home DC and its auth key. */
  readonly session: string;
  /** Auth keys for download connections to other DCs, base64 by DC id: no new export/import per start. */
  readonly dcKeys: ReadonlyMap<number, Buffer>;
  readonly updateState: UpdateState | undefined;
}

/**
 * Persistence of bot sessions, keyed by {@link sessionKeyOf}. An auth key is a login: whoever reads this
 * table can act as the bot, so it deserves the protection of the database's other secrets.
 */
export interface TelegramSessionStore {
  load(key: string): Promise<BotSessionRecord | undefined>;
  saveSession(key: string, botId: string, session: string): Promise<void>;
  /** Stores (or, with undefined, forgets) the auth key for one download DC. */
  saveDcKey(key: string, dcId: number, authKey: Buffer | undefined): Promise<void>;
  saveUpdateState(key: string, state: UpdateState): Promise<void>;
}

/**
 * The row key of a bot: a hash of its token (so a new token is a new login, and the table holds no tokens)
 * and of the scope the keys belong to (the sandbox instance, whose keys die with it).
 */
export function sessionKeyOf(botToken: string, scope = ''): string {
  return createHash('sha256').update(`${scope}\n${botToken}`).digest('hex');
}

interface TelegramSessionsTable {
  session_key: string;
  bot_id: string;
  session: string;
  dc_keys: Record<string, string>;
  pts: number | null;
  qts: number | null;
  date: number | null;
  updated_at: Date;
}

interface TelegramTables {
  telegram_sessions: TelegramSessionsTable;
}

const telegramMigrations: Record<string, Migration> = {
  '0001-telegram-sessions': {
    async up(db: Kysely<unknown>) {
      await sql`
        create table telegram_sessions (
          session_key text primary key,
          bot_id text not null,
          session text not null,
          dc_keys jsonb not null default '{}'::jsonb,
          pts integer,
          qts integer,
          date integer,
          updated_at timestamptz not null default now()
        )`.execute(db);
    },
  },
};

/** Creates the Telegram tables when they are missing. */
export async function migrateTelegram(pool: pg.Pool): Promise<void> {
  await migrate(createKysely<unknown>(pool), 'telegram', telegramMigrations);
}

/** {@link TelegramSessionStore} in PostgreSQL (`telegram_sessions`); run {@link migrateTelegram} first. */
export function createPostgresSessionStore(pool: pg.Pool): TelegramSessionStore {
  const db = createKysely<TelegramTables>(pool);
  return {
    async load(key) {
      const row = await db
        .selectFrom('telegram_sessions')
        .selectAll()
        .where('session_key', '=', key)
        .executeTakeFirst();
      if (!row) return undefined;
      const dcKeys = new Map(
        Object.entries(row.dc_keys).map(([dcId, authKey]) => [Number(dcId), Buffer.from(authKey, 'base64')]),
      );
      const updateState =
        row.pts === null || row.qts === null || row.date === null
          ? undefined
          : { pts: row.pts, qts: row.qts, date: row.date };
      return { session: row.session, dcKeys, updateState };
    },

    async saveSession(key, botId, session) {
      await db
        .insertInto('telegram_sessions')
        .values({
          session_key: key,
          bot_id: botId,
          session,
          dc_keys: sql`'{}'::jsonb`,
          updated_at: new Date(),
        })
        .onConflict((conflict) =>
          conflict.column('session_key').doUpdateSet({ bot_id: botId, session, updated_at: new Date() }),
        )
        .execute();
    },

    async saveDcKey(key, dcId, authKey) {
      const dcKeys =
        authKey === undefined
          ? sql<Record<string, string>>`dc_keys - ${String(dcId)}`
          : sql<
              Record<string, string>
            >`dc_keys || jsonb_build_object(${String(dcId)}::text, ${authKey.toString('base64')}::text)`;
      await db
        .updateTable('telegram_sessions')
        .set({ dc_keys: dcKeys, updated_at: new Date() })
        .where('session_key', '=', key)
        .execute();
    },

    async saveUpdateState(key, state) {
      await db
        .updateTable('telegram_sessions')
        .set({ pts: state.pts, qts: state.qts, date: state.date, updated_at: new Date() })
        .where('session_key', '=', key)
        .execute();
    },
  };
}
