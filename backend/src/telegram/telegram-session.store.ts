import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
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
 * Persistence of bot sessions, keyed by {@link sessionKeyOf}. An auth key is a login: whoever holds one
 * can act as the bot and read every stored file, so the store seals the session and the download keys
 * with a key derived from the bot's token, which never reaches the database.
 */
export interface TelegramSessionStore {
  load(key: BotSessionKey): Promise<BotSessionRecord | undefined>;
  saveSession(key: BotSessionKey, botId: string, session: string): Promise<void>;
  /** Stores (or, with undefined, forgets) the auth key for one download DC. */
  saveDcKey(key: BotSessionKey, dcId: number, authKey: Buffer | undefined): Promise<void>;
  saveUpdateState(key: BotSessionKey, state: UpdateState): Promise<void>;
}

/** Which row holds a bot's session, and the key its secrets are sealed with. */
export interface BotSessionKey {
  /** A hash of the token and scope: a new token is a new login, and the table holds no tokens. */
  readonly row: string;
  /** AES-256-GCM key derived from the token (HKDF-SHA256): the table alone opens nothing. */
  readonly sealing: Buffer;
}

/**
 * A bot's session key, from its token and the scope its keys belong to (the sandbox instance, whose keys
 * die with it).
 */
export function sessionKeyOf(botToken: string, scope = ''): BotSessionKey {
  return {
    row: createHash('sha256').update(`${scope}\n${botToken}`).digest('hex'),
    sealing: Buffer.from(hkdfSync('sha256', botToken, scope, 'teleplay-telegram-session-v1', 32)),
  };
}

/** Marks a sealed value; rows from before sealing hold the plain value and are sealed at the next save. */
const SEALED = 'sealed1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;

function seal(key: BotSessionKey, plain: Buffer): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key.sealing, iv);
  // The row key is authenticated too: a sealed value copied into another bot's row does not open.
  cipher.setAAD(Buffer.from(key.row));
  const sealed = Buffer.concat([cipher.update(plain), cipher.final()]);
  return `${SEALED}${Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64')}`;
}

/** The value `seal` sealed (or an unsealed one as stored); undefined when it does not open with `key`. */
function unseal(key: BotSessionKey, stored: string, plain: (stored: string) => Buffer): Buffer | undefined {
  if (!stored.startsWith(SEALED)) return plain(stored);
  const bytes = Buffer.from(stored.slice(SEALED.length), 'base64');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.sealing, bytes.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(key.row));
    decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
  } catch {
    return undefined;
  }
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
        .where('session_key', '=', key.row)
        .executeTakeFirst();
      // A session that does not open is as good as none: the bot logs in afresh and overwrites it.
      const session = row && unseal(key, row.session, (stored) => Buffer.from(stored))?.toString();
      if (!row || session === undefined) return undefined;
      const dcKeys = new Map<number, Buffer>();
      for (const [dcId, stored] of Object.entries(row.dc_keys)) {
        const authKey = unseal(key, stored, (plain) => Buffer.from(plain, 'base64'));
        if (authKey) dcKeys.set(Number(dcId), authKey);
      }
      const updateState =
        row.pts === null || row.qts === null || row.date === null
          ? undefined
          : { pts: row.pts, qts: row.qts, date: row.date };
      return { session, dcKeys, updateState };
    },

    async saveSession(key, botId, session) {
      const sealed = seal(key, Buffer.from(session));
      await db
        .insertInto('telegram_sessions')
        .values({
          session_key: key.row,
          bot_id: botId,
          session: sealed,
          dc_keys: sql`'{}'::jsonb`,
          updated_at: new Date(),
        })
        .onConflict((conflict) =>
          conflict
            .column('session_key')
            .doUpdateSet({ bot_id: botId, session: sealed, updated_at: new Date() }),
        )
        .execute();
    },

    async saveDcKey(key, dcId, authKey) {
      const dcKeys =
        authKey === undefined
          ? sql<Record<string, string>>`dc_keys - ${String(dcId)}`
          : sql<
              Record<string, string>
            >`dc_keys || jsonb_build_object(${String(dcId)}::text, ${seal(key, authKey)}::text)`;
      await db
        .updateTable('telegram_sessions')
        .set({ dc_keys: dcKeys, updated_at: new Date() })
        .where('session_key', '=', key.row)
        .execute();
    },

    async saveUpdateState(key, state) {
      await db
        .updateTable('telegram_sessions')
        .set({ pts: state.pts, qts: state.qts, date: state.date, updated_at: new Date() })
        .where('session_key', '=', key.row)
        .execute();
    },
  };
}
