import { randomBytes } from 'node:crypto';
import { createPool } from '@teleplay/postgres';
import { createTestDatabase } from '@teleplay/postgres/testing';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createPostgresSessionStore,
  migrateTelegram,
  sessionKeyOf,
  type TelegramSessionStore,
} from './telegram-session.store.ts';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let pool: pg.Pool;
let store: TelegramSessionStore;

beforeAll(async () => {
  database = await createTestDatabase('sessions');
  pool = createPool(database.url, { max: 4 });
  await migrateTelegram(pool);
  store = createPostgresSessionStore(pool);
});

afterAll(async () => {
  await pool?.end();
  await database?.drop();
});

/** A StringSession as teleproto saves one: a version digit, then base64 with the auth key inside. */
const stringSession = () => `1${randomBytes(300).toString('base64')}`;

async function storedRow(rowKey: string) {
  const { rows } = await pool.query<{ session: string; dc_keys: Record<string, string> }>(
    'select session, dc_keys from telegram_sessions where session_key = $1',
    [rowKey],
  );
  return rows[0]!;
}

describe('the Telegram session store', () => {
  it('gives back what a bot saved, and keeps the auth keys sealed in the table', async () => {
    const key = sessionKeyOf(`100:${randomBytes(8).toString('hex')}`);
    const session = stringSession();
    const downloadKey = randomBytes(256);
    await store.saveSession(key, '100', session);
    await store.saveDcKey(key, 4, downloadKey);
    await store.saveUpdateState(key, { pts: 7, qts: 0, date: 1_700_000_000 });

    expect(await store.load(key)).toEqual({
      session,
      dcKeys: new Map([[4, downloadKey]]),
      updateState: { pts: 7, qts: 0, date: 1_700_000_000 },
    });
    const row = await storedRow(key.row);
    expect(row.session).not.toContain(session.slice(1, 40));
    expect(row.dc_keys['4']).not.toContain(downloadKey.toString('base64').slice(0, 40));
  });

  it('forgets a download key', async () => {
    const key = sessionKeyOf(`101:${randomBytes(8).toString('hex')}`);
    await store.saveSession(key, '101', stringSession());
    await store.saveDcKey(key, 2, randomBytes(256));
    await store.saveDcKey(key, 2, undefined);
    expect((await store.load(key))?.dcKeys).toEqual(new Map());
  });

  it('reads a row saved before sealing, and seals it at the next save', async () => {
    const key = sessionKeyOf(`102:${randomBytes(8).toString('hex')}`);
    const session = stringSession();
    const downloadKey = randomBytes(256);
    await pool.query(
      `insert into telegram_sessions (session_key, bot_id, session, dc_keys) values ($1, '102', $2, $3)`,
      [key.row, session, { 5: downloadKey.toString('base64') }],
    );
    expect(await store.load(key)).toMatchObject({ session, dcKeys: new Map([[5, downloadKey]]) });
    await store.saveSession(key, '102', session);
    expect((await storedRow(key.row)).session).toMatch(/^sealed1:/);
  });

  it('treats a session that does not open as no session, so the bot logs in afresh', async () => {
    const owner = sessionKeyOf(`103:${randomBytes(8).toString('hex')}`);
    const intruder = sessionKeyOf(`104:${randomBytes(8).toString('hex')}`);
    await store.saveSession(owner, '103', stringSession());
    // The owner's sealed session, copied into another bot's row.
    await pool.query(
      `insert into telegram_sessions (session_key, bot_id, session)
         select $2, '104', session from telegram_sessions where session_key = $1`,
      [owner.row, intruder.row],
    );
    expect(await store.load(intruder)).toBeUndefined();
    expect(await store.load({ row: owner.row, sealing: intruder.sealing })).toBeUndefined();
  });
});
