import { type EventStore, type Position, START } from '@teleplay/eventstore';
import { quoteIdentifier } from '@teleplay/postgres';
import { type Kysely, sql } from 'kysely';
import type { ProjectedEvent, Projection } from '../projection.ts';
import { applyBatch, applyProjected } from './apply-batch.ts';
import { CHECKPOINT_CHANNEL, checkpointPayload } from './checkpoints.ts';
import { type RunnerLog, silentLog } from './log.ts';
import { toProjectedEvent } from './projected-event.ts';

export interface RebuildOptions {
  db: Kysely<unknown>;
  store: EventStore;
  projection: Projection;
  /** Events per transaction (default 50,000: the more events a batch holds, the more it coalesces). */
  batchSize?: number;
  log?: RunnerLog;
}

export interface RebuildAllOptions extends Omit<RebuildOptions, 'projection'> {
  projections: readonly Projection[];
}

export interface RebuildResult {
  events: number;
  position: Position;
}

export const filterOf = (projection: Projection) => ({ eventTypePrefixes: projection.eventTypes });

/**
 * Rebuilds a projection from position zero into fresh tables in a scratch schema while the live
 * tables keep serving, then swaps them in atomically: the live runner's next checkpoint write fails
 * its compare-and-set and it resumes from the swapped-in checkpoint on the new tables.
 */
export async function rebuildProjection(options: RebuildOptions): Promise<RebuildResult> {
  const { projection, ...rest } = options;
  const [result] = await rebuildProjections({ ...rest, projections: [projection] });
  return result!;
}

/** Batches a projection may fall behind the shared read before the read waits for it. */
const MAX_BATCHES_BEHIND = 2;

/**
 * Rebuilds several projections as `rebuildProjection` does, from one read of the event store: each
 * batch is read and validated once, then applied to every projection that handles some of its
 * events, each in its own transactions on its own connection, so that they work side by side. Each
 * is swapped in when all have caught up. Returns one result per projection, in order.
 */
export async function rebuildProjections(options: RebuildAllOptions): Promise<RebuildResult[]> {
  const { db, store, projections } = options;
  const log = options.log ?? silentLog;
  const batchSize = options.batchSize ?? 50_000;
  for (const projection of projections) {
    const scratch = scratchOf(projection);
    await sql`drop schema if exists ${sql.id(scratch)} cascade`.execute(db);
    await sql`create schema ${sql.id(scratch)}`.execute(db);
    await projection.createTables(db, scratch);
  }

  // Catch up in batches without holding any lock.
  const builds = projections.map((projection) => startScratchBuild(db, projection, batchSize * 50, log));
  const filter = {
    eventTypePrefixes: [...new Set(projections.flatMap((projection) => projection.eventTypes))],
  };
  let position: Position = START;
  try {
    for (;;) {
      const batch = await store.readAll({ from: position, filter, maxCount: batchSize });
      if (batch.length === 0) break;
      const projected = batch.map(toProjectedEvent);
      for (const build of builds) await build.add(projected);
      position = batch.at(-1)!.position;
    }
    for (const build of builds) await build.finished();
  } catch (error) {
    await Promise.allSettled(builds.map((build) => build.finished()));
    throw error;
  }

  const results: RebuildResult[] = [];
  for (const [n, projection] of projections.entries()) {
    const build = builds[n]!;
    const result = await swapIn(db, store, projection, { events: build.events(), position }, batchSize);
    const { name, version } = projection;
    log.info(
      { projection: name, events: result.events, version, applySeconds: build.applySeconds() },
      'rebuilt and swapped in',
    );
    results.push(result);
  }
  return results;
}

interface ScratchBuild {
  /** Queues the events the projection handles; waits while it is too far behind. */
  add(events: readonly ProjectedEvent[]): Promise<void>;
  /** Settles when every queued batch is applied (rejects with the first failure). */
  finished(): Promise<void>;
  events(): number;
  /** Time spent in the projection's transactions so far. */
  applySeconds(): number;
}

/** Applies batches to a projection's scratch tables one transaction after the other, in order. */
function startScratchBuild(
  db: Kysely<unknown>,
  projection: Projection,
  logEvery: number,
  log: RunnerLog,
): ScratchBuild {
  const handles = new Set<string>(projection.eventTypes);
  let tail: Promise<void> = Promise.resolve();
  const queued: Promise<void>[] = [];
  let events = 0;
  let applyMs = 0;
  const apply = async (handled: readonly ProjectedEvent[]) => {
    const started = performance.now();
    await db
      .transaction()
      .execute((trx) => applyProjected(trx, projection, scratchOf(projection), handled, null));
    applyMs += performance.now() - started;
  };
  return {
    async add(batch) {
      const handled = batch.filter((event) => handles.has(event.type));
      if (handled.length === 0) return;
      const before = events;
      events += handled.length;
      if (Math.floor(before / logEvery) < Math.floor(events / logEvery))
        log.info({ projection: projection.name, events }, 'rebuilding');
      tail = tail.then(() => apply(handled));
      // Failures surface through `add` or `finished`, never unhandled.
      tail.catch(() => {});
      queued.push(tail);
      while (queued.length > MAX_BATCHES_BEHIND) await queued.shift();
    },
    finished: () => tail,
    events: () => events,
    applySeconds: () => applyMs / 1000,
  };
}

const scratchOf = (projection: Projection) => `rebuild_${projection.name}`;

/**
 * Swaps the caught-up scratch tables in: locks the live tables first (a live runner finishes its
 * transaction), then the checkpoint, applies the events appended meanwhile, and moves the tables.
 */
async function swapIn(
  db: Kysely<unknown>,
  store: EventStore,
  projection: Projection,
  caughtUp: RebuildResult,
  batchSize: number,
): Promise<RebuildResult> {
  const scratch = scratchOf(projection);
  const retired = `retired_${projection.name}`;
  let { events, position } = caughtUp;
  await db.transaction().execute(async (trx) => {
    for (const table of projection.tables) {
      if (await tableExists(trx, 'public', table)) {
        await sql`lock table ${sql.id('public', table)} in access exclusive mode`.execute(trx);
      }
    }
    await sql`select 1 from projection_checkpoints where name = ${projection.name} for update`.execute(trx);
    for (;;) {
      const rest = await store.readAll({ from: position, filter: filterOf(projection), maxCount: batchSize });
      if (rest.length === 0) break;
      await applyBatch(trx, projection, scratch, rest, null);
      events += rest.length;
      position = rest.at(-1)!.position;
    }
    // Checkpoint at the head, not the last matching event, so the live runner skips what we covered.
    const head = await store.headPosition();
    if (head > position) position = head;
    await sql`drop schema if exists ${sql.id(retired)} cascade`.execute(trx);
    await sql`create schema ${sql.id(retired)}`.execute(trx);
    for (const table of projection.tables) {
      if (await tableExists(trx, 'public', table)) {
        await sql
          .raw(`alter table public.${quoteIdentifier(table)} set schema ${quoteIdentifier(retired)}`)
          .execute(trx);
      }
      await sql
        .raw(`alter table ${quoteIdentifier(scratch)}.${quoteIdentifier(table)} set schema public`)
        .execute(trx);
    }
    await sql`
      insert into projection_checkpoints (name, version, position) values (${projection.name}, ${projection.version}, ${position})
      on conflict (name) do update set version = excluded.version, position = excluded.position, updated_at = now()`.execute(
      trx,
    );
    // A rare, single commit: notifying inside it is fine (see the projector for the hot path).
    await sql`select pg_notify(${CHECKPOINT_CHANNEL}, ${checkpointPayload(projection.name, position)})`.execute(
      trx,
    );
    await sql`drop schema ${sql.id(retired)} cascade`.execute(trx);
    await sql`drop schema ${sql.id(scratch)} cascade`.execute(trx);
  });
  return { events, position };
}

async function tableExists(db: Kysely<unknown>, schema: string, table: string): Promise<boolean> {
  const result = await sql<{
    found: boolean;
  }>`select to_regclass(${`${quoteIdentifier(schema)}.${quoteIdentifier(table)}`}) is not null as found`.execute(
    db,
  );
  return result.rows[0]?.found ?? false;
}
