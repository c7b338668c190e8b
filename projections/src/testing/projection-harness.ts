import { createKysely, createPool } from '@teleplay/postgres';
import { createTestDatabase } from '@teleplay/postgres/testing';
import { type Kysely, sql } from 'kysely';
import { expect } from 'vitest';
import type { LiveChange, ProjectedEvent, Projection } from '../projection.ts';

export interface ProjectionHarness<DB> {
  /** The public schema, where the projections' tables live. */
  db: Kysely<DB>;
  /** Applies each event to every projection that handles it, one transaction per event and projection. */
  apply(events: readonly ProjectedEvent[]): Promise<LiveChange[]>;
  /** Applies the events as one batch to every projection (through `applyMany` where it has one). */
  applyBatch(events: readonly ProjectedEvent[]): Promise<LiveChange[]>;
  /**
   * From empty tables, applies the events four ways: each event twice in a row; the list once; the
   * list again on top; the list as one batch (as catch-up and rebuilds do). Asserts that rows and
   * query results are identical every time and that an event applied again emits no live change
   * (idempotency); returns the query result and the live changes of the single pass.
   */
  project<T>(
    events: readonly ProjectedEvent[],
    query: () => Promise<T>,
  ): Promise<{ result: T; changes: LiveChange[] }>;
  /** Every row of the projections' tables, in a stable order. */
  rows(): Promise<Record<string, unknown[]>>;
  reset(): Promise<void>;
  close(): Promise<void>;
}

/** A fresh database with the projections' tables in `public`. One per test file keeps suites fast. */
export async function createProjectionHarness<DB>(
  projections: readonly Projection[],
): Promise<ProjectionHarness<DB>> {
  const database = await createTestDatabase('projection');
  const pool = createPool(database.url, { max: 4 });
  const db = createKysely<DB>(pool);
  for (const projection of projections) await projection.createTables(db as Kysely<unknown>, 'public');
  const tables = projections.flatMap((projection) => projection.tables);

  async function apply(events: readonly ProjectedEvent[]): Promise<LiveChange[]> {
    const changes: LiveChange[] = [];
    for (const event of events) {
      for (const projection of projections) {
        if (!projection.eventTypes.includes(event.type)) continue;
        const emitted: LiveChange[] = [];
        await db
          .transaction()
          .execute((trx) =>
            projection.apply(event, { db: trx.withSchema('public'), emit: (change) => emitted.push(change) }),
          );
        changes.push(...emitted);
      }
    }
    return changes;
  }

  async function applyBatch(events: readonly ProjectedEvent[]): Promise<LiveChange[]> {
    const changes: LiveChange[] = [];
    for (const projection of projections) {
      const handled = events.filter((event) => projection.eventTypes.includes(event.type));
      if (handled.length === 0) continue;
      if (!projection.applyMany) {
        changes.push(...(await apply(handled)));
        continue;
      }
      const emitted: LiveChange[] = [];
      await db.transaction().execute((trx) =>
        projection.applyMany!(handled, {
          db: trx.withSchema('public'),
          emit: (change) => emitted.push(change),
        }),
      );
      changes.push(...emitted);
    }
    return changes;
  }

  async function rows(): Promise<Record<string, unknown[]>> {
    const snapshot: Record<string, unknown[]> = {};
    for (const table of tables) {
      const result = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(db);
      snapshot[table] = result.rows
        .map((row) => JSON.stringify(row))
        .sort()
        .map((row) => JSON.parse(row));
    }
    return snapshot;
  }

  async function reset(): Promise<void> {
    await sql`truncate table ${sql.join(tables.map((table) => sql.table(table)))}`.execute(db);
  }

  async function project<T>(events: readonly ProjectedEvent[], query: () => Promise<T>) {
    await reset();
    for (const event of events) {
      await apply([event]);
      // Applied again, an event changes no row a client sees: nothing to push.
      expect(await apply([event]), `${event.type} applied again`).toEqual([]);
    }
    const eachTwice = { rows: await rows(), result: await query() };

    await reset();
    const changes = await apply(events);
    const once = { rows: await rows(), result: await query() };

    await apply(events);
    const replayed = { rows: await rows(), result: await query() };

    await reset();
    await applyBatch(events);
    const batched = { rows: await rows(), result: await query() };

    expect(eachTwice).toEqual(once);
    expect(replayed).toEqual(once);
    expect(batched).toEqual(once);
    return { result: once.result, changes };
  }

  return {
    db,
    apply,
    applyBatch,
    project,
    rows,
    reset,
    close: async () => {
      await db.destroy();
      await database.drop();
    },
  };
}
