import { setTimeout as sleep } from 'node:timers/promises';
import { START } from '@teleplay/eventstore';
import { createPool } from '@teleplay/postgres';
import { createTestDatabase } from '@teleplay/postgres/testing';
import { migrateProjections } from '@teleplay/projections';
import type pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ChangeFeed, createChangeFeed, schedulePruning } from './change-feed.ts';
import { migrateRealtime } from './realtime.migrations.ts';
import { commitLiveChanges, uuid } from './testing/live-changes.ts';

const ALICE = '1001';
const BOB = '2002';

describe('change feed', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let pool: pg.Pool;
  let feed: ChangeFeed;

  beforeAll(async () => {
    database = await createTestDatabase('feed');
    pool = createPool(database.url, { max: 6 });
    await migrateProjections(pool);
    await migrateRealtime(pool);
    feed = createChangeFeed(pool);
  });

  afterAll(async () => {
    await feed.close();
    await pool.end();
    await database.drop();
  });

  beforeEach(async () => {
    await pool.query('truncate live_changes');
    await pool.query('update live_changes_horizon set pruned_through = $1', [START]);
  });

  it('reads changes in commit order, for everyone or one user, after a position', async () => {
    const [a1, b1] = await commitLiveChanges(pool, [
      { userId: ALICE, kind: 'file', entityId: uuid(1) },
      { userId: BOB, kind: 'folder', entityId: uuid(2) },
    ]);
    const [a2] = await commitLiveChanges(pool, [
      { userId: ALICE, kind: 'progress', entityId: uuid(1), removed: true },
    ]);

    const all = await feed.read({ after: START, limit: 10 });
    expect(all.map((change) => change.position)).toEqual([a1, b1, a2]);
    expect(all[2]).toMatchObject({ userId: ALICE, kind: 'progress', entityId: uuid(1), removed: true });
    expect((await feed.read({ after: a1!, limit: 10 })).map((change) => change.position)).toEqual([b1, a2]);
    expect(
      (await feed.read({ after: START, userId: ALICE, limit: 10 })).map((change) => change.position),
    ).toEqual([a1, a2]);
    expect((await feed.read({ after: START, limit: 2 })).map((change) => change.position)).toEqual([a1, b1]);
  });

  it('never reads past a transaction still in flight, so nothing appears behind a reader later', async () => {
    const slow = await pool.connect();
    try {
      await slow.query('begin');
      await slow.query(
        `insert into live_changes (user_id, kind, entity_id, event_position) values ($1, 'file', $2, $3)`,
        [ALICE, uuid(1), START],
      );
      // Committed after the slow transaction started: visible, but not readable yet.
      await commitLiveChanges(pool, [{ userId: ALICE, kind: 'file', entityId: uuid(2) }]);
      expect(await feed.read({ after: START, limit: 10 })).toEqual([]);
      expect((await feed.bounds()).head).toBe(START);
      await slow.query('commit');
    } finally {
      slow.release();
    }
    const changes = await feed.read({ after: START, limit: 10 });
    expect(changes.map((change) => change.entityId)).toEqual([uuid(1), uuid(2)]);
    expect((await feed.bounds()).head).toBe(changes[1]!.position);
  });

  it('replays only the latest change of each item in a window, in commit order, page by page', async () => {
    const [before] = await commitLiveChanges(pool, [{ userId: ALICE, kind: 'file', entityId: uuid(1) }]);
    await commitLiveChanges(pool, [{ userId: ALICE, kind: 'file', entityId: uuid(2) }]);
    const [folder] = await commitLiveChanges(pool, [{ userId: ALICE, kind: 'folder', entityId: uuid(2) }]);
    await commitLiveChanges(pool, [{ userId: BOB, kind: 'file', entityId: uuid(9) }]);
    const [file2Again] = await commitLiveChanges(pool, [{ userId: ALICE, kind: 'file', entityId: uuid(2) }]);
    const [file3] = await commitLiveChanges(pool, [{ userId: ALICE, kind: 'file', entityId: uuid(3) }]);
    await commitLiveChanges(pool, [{ userId: ALICE, kind: 'file', entityId: uuid(4) }]);

    const window = { userId: ALICE, after: before!, through: file3! };
    const first = await feed.readLatest({ ...window, cursor: before!, limit: 2 });
    expect(first.changes.map((change) => change.position)).toEqual([folder, file2Again]);
    expect(first.prunedThrough).toBe(START);
    const second = await feed.readLatest({ ...window, cursor: file2Again!, limit: 2 });
    expect(second.changes.map((change) => change.position)).toEqual([file3]);
  });

  it('prunes the oldest changes beyond the retention and remembers how far it pruned', async () => {
    const positions = await commitLiveChanges(
      pool,
      Array.from({ length: 5 }, (_, i) => ({ userId: ALICE, kind: 'file' as const, entityId: uuid(i) })),
    );
    const kept = await feed.prune({ maxAgeMs: 60_000, maxRows: 10 });
    expect(kept).toEqual({ deleted: 0, prunedThrough: START });

    const pruned = await feed.prune({ maxAgeMs: 60_000, maxRows: 2 });
    expect(pruned).toEqual({ deleted: 3, prunedThrough: positions[2] });
    expect((await feed.read({ after: START, limit: 10 })).map((change) => change.position)).toEqual(
      positions.slice(3),
    );
    expect(await feed.bounds()).toEqual({ prunedThrough: positions[2], head: positions[4] });

    const window = {
      userId: ALICE,
      after: positions[0]!,
      through: positions[4]!,
      cursor: positions[0]!,
      limit: 10,
    };
    expect((await feed.readLatest(window)).prunedThrough).toBe(positions[2]);

    // A cutoff in the future: every row is too old. The horizon then also stands for the head.
    expect(await feed.prune({ maxAgeMs: -1000, maxRows: 100 })).toEqual({
      deleted: 2,
      prunedThrough: positions[4],
    });
    expect(await feed.bounds()).toEqual({ prunedThrough: positions[4], head: positions[4] });
  });

  it('prunes by age only a prefix in commit order, so what is kept has no holes', async () => {
    const [old1, old2] = await commitLiveChanges(pool, [
      { userId: ALICE, kind: 'file', entityId: uuid(1) },
      { userId: ALICE, kind: 'file', entityId: uuid(2) },
    ]);
    const [young] = await commitLiveChanges(pool, [{ userId: ALICE, kind: 'file', entityId: uuid(3) }]);
    const [oldAgain] = await commitLiveChanges(pool, [{ userId: ALICE, kind: 'file', entityId: uuid(4) }]);
    await pool.query(`update live_changes set created_at = now() - interval '2 days' where entity_id <> $1`, [
      uuid(3),
    ]);

    const result = await feed.prune({ maxAgeMs: 24 * 3600_000, maxRows: 100 });
    expect(result).toEqual({ deleted: 2, prunedThrough: old2 });
    expect((await feed.read({ after: START, limit: 10 })).map((change) => change.position)).toEqual([
      young,
      oldAgain,
    ]);
    expect(old1! < old2!).toBe(true);
  });

  it('prunes on a schedule', async () => {
    const positions = await commitLiveChanges(pool, [
      { userId: ALICE, kind: 'file', entityId: uuid(1) },
      { userId: ALICE, kind: 'file', entityId: uuid(2) },
    ]);
    const pruning = schedulePruning(feed, {
      retention: { maxAgeMs: 60_000, maxRows: 1 },
      intervalMs: 10,
      onError: (error) => {
        throw error;
      },
    });
    try {
      while ((await feed.bounds()).prunedThrough !== positions[0]) await sleep(10);
    } finally {
      await pruning.stop();
    }
    expect((await feed.read({ after: START, limit: 10 })).map((change) => change.position)).toEqual([
      positions[1],
    ]);
  });

  it('wakes listeners when changes are committed', async () => {
    let wake = () => {};
    const nextWake = () => new Promise<void>((resolve) => (wake = resolve));
    const listening = nextWake();
    const stop = feed.onChange(() => wake());
    try {
      // The first wake-up says the LISTEN is in place (anything sent before it was not heard).
      await listening;
      const woken = nextWake();
      await commitLiveChanges(pool, [{ userId: ALICE, kind: 'file', entityId: uuid(1) }]);
      await woken;
    } finally {
      stop();
    }
  });
});
