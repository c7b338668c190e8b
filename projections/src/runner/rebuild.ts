import { type EventStore, type Position, type RecordedEvent, START } from '@teleplay/eventstore';
import { quoteIdentifier } from '@teleplay/postgres';
import { type Kysely, sql } from 'kysely';
import type { Projection } from '../projection.ts';
import { applyBatch } from './apply-batch.ts';
import { CHECKPOINT_CHANNEL, checkpointPayload } from './checkpoints.ts';
import { type RunnerLog, silentLog } from './log.ts';

export interface RebuildOptions {
  db: Kysely<unknown>;
  store: EventStore;
  projection: Projection;
  batchSize?: number;
  log?: RunnerLog;
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
  const { db, store, projection } = options;
  const log = options.log ?? silentLog;
  const batchSize = options.batchSize ?? 2000;
  const scratch = `rebuild_${projection.name}`;
  const retired = `retired_${projection.name}`;

  await sql`drop schema if exists ${sql.id(scratch)} cascade`.execute(db);
  await sql`create schema ${sql.id(scratch)}`.execute(db);
  await projection.createTables(db, scratch);

  let position: Position = START;
  let events = 0;
  const applyInScratch = async (batch: RecordedEvent[]) => {
    await db.transaction().execute((trx) => applyBatch(trx, projection, scratch, batch, null));
    events += batch.length;
    position = batch.at(-1)?.position ?? position;
  };

  // Catch up in batches without holding any lock.
  for (;;) {
    const batch = await store.readAll({ from: position, filter: filterOf(projection), maxCount: batchSize });
    if (batch.length === 0) break;
    await applyInScratch(batch);
    if (events % (batchSize * 50) < batch.length)
      log.info({ projection: projection.name, events }, 'rebuilding');
  }

  // Swap: lock the live tables first (a live runner finishes its transaction), then the checkpoint.
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
  log.info({ projection: projection.name, events, version: projection.version }, 'rebuilt and swapped in');
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
