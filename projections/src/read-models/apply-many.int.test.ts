import { createKysely, createPool } from '@teleplay/postgres';
import { createTestDatabase } from '@teleplay/postgres/testing';
import fc from 'fast-check';
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LiveChange, ProjectedEvent, Projection } from '../projection.ts';
import { randomHistory } from '../testing/random-history.ts';
import { readModels } from './index.ts';

// Every read model with a set-based path is checked against its one-event-at-a-time path: the same
// random history goes through `apply` event by event into one schema and through `applyMany` in
// random batches into another, and every table must hold the same rows after each batch.

const ONE_BY_ONE = 'one_by_one';
const BATCHED = 'batched';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let db: Kysely<unknown>;
beforeAll(async () => {
  database = await createTestDatabase('apply_many');
  db = createKysely<unknown>(createPool(database.url, { max: 4 }));
  for (const schema of [ONE_BY_ONE, BATCHED]) {
    await sql`create schema ${sql.id(schema)}`.execute(db);
    for (const projection of readModels) await projection.createTables(db, schema);
  }
});
afterAll(async () => {
  await db.destroy();
  await database.drop();
});

type Rows = Record<string, Record<string, unknown>[]>;

const primaryKeys = new Map<string, string[]>();
async function primaryKeyOf(schema: string, table: string): Promise<string[]> {
  const cached = primaryKeys.get(table);
  if (cached) return cached;
  const result = await sql<{ column: string }>`
    select a.attname as column
      from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any (i.indkey)
     where i.indrelid = ${`${schema}.${table}`}::regclass and i.indisprimary
     order by array_position(i.indkey, a.attnum)`.execute(db);
  const columns = result.rows.map((row) => row.column);
  primaryKeys.set(table, columns);
  return columns;
}

/** Every table of the projection, ordered by primary key. */
async function dump(schema: string, projection: Projection): Promise<Rows> {
  const rows: Rows = {};
  for (const table of projection.tables) {
    const key = await primaryKeyOf(schema, table);
    const result = await sql<Record<string, unknown>>`
      select * from ${sql.table(`${schema}.${table}`)} order by ${sql.join(key.map((column) => sql.ref(column)))}`.execute(
      db,
    );
    rows[table] = result.rows;
  }
  return rows;
}

async function reset(projection: Projection): Promise<void> {
  for (const schema of [ONE_BY_ONE, BATCHED])
    for (const table of projection.tables) await sql`truncate ${sql.table(`${schema}.${table}`)}`.execute(db);
}

function split(events: readonly ProjectedEvent[], sizes: readonly number[]): ProjectedEvent[][] {
  const batches: ProjectedEvent[][] = [];
  for (let start = 0, n = 0; start < events.length; n++) {
    const size = sizes[n % sizes.length]!;
    batches.push(events.slice(start, start + size));
    start += size;
  }
  return batches;
}

async function applyOneByOne(projection: Projection, events: readonly ProjectedEvent[]) {
  const changes: LiveChange[] = [];
  const context = { db: db.withSchema(ONE_BY_ONE), emit: (change: LiveChange) => changes.push(change) };
  for (const event of events) await projection.apply(event, context);
  return changes;
}

async function applyMany(projection: Projection, events: readonly ProjectedEvent[]) {
  const changes: LiveChange[] = [];
  await db.transaction().execute((trx) =>
    projection.applyMany!(events, {
      db: trx.withSchema(BATCHED),
      emit: (change) => changes.push(change),
    }),
  );
  return changes;
}

/** The row each kind of live change is about. */
const CHANGED_ROWS: Record<LiveChange['kind'], { table: string; id: string }> = {
  file: { table: 'library_files', id: 'id' },
  folder: { table: 'library_folders', id: 'id' },
  progress: { table: 'watch_progress', id: 'file_id' },
  device: { table: 'devices', id: 'device_id' },
  share: { table: 'share_links', id: 'share_id' },
};

const thing = (userId: unknown, kind: string, id: unknown) => `${userId}|${kind}|${id}`;

/** The last change of each thing: whether it was removed. */
function lastChanges(changes: readonly LiveChange[]): Map<string, boolean> {
  return new Map(changes.map((change) => [thing(change.userId, change.kind, change.id), !!change.removed]));
}

/** The rows live changes are about, as JSON by thing. */
function changeableRows(rows: Rows): Map<string, string> {
  const things = new Map<string, string>();
  for (const [kind, { table, id }] of Object.entries(CHANGED_ROWS))
    for (const row of rows[table] ?? []) things.set(thing(row.user_id, kind, row[id]), JSON.stringify(row));
  return things;
}

/**
 * A batch tells each changed thing once, as it ended up: never something one-by-one application
 * would not have told, with the same "removed"; and it leaves out only things whose row is the same
 * after the batch as before it (changed and changed back within the batch).
 */
function expectSameChanges(oneByOne: LiveChange[], batched: LiveChange[], before: Rows, after: Rows) {
  const expected = lastChanges(oneByOne);
  const told = lastChanges(batched);
  const rowsBefore = changeableRows(before);
  const rowsAfter = changeableRows(after);
  expect(batched).toHaveLength(told.size);
  for (const [key, removed] of told) {
    expect(expected.get(key), key).toBe(removed);
    expect(rowsAfter.has(key), key).toBe(!removed);
  }
  for (const key of expected.keys())
    if (!told.has(key)) expect(rowsAfter.get(key), `${key} left out`).toBe(rowsBefore.get(key));
}

const batchedModels = readModels.filter((projection) => projection.applyMany !== undefined);

describe.each(batchedModels.map((projection) => [projection.name, projection] as const))(
  '%s applyMany',
  (_name, projection) => {
    it('leaves the rows and tells the changes that applying the events one by one does, in any batches', async () => {
      await fc.assert(
        fc.asyncProperty(
          randomHistory(),
          fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 8 }),
          fc.array(fc.boolean(), { minLength: 1, maxLength: 5 }),
          fc.nat(),
          async (history, sizes, appliedTwice, replayFrom) => {
            await reset(projection);
            const events = history.filter((event) => projection.eventTypes.includes(event.type));
            const batches = split(events, sizes);
            for (const [n, batch] of batches.entries()) {
              const before = await dump(BATCHED, projection);
              const oneByOne = await applyOneByOne(projection, batch);
              const batched = await applyMany(projection, batch);
              const after = await dump(BATCHED, projection);
              expect(after).toEqual(await dump(ONE_BY_ONE, projection));
              expectSameChanges(oneByOne, batched, before, after);
              // A crash before the checkpoint moved: the batch is applied again.
              if (appliedTwice[n % appliedTwice.length]) {
                await applyMany(projection, batch);
                expect(await dump(BATCHED, projection)).toEqual(after);
              }
            }
            // A replay from an older checkpoint, in other batches, changes nothing either.
            const from = replayFrom % (events.length + 1);
            const all = await dump(BATCHED, projection);
            for (const batch of split(events.slice(from), [...sizes].reverse()))
              await applyMany(projection, batch);
            expect(await dump(BATCHED, projection)).toEqual(all);
          },
        ),
        { numRuns: 25 },
      );
    });
  },
);
