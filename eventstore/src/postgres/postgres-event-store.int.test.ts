import { setTimeout as sleep } from 'node:timers/promises';
import { createPool } from '@teleplay/postgres';
import { createTestDatabase } from '@teleplay/postgres/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { START } from '../event-store.ts';
import { collectUntil, describeEventStoreContract, newEvent } from '../testing/contract.ts';
import { createPostgresEventStore, migratePostgresEventStore } from './postgres-event-store.ts';

async function postgresFixture() {
  const database = await createTestDatabase('es');
  const pool = createPool(database.url, { max: 40 });
  await migratePostgresEventStore(pool);
  const store = createPostgresEventStore(pool, { batchSize: 100 });
  return {
    store,
    url: database.url,
    pool,
    dispose: async () => {
      await store.close();
      await pool.end();
      await database.drop();
    },
  };
}

describeEventStoreContract('postgres', postgresFixture, { stressTransactions: 1000 });

describe('postgres event store: commit order', () => {
  let fixture: Awaited<ReturnType<typeof postgresFixture>>;
  beforeAll(async () => {
    fixture = await postgresFixture();
  });
  afterAll(() => fixture.dispose());

  it('never skips an event whose transaction took an earlier position but committed later', async () => {
    const { store, url } = fixture;
    const from = await store.headPosition();
    const late = new pg.Client({ connectionString: url });
    await late.connect();
    // The late writer takes its global position first, then stays open while others commit.
    await late.query('begin');
    await late.query(
      `select * from es_append('late-1', 'no_stream', array[gen_random_uuid()], array['Late'], array['{}'::jsonb], array['{}'::jsonb])`,
    );
    const subscription = store.subscribeAll({ from });
    const received = collectUntil(subscription, (m) => m.filter((x) => x.kind === 'event').length >= 4);
    for (let i = 0; i < 3; i++)
      await store.append(`early-${i}`, [newEvent('Early')], { expectedRevision: 'no_stream' });
    // While the late transaction is open, nothing after it may be delivered (it would be skipped).
    expect(await store.readAll({ from })).toEqual([]);
    await late.query('commit');
    await late.end();
    const events = (await received).flatMap((m) => (m.kind === 'event' ? [m.event] : []));
    expect(events.map((e) => e.streamName)).toEqual(['late-1', 'early-0', 'early-1', 'early-2']);
  });

  it('survives concurrent first appends to the same new stream', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () =>
        fixture.store.append('contended-1', [newEvent()], { expectedRevision: 'no_stream' }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(await fixture.store.readStream('contended-1')).toHaveLength(1);
  });

  it('gives its listening connection back once, even when the server ends it afterwards', async () => {
    const own = await postgresFixture();
    const reading = collectUntil(own.store.subscribeAll({ from: START }), (messages) =>
      messages.some((message) => message.kind === 'event'),
    );
    await vi.waitFor(async () => {
      const { rows } = await own.pool.query(
        `select 1 from pg_stat_activity where datname = current_database() and query = 'listen es_events'`,
      );
      expect(rows).toHaveLength(1);
    });
    await own.store.append('wake-1', [newEvent()], { expectedRevision: 'no_stream' });
    await reading;
    await own.store.close();
    // The listening connection idles in the pool now; the server ends it (a restart, a shutdown).
    const admin = new pg.Client({ connectionString: own.url });
    await admin.connect();
    await admin.query(
      'select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
    );
    await admin.end();
    await sleep(100);
    expect((await own.pool.query('select 1 as ok')).rows).toEqual([{ ok: 1 }]);
    await own.dispose();
  });

  it('starts an empty store at START', async () => {
    const other = await postgresFixture();
    expect(await other.store.headPosition()).toBe(START);
    await other.dispose();
  });
});
