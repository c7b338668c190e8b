import { randomUUID } from 'node:crypto';
import {
  createPostgresEventStore,
  type EventStore,
  migratePostgresEventStore,
  START,
} from '@teleplay/eventstore';
import { createKysely, createPool } from '@teleplay/postgres';
import { createTestDatabase } from '@teleplay/postgres/testing';
import fc from 'fast-check';
import { type Kysely, sql } from 'kysely';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readModels } from '../read-models/index.ts';
import { randomHistory } from '../testing/random-history.ts';
import { migrateProjections } from './migrate.ts';
import { toProjectedEvent } from './projected-event.ts';
import { readCheckpoint } from './projector.ts';
import { rebuildProjections } from './rebuild.ts';

const ONE_BY_ONE = 'one_by_one';

describe('rebuildProjections', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let pool: pg.Pool;
  let store: EventStore;
  let db: Kysely<unknown>;

  beforeAll(async () => {
    database = await createTestDatabase('rebuild');
    pool = createPool(database.url, { max: 20 });
    await migratePostgresEventStore(pool);
    await migrateProjections(pool);
    store = createPostgresEventStore(pool);
    db = createKysely(pool);
    await sql`create schema ${sql.id(ONE_BY_ONE)}`.execute(db);
    for (const projection of readModels) await projection.createTables(db, ONE_BY_ONE);
  });
  afterAll(async () => {
    await store.close();
    await pool.end();
    await database.drop();
  });

  const rows = async (schema: string, table: string) =>
    (await sql`select * from ${sql.table(`${schema}.${table}`)} as t order by t::text`.execute(db)).rows;

  it('rebuilds every read model from one read of the store, as applying each event alone would', async () => {
    const [history] = fc.sample(randomHistory({ maxEvents: 200 }), { numRuns: 1, seed: 7 });
    for (const { streamName, type, data, metadata } of history!)
      await store.append(streamName, [{ id: randomUUID(), type, data, metadata }], {
        expectedRevision: 'any',
      });
    const stored = (await store.readAll({ from: START })).map(toProjectedEvent);
    for (const event of stored)
      for (const projection of readModels)
        if (projection.eventTypes.includes(event.type))
          await projection.apply(event, { db: db.withSchema(ONE_BY_ONE), emit: () => {} });

    // Small batches: the read runs ahead while the read models apply earlier batches side by side.
    const results = await rebuildProjections({ db, store, projections: readModels, batchSize: 7 });

    const head = await store.headPosition();
    expect(results).toEqual(
      readModels.map((projection) => ({
        events: stored.filter((event) => projection.eventTypes.includes(event.type)).length,
        position: head,
      })),
    );
    for (const projection of readModels) {
      expect(await readCheckpoint(db, projection.name)).toEqual({
        version: projection.version,
        position: head,
      });
      for (const table of projection.tables)
        expect(await rows('public', table), table).toEqual(await rows(ONE_BY_ONE, table));
    }
  });
});
