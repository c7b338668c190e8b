import { EventEmitter } from 'node:events';
import { createKysely, createNotifier, type Listening, listen, migrate } from '@teleplay/postgres';
import type pg from 'pg';
import {
  type EventFilter,
  type EventStore,
  type ExpectedRevision,
  makePosition,
  type Position,
  parsePosition,
  type RecordedEvent,
  START,
  WrongExpectedRevisionError,
} from '../event-store.ts';
import { checkExpectedRevision } from '../expected-revision.ts';
import { createPollingSubscription } from '../subscription.ts';
import { eventStoreMigrations } from './postgres-event-store.migrations.ts';

const WRONG_EXPECTED_REVISION = 'TP001';
const UNIQUE_VIOLATION = '23505';
const CHANNEL = 'es_events';

export interface PostgresEventStoreOptions {
  /** Events per read while catching up. */
  batchSize?: number;
  /** Fallback poll interval when a NOTIFY wake-up is missed. */
  pollIntervalMs?: number;
}

/** Creates the event store's tables and functions when they are missing. */
export async function migratePostgresEventStore(pool: pg.Pool): Promise<void> {
  const db = createKysely<unknown>(pool);
  await migrate(db, 'eventstore', eventStoreMigrations);
}

interface EventRow {
  event_id: string;
  type: string;
  data: unknown;
  metadata: unknown;
  stream_name: string;
  revision: number;
  commit_id: string;
  global_position: number;
  recorded_at: Date;
}

const EVENT_COLUMNS = `event_id, type, data, metadata, stream_name, revision, transaction_id::text as commit_id,
  global_position, recorded_at`;

const toRecorded = (row: EventRow): RecordedEvent => ({
  id: row.event_id,
  type: row.type,
  data: row.data,
  metadata: row.metadata,
  streamName: row.stream_name,
  revision: row.revision,
  position: makePosition(BigInt(row.commit_id), BigInt(row.global_position)),
  recordedAt: row.recorded_at,
});

/** Event store in PostgreSQL (the embedded default). Run `migratePostgresEventStore` first. */
export function createPostgresEventStore(pool: pg.Pool, options: PostgresEventStoreOptions = {}): EventStore {
  const batchSize = options.batchSize ?? 1000;
  const pollIntervalMs = options.pollIntervalMs ?? 250;
  const wakeups = new EventEmitter();
  wakeups.setMaxListeners(0);
  let listener: Promise<Listening> | null = null;
  let closed = false;
  const notifier = createNotifier(pool);

  function listenForAppends(): Promise<Listening> {
    listener ??= listen(pool, CHANNEL, {
      onNotification: () => wakeups.emit('change'),
      onLost: () => {
        // Listen again on the next wait; polling covers the gap.
        listener = null;
        wakeups.emit('change');
      },
    }).catch((error: unknown) => {
      listener = null;
      throw error;
    });
    return listener;
  }

  async function readBatch(from: Position, maxCount: number, filter: EventFilter | undefined) {
    const { commit, prepare } = parsePosition(from);
    const params: unknown[] = [commit.toString(), prepare.toString(), maxCount];
    const conditions: string[] = [];
    if (filter?.streamNamePrefixes) {
      params.push(filter.streamNamePrefixes.map(likePrefix));
      conditions.push(`and stream_name like any ($${params.length}::text[])`);
    }
    if (filter?.eventTypePrefixes) {
      params.push(filter.eventTypePrefixes.map(likePrefix));
      conditions.push(`and type like any ($${params.length}::text[])`);
    }
    const client = await pool.connect();
    try {
      // One snapshot for both queries: the head is final for every event the batch could contain.
      // Without sorts the planner walks the commit-order index and stops at the limit: without
      // statistics (a freshly filled table) it would otherwise sort everything after `from`.
      await client.query('begin isolation level repeatable read read only; set local enable_sort = off');
      const events = await client.query<EventRow>(
        `select ${EVENT_COLUMNS} from es_events
          where (transaction_id, global_position) > ($1::xid8, $2::bigint)
            and transaction_id < pg_snapshot_xmin(pg_current_snapshot())
            ${conditions.join(' ')}
          order by transaction_id, global_position
          limit $3`,
        params,
      );
      const head = await client.query<{ commit_id: string; global_position: number }>(
        `select transaction_id::text as commit_id, global_position from es_events
          where transaction_id < pg_snapshot_xmin(pg_current_snapshot())
          order by transaction_id desc, global_position desc limit 1`,
      );
      await client.query('commit');
      const last = head.rows[0];
      return {
        events: events.rows.map(toRecorded),
        head: last ? makePosition(BigInt(last.commit_id), BigInt(last.global_position)) : START,
      };
    } catch (error) {
      await client.query('rollback').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  return {
    async append(streamName, events, { expectedRevision }) {
      if (events.length === 0) return appendNothing(pool, streamName, expectedRevision);
      const ids = events.map((event) => event.id);
      let row: AppendRow;
      try {
        const result = await pool.query<AppendRow>(
          'select * from es_append($1, $2, $3::uuid[], $4::text[], $5::jsonb[], $6::jsonb[])',
          [
            streamName,
            String(expectedRevision),
            ids,
            events.map((event) => event.type),
            events.map((event) => JSON.stringify(event.data)),
            events.map((event) => JSON.stringify(event.metadata)),
          ],
        );
        row = result.rows[0]!;
      } catch (error) {
        const { code, detail } = error as { code?: string; detail?: string };
        if (code === WRONG_EXPECTED_REVISION) {
          const actual = Number(detail);
          throw new WrongExpectedRevisionError(
            streamName,
            expectedRevision,
            actual < 0 ? 'no_stream' : actual,
          );
        }
        if (code !== UNIQUE_VIOLATION) throw error;
        row = await findEarlierAppend(pool, streamName, expectedRevision, ids);
      }
      // Local subscribers wake at once; other processes through NOTIFY.
      wakeups.emit('change');
      notifier.notify(CHANNEL);
      return {
        nextExpectedRevision: row.out_revision,
        position: makePosition(BigInt(row.out_commit), BigInt(row.out_position)),
      };
    },

    async readStream(streamName, options = {}) {
      const result = await pool.query<EventRow>(
        `select ${EVENT_COLUMNS} from es_events
          where stream_name = $1 and revision >= $2 order by revision limit $3`,
        [streamName, options.fromRevision ?? 0, options.maxCount ?? null],
      );
      return result.rows.map(toRecorded);
    },

    async readAll(options = {}) {
      const { events } = await readBatch(
        options.from ?? START,
        options.maxCount ?? 1_000_000,
        options.filter,
      );
      return events;
    },

    subscribeAll(options = {}) {
      return createPollingSubscription({
        from: options.from ?? START,
        filter: options.filter,
        batchSize,
        pollIntervalMs: pollIntervalMs,
        readBatch: (from, count) => readBatch(from, count, options.filter),
        waitForChange: async (signal) => {
          if (closed) return;
          await listenForAppends().catch(() => {});
          await new Promise<void>((resolve) => {
            const done = () => {
              wakeups.off('change', done);
              signal.removeEventListener('abort', done);
              resolve();
            };
            wakeups.on('change', done);
            signal.addEventListener('abort', done, { once: true });
          });
        },
      });
    },

    async headPosition() {
      return (await readBatch(START, 0, undefined)).head;
    },

    async close() {
      closed = true;
      await notifier.flush();
      wakeups.emit('change');
      await (await listener?.catch(() => null))?.release();
      listener = null;
    },
  };
}

interface AppendRow {
  out_revision: number;
  out_commit: string;
  out_position: number;
}

/** Resolves an append whose event ids are already in the stream: the same append again, or a conflict. */
async function findEarlierAppend(
  pool: pg.Pool,
  streamName: string,
  expected: ExpectedRevision,
  ids: string[],
): Promise<AppendRow> {
  const found = await pool.query<AppendRow>('select * from es_find_append($1, $2, $3::uuid[])', [
    streamName,
    String(expected),
    ids,
  ]);
  if (found.rows[0]) return found.rows[0];
  const current = await pool.query<{ revision: number }>(
    'select revision from es_streams where stream_name = $1',
    [streamName],
  );
  const revision = current.rows[0]?.revision ?? -1;
  throw new WrongExpectedRevisionError(streamName, expected, revision < 0 ? 'no_stream' : revision);
}

async function appendNothing(pool: pg.Pool, streamName: string, expected: ExpectedRevision) {
  const result = await pool.query<{ revision: number }>(
    'select revision from es_streams where stream_name = $1',
    [streamName],
  );
  const revision = result.rows[0]?.revision ?? -1;
  checkExpectedRevision(streamName, expected, revision < 0 ? 'no_stream' : revision);
  return { nextExpectedRevision: revision, position: START };
}

const likePrefix = (prefix: string) => `${prefix.replace(/[\\%_]/g, '\\$&')}%`;
