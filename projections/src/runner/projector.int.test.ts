import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { libraryStream } from '@teleplay/contracts';
import { createPostgresEventStore, type EventStore, migratePostgresEventStore } from '@teleplay/eventstore';
import { createKysely, createPool } from '@teleplay/postgres';
import { createTestDatabase } from '@teleplay/postgres/testing';
import { type Kysely, sql } from 'kysely';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Projection } from '../projection.ts';
import { createCheckpointWatcher } from './checkpoint-watcher.ts';
import { migrateProjections } from './migrate.ts';
import { type Projector, startProjector } from './projector.ts';
import { rebuildProjection } from './rebuild.ts';

interface FolderTables {
  test_folders: { user_id: string; folder_id: string; name: string; revision: number };
  test_counts: { user_id: string; folders: number; last_revision: number };
}

/** A small projection with two tables; idempotent by stream revision. */
function folderProjection(version = 1): Projection<FolderTables> {
  return {
    name: 'test_folders',
    version,
    tables: ['test_folders', 'test_counts'],
    eventTypes: ['FolderCreated'],
    async createTables(db, schema) {
      await db.schema
        .withSchema(schema)
        .createTable('test_folders')
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('folder_id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('revision', 'integer', (c) => c.notNull())
        .execute();
      await db.schema
        .withSchema(schema)
        .createTable('test_counts')
        .addColumn('user_id', 'text', (c) => c.primaryKey())
        .addColumn('folders', 'integer', (c) => c.notNull())
        .addColumn('last_revision', 'integer', (c) => c.notNull())
        .execute();
    },
    async apply(event, { db, emit }) {
      if (event.type !== 'FolderCreated') return;
      await db
        .insertInto('test_folders')
        .values({
          user_id: event.userId,
          folder_id: event.data.folderId,
          name: event.data.name,
          revision: event.revision,
        })
        .onConflict((c) => c.column('folder_id').doNothing())
        .execute();
      await db
        .insertInto('test_counts')
        .values({ user_id: event.userId, folders: 1, last_revision: event.revision })
        .onConflict((c) =>
          c
            .column('user_id')
            .doUpdateSet((eb) => ({
              folders: eb('test_counts.folders', '+', 1),
              last_revision: event.revision,
            }))
            .where('test_counts.last_revision', '<', event.revision),
        )
        .execute();
      emit({ userId: event.userId, kind: 'folder', id: event.data.folderId });
    },
  };
}

const metadata = (userId: string) => ({
  actorId: userId,
  deviceId: null,
  source: 'web',
  correlationId: randomUUID(),
  causationId: randomUUID(),
  occurredAt: new Date().toISOString(),
});

async function createFolders(store: EventStore, userId: string, count: number) {
  let last = await store.headPosition();
  for (let i = 0; i < count; i++) {
    const result = await store.append(
      libraryStream(userId),
      [
        {
          id: randomUUID(),
          type: 'FolderCreated',
          data: { folderId: randomUUID(), parentId: null, name: `f${i}` },
          metadata: metadata(userId),
        },
      ],
      { expectedRevision: 'any' },
    );
    last = result.position;
  }
  return last;
}

async function snapshot(db: Kysely<unknown>) {
  const folders =
    await sql`select user_id, folder_id, name, revision from test_folders order by folder_id`.execute(db);
  const counts = await sql`select user_id, folders, last_revision from test_counts order by user_id`.execute(
    db,
  );
  return { folders: folders.rows, counts: counts.rows };
}

describe('projector', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let pool: pg.Pool;
  let store: EventStore;
  let db: Kysely<unknown>;

  beforeAll(async () => {
    database = await createTestDatabase('proj');
    pool = createPool(database.url, { max: 30 });
    await migratePostgresEventStore(pool);
    await migrateProjections(pool);
    store = createPostgresEventStore(pool, { pollIntervalMs: 50 });
    db = createKysely(pool);
  });
  afterAll(async () => {
    await store.close();
    await pool.end();
    await database.drop();
  });

  it('catches up, goes live, answers waitFor and records live changes only for live events', async () => {
    const watcher = createCheckpointWatcher(pool);
    const user = '1001';
    await createFolders(store, user, 40);
    const projector = startProjector({ pool, store, projection: folderProjection(), batchSize: 16 });
    try {
      expect(await watcher.waitFor(['test_folders'], await store.headPosition(), 10_000)).toBe(true);
      expect((await snapshot(db)).counts).toEqual([{ user_id: user, folders: 40, last_revision: 39 }]);
      const livePosition = await createFolders(store, user, 3);
      expect(await watcher.waitFor(['test_folders'], livePosition, 10_000)).toBe(true);
      expect((await snapshot(db)).counts).toEqual([{ user_id: user, folders: 43, last_revision: 42 }]);
      const changes = await sql<{
        n: number;
      }>`select count(*)::int as n from live_changes where user_id = ${user}`.execute(db);
      expect(changes.rows[0]?.n).toBe(3);
      expect(await watcher.waitFor(['test_folders', 'missing_projection'], livePosition, 100)).toBe(false);
    } finally {
      await projector.stop();
      await watcher.close();
    }
  });

  it('runs one active instance and lets a standby take over when it stops', async () => {
    const watcher = createCheckpointWatcher(pool);
    const first = startProjector({ pool, store, projection: folderProjection(), standbyRetryMs: 50 });
    const second = startProjector({ pool, store, projection: folderProjection(), standbyRetryMs: 50 });
    try {
      await expect
        .poll(() => [first.active, second.active].filter(Boolean).length, { timeout: 5000 })
        .toBe(1);
      await sleep(300);
      expect([first.active, second.active].filter(Boolean)).toHaveLength(1);
      const [leader, standby] = first.active ? [first, second] : [second, first];
      await leader.stop();
      await expect.poll(() => standby.active, { timeout: 5000 }).toBe(true);
      const position = await createFolders(store, '1002', 2);
      expect(await watcher.waitFor(['test_folders'], position, 10_000)).toBe(true);
      await standby.stop();
    } finally {
      await first.stop();
      await second.stop();
      await watcher.close();
    }
  });

  it('ends with the same rows as a clean rebuild after being killed at 60 random points', async () => {
    const watcher = createCheckpointWatcher(pool);
    const users = ['2001', '2002', '2003'];
    let kills = 0;
    const writing = (async () => {
      for (let round = 0; round < 60; round++) {
        for (const user of users) await createFolders(store, user, 3);
      }
    })();
    let projector: Projector | null = null;
    const killPool = createPool(database.url, { max: 10, applicationName: 'killable-projector' });
    while (kills < 60) {
      projector = startProjector({ pool: killPool, store, projection: folderProjection(), batchSize: 7 });
      await sleep(Math.random() * 60);
      // A crash: the projector's connections die mid-transaction.
      await pool.query(
        `select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'killable-projector'`,
      );
      await projector.stop();
      kills++;
    }
    await writing;
    projector = startProjector({ pool: killPool, store, projection: folderProjection() });
    expect(await watcher.waitFor(['test_folders'], await store.headPosition(), 20_000)).toBe(true);
    await projector.stop();
    await killPool.end();
    const afterKills = await snapshot(db);
    await rebuildProjection({ db, store, projection: folderProjection() });
    expect(await snapshot(db)).toEqual(afterKills);
    expect(
      afterKills.counts.filter((row) => users.includes(String((row as { user_id: string }).user_id))),
    ).toEqual(users.map((user) => ({ user_id: user, folders: 180, last_revision: 179 })));
    await watcher.close();
  });

  it('rebuilds into fresh tables while live, then swaps them in and carries on', async () => {
    const watcher = createCheckpointWatcher(pool);
    const projector = startProjector({ pool, store, projection: folderProjection() });
    try {
      await createFolders(store, '3001', 20);
      const writing = createFolders(store, '3001', 20);
      const rebuilt = await rebuildProjection({ db, store, projection: folderProjection(), batchSize: 5 });
      expect(rebuilt.events).toBeGreaterThanOrEqual(20);
      const last = await writing;
      const more = await createFolders(store, '3001', 2);
      expect(more > last).toBe(true);
      expect(await watcher.waitFor(['test_folders'], more, 10_000)).toBe(true);
      const counts = (await snapshot(db)).counts.find(
        (row) => (row as { user_id: string }).user_id === '3001',
      );
      expect(counts).toEqual({ user_id: '3001', folders: 42, last_revision: 41 });
    } finally {
      await projector.stop();
      await watcher.close();
    }
  });

  it('rebuilds from zero when the projection version changes', async () => {
    const watcher = createCheckpointWatcher(pool);
    await sql`update test_counts set folders = -1`.execute(db);
    const projector = startProjector({ pool, store, projection: folderProjection(2) });
    try {
      const position = await createFolders(store, '4001', 1);
      expect(await watcher.waitFor(['test_folders'], position, 10_000)).toBe(true);
      const counts = await snapshot(db);
      expect(counts.counts.every((row) => (row as { folders: number }).folders > 0)).toBe(true);
    } finally {
      await projector.stop();
      await watcher.close();
    }
  });
});
