import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EventStore, Position, RecordedEvent } from '@teleplay/eventstore';
import { createKysely, createNotifier } from '@teleplay/postgres';
import { type Kysely, sql } from 'kysely';
import type pg from 'pg';
import type { LiveChange, Projection } from '../projection.ts';
import { applyBatch } from './apply-batch.ts';
import {
  advanceCheckpoint,
  CHECKPOINT_CHANNEL,
  checkpointPayload,
  LIVE_CHANGES_CHANNEL,
  StaleCheckpointError,
  type StoredCheckpoint,
} from './checkpoints.ts';
import { type RunnerLog, silentLog } from './log.ts';
import { filterOf, rebuildProjection } from './rebuild.ts';

export interface ProjectorOptions {
  pool: pg.Pool;
  store: EventStore;
  projection: Projection;
  log?: RunnerLog;
  /** Events per transaction while catching up (a first build or a version change uses the rebuild's). */
  batchSize?: number;
  /** How often a standby instance tries to become the active one. */
  standbyRetryMs?: number;
}

export interface Projector {
  readonly name: string;
  /** True while this instance holds the projection's lock and projects. */
  readonly active: boolean;
  stop(): Promise<void>;
}

/**
 * Runs one projection: exactly one active instance per database (a session advisory lock), the
 * others stand by and take over when it dies. Catching up commits many events per transaction; live,
 * each event commits with the checkpoint, its live changes and the notifications.
 */
export function startProjector(options: ProjectorOptions): Projector {
  const { pool, store, projection } = options;
  const log = options.log ?? silentLog;
  const batchSize = options.batchSize ?? 1000;
  const standbyRetryMs = options.standbyRetryMs ?? 1000;
  const db = createKysely<unknown>(pool);
  const notifier = createNotifier(pool);
  const lockKey = advisoryLockKey(projection.name);
  const stopping = new AbortController();
  let active = false;
  let lockClient: pg.PoolClient | null = null;
  let subscriptionClose: (() => Promise<void>) | null = null;

  async function leadershipLoop(): Promise<void> {
    while (!stopping.signal.aborted) {
      try {
        lockClient = await pool.connect();
        // Losing the lock connection means another instance may take over: stop projecting at once.
        lockClient.on('error', onLockLost);
        const locked = await lockClient.query<{ ok: boolean }>('select pg_try_advisory_lock($1) as ok', [
          lockKey,
        ]);
        if (!locked.rows[0]?.ok) {
          releaseLockClient(false);
          await sleep(standbyRetryMs, undefined, { signal: stopping.signal }).catch(() => {});
          continue;
        }
        active = true;
        log.info({ projection: projection.name }, 'projector active');
        await project();
      } catch (error) {
        if (stopping.signal.aborted) break;
        const stale = error instanceof StaleCheckpointError;
        if (!stale) log.error({ projection: projection.name, err: error }, 'projector failed; restarting');
        if (!stale) await sleep(1000, undefined, { signal: stopping.signal }).catch(() => {});
      } finally {
        active = false;
        releaseLockClient(true);
      }
    }
  }

  function onLockLost(): void {
    void subscriptionClose?.();
  }

  function releaseLockClient(unlock: boolean): void {
    const client = lockClient;
    lockClient = null;
    if (!client) return;
    // Back in the pool the connection is no longer this term's lock: its errors must not stop the next.
    client.off('error', onLockLost);
    if (!unlock) {
      client.release();
      return;
    }
    // Closing the session frees its advisory lock even if the unlock cannot be sent.
    client
      .query('select pg_advisory_unlock($1)', [lockKey])
      .then(() => client.release())
      .catch(() => client.release(true));
  }

  async function project(): Promise<void> {
    let position = await prepare();
    const subscription = store.subscribeAll({ from: position, filter: filterOf(projection) });
    subscriptionClose = () => subscription.close();
    let live = false;
    let pending: RecordedEvent[] = [];
    const flush = async (advanceTo?: Position) => {
      const last = pending.at(-1)?.position;
      const target = advanceTo && (!last || advanceTo > last) ? advanceTo : last;
      if (!target || target <= position) return;
      const changes: (LiveChange & { eventPosition: string })[] = [];
      const from = position;
      await db.transaction().execute(async (trx) => {
        await applyBatch(trx, projection, 'public', pending, live ? changes : null);
        await advanceCheckpoint(trx, projection.name, from, target);
        if (changes.length > 0) await insertLiveChanges(trx, changes);
      });
      // Wake-ups go out after the commit: notifying inside it would serialise every commit.
      notifier.notify(CHECKPOINT_CHANNEL, checkpointPayload(projection.name, target), projection.name);
      if (changes.length > 0) notifier.notify(LIVE_CHANGES_CHANNEL);
      position = target;
      pending = [];
    };
    try {
      for await (const message of subscription) {
        if (stopping.signal.aborted || !active) break;
        if (message.kind === 'event') {
          pending.push(message.event);
          if (live || pending.length >= batchSize) await flush();
          continue;
        }
        await flush(message.position);
        if (message.kind === 'caught_up') {
          live = true;
          log.info({ projection: projection.name, position }, 'projector caught up; live');
        }
      }
    } finally {
      subscriptionClose = null;
      await subscription.close();
    }
  }

  /** Installs the projection (or rebuilds it after a version change) and returns where to resume. */
  async function prepare(): Promise<Position> {
    const stored = await readCheckpoint(db, projection.name);
    if (stored && stored.version === projection.version) return stored.position;
    log.info(
      { projection: projection.name, from: stored?.version, to: projection.version },
      'building projection',
    );
    // With the rebuild's own, larger transactions: nothing reads these tables until they swap in.
    return (await rebuildProjection({ db, store, projection, log })).position;
  }

  const running = leadershipLoop();
  return {
    name: projection.name,
    get active() {
      return active;
    },
    async stop() {
      stopping.abort();
      await subscriptionClose?.();
      await running;
      await notifier.flush();
    },
  };
}

export async function readCheckpoint(db: Kysely<unknown>, name: string): Promise<StoredCheckpoint | null> {
  const result = await sql<StoredCheckpoint>`
    select version, position from projection_checkpoints where name = ${name}`.execute(db);
  return result.rows[0] ?? null;
}

async function insertLiveChanges(
  trx: Kysely<unknown>,
  changes: (LiveChange & { eventPosition: string })[],
): Promise<void> {
  const values = changes.map(
    (change) =>
      sql`(${change.userId}, ${change.kind}, ${change.id}, ${change.removed ?? false}, ${change.eventPosition})`,
  );
  await sql`
    insert into live_changes (user_id, kind, entity_id, removed, event_position)
    values ${sql.join(values)}`.execute(trx);
}

/** A stable 64-bit advisory lock key per projection name. */
function advisoryLockKey(name: string): string {
  return createHash('sha256').update(`teleplay:projection:${name}`).digest().readBigInt64BE(0).toString();
}
