import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createPool } from './database.ts';
import { listen } from './listen.ts';
import { createTestDatabase } from './testing/index.ts';

let database: Awaited<ReturnType<typeof createTestDatabase>>;

beforeAll(async () => {
  database = await createTestDatabase('listen');
});

afterAll(async () => {
  await database?.drop();
});

/** Ends every session of the test database but the caller's, as a server restart would. */
async function endSessions(): Promise<void> {
  const admin = new pg.Client({ connectionString: database.url });
  await admin.connect();
  await admin.query(
    'select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
  );
  await admin.end();
}

describe('listen', () => {
  it('delivers notifications until released, and the pooled connection stops listening', async () => {
    const pool = createPool(database.url, { max: 1 });
    const payloads: (string | undefined)[] = [];
    const listening = await listen(pool, 'test_channel', {
      onNotification: (payload) => payloads.push(payload),
      onLost: () => {},
    });
    const notifier = new pg.Client({ connectionString: database.url });
    await notifier.connect();
    await notifier.query(`select pg_notify('test_channel', 'one')`);
    await vi.waitFor(() => expect(payloads).toEqual(['one']));

    await listening.release();
    await listening.release();
    // One connection in the pool: the one that listened, back in the pool.
    const { rows } = await pool.query('select pg_listening_channels() as channel');
    expect(rows).toEqual([]);
    await notifier.query(`select pg_notify('test_channel', 'two')`);
    await sleep(100);
    expect(payloads).toEqual(['one']);
    await notifier.end();
    await pool.end();
  });

  it('reports a lost connection once, and leaves a released one to the pool', async () => {
    const pool = createPool(database.url, { max: 2 });
    const onLost = vi.fn();
    await listen(pool, 'test_lost', { onNotification: () => {}, onLost });
    const released = await listen(pool, 'test_released', { onNotification: () => {}, onLost });
    await released.release();

    // The released connection dies in the pool: the pool's business, neither released again nor reported.
    await endSessions();
    await vi.waitFor(() => expect(onLost).toHaveBeenCalledTimes(1));
    await sleep(100);
    expect(onLost).toHaveBeenCalledTimes(1);
    expect((await pool.query('select 1 as ok')).rows).toEqual([{ ok: 1 }]);
    await pool.end();
  });
});
