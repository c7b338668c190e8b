import type { UserId } from '@teleplay/contracts';
import { makePosition, type Position, parsePosition, START } from '@teleplay/eventstore';
import { type Listening, listen } from '@teleplay/postgres';
import { LIVE_CHANGES_CHANNEL, type LiveChange } from '@teleplay/projections';
import type pg from 'pg';

export type LiveChangeKind = LiveChange['kind'];

/** One row of `live_changes`: something a user's clients should see, at its place in commit order. */
export interface FeedChange {
  position: Position;
  userId: UserId;
  kind: LiveChangeKind;
  entityId: string;
  removed: boolean;
  /** Event store position of the event that caused it. */
  eventPosition: string;
  createdAt: Date;
}

export interface FeedBounds {
  /** Every change at or before this is pruned; resuming from before it needs a resync. */
  prunedThrough: Position;
  /** The last change no commit in flight can precede (or `prunedThrough` when the feed is empty). */
  head: Position;
}

/** What to keep: changes younger than `maxAgeMs`, and at least/at most the newest `maxRows`. */
export interface FeedRetention {
  maxAgeMs: number;
  maxRows: number;
}

export interface ChangeFeed {
  /** Changes after `after` in commit order, for every user or one; never past a commit in flight. */
  read(options: { after: Position; userId?: UserId; limit: number }): Promise<FeedChange[]>;
  /**
   * For a resuming client: the last change of each item of `userId` in the window (after, through],
   * in commit order, from `cursor` on (exclusive; page with the last position returned). Messages
   * carry the item as it is now, so earlier changes of the same item add nothing. `prunedThrough`
   * is read in the same snapshot: when it is past `after`, the window is no longer complete.
   */
  readLatest(options: {
    userId: UserId;
    after: Position;
    through: Position;
    cursor: Position;
    limit: number;
  }): Promise<{ changes: FeedChange[]; prunedThrough: Position }>;
  bounds(): Promise<FeedBounds>;
  /** Deletes the oldest changes beyond the retention, oldest first so the kept ones stay gapless. */
  prune(retention: FeedRetention): Promise<{ deleted: number; prunedThrough: Position }>;
  /** Calls `listener` when changes may have been committed (a wake-up; it can be lost, so poll too). */
  onChange(listener: () => void): () => void;
  /** Stops listening for wake-ups. */
  close(): Promise<void>;
}

interface ChangeRow {
  commit_id: string;
  id: number;
  user_id: string;
  kind: LiveChangeKind;
  entity_id: string;
  removed: boolean;
  event_position: string;
  created_at: Date;
}

const CHANGE_COLUMNS = `transaction_id::text as commit_id, id, user_id, kind, entity_id, removed, event_position,
  created_at`;

// Rows of transactions older than the oldest one still running: nothing can commit before them any more.
const COMMITTED = 'transaction_id < pg_snapshot_xmin(pg_current_snapshot())';

const toChange = (row: ChangeRow): FeedChange => ({
  position: makePosition(BigInt(row.commit_id), BigInt(row.id)),
  userId: row.user_id,
  kind: row.kind,
  entityId: row.entity_id,
  removed: row.removed,
  eventPosition: row.event_position,
  createdAt: row.created_at,
});

const positionParams = (position: Position) => {
  const { commit, prepare } = parsePosition(position);
  return [commit.toString(), prepare.toString()];
};

const maxPosition = (a: Position, b: Position): Position => (a > b ? a : b);

const PRUNE_BATCH = 5000;
const RECONNECT_DELAY_MS = 1000;

/**
 * The live change feed in PostgreSQL, read in commit order exactly like the Postgres event store:
 * by (transaction id, row id), never past `pg_snapshot_xmin`, so a reader that moved past a position
 * never sees a change appear before it later. Run `migrateProjections` and `migrateRealtime` first.
 */
export function createChangeFeed(pool: pg.Pool): ChangeFeed {
  const listeners = new Set<() => void>();
  let listening: Listening | null = null;
  let connecting: Promise<void> | null = null;
  let reconnectTimer: NodeJS.Timeout | null = null;
  let closed = false;

  const wake = () => {
    for (const listener of listeners) listener();
  };

  function startListening(): void {
    if (closed || listening || connecting) return;
    connecting = (async () => {
      const started = await listen(pool, LIVE_CHANGES_CHANNEL, {
        onNotification: wake,
        onLost: () => {
          if (listening === started) listening = null;
          wake();
          scheduleReconnect();
        },
      }).catch(() => null);
      if (!started) return scheduleReconnect();
      if (closed) return started.release();
      listening = started;
      // Wake-ups sent while not listening are lost: have the readers look once.
      wake();
    })().finally(() => {
      connecting = null;
    });
  }

  function scheduleReconnect(): void {
    if (closed || reconnectTimer) return;
    reconnectTimer = setTimeout(() => {
      reconnectTimer = null;
      startListening();
    }, RECONNECT_DELAY_MS);
    reconnectTimer.unref();
  }

  return {
    async read({ after, userId, limit }) {
      const params: unknown[] = [...positionParams(after), limit];
      let byUser = '';
      if (userId !== undefined) {
        params.push(userId);
        byUser = `and user_id = $${params.length}`;
      }
      const result = await pool.query<ChangeRow>(
        `select ${CHANGE_COLUMNS} from live_changes
          where (transaction_id, id) > ($1::xid8, $2::bigint) and ${COMMITTED} ${byUser}
          order by transaction_id, id
          limit $3`,
        params,
      );
      return result.rows.map(toChange);
    },

    async readLatest({ userId, after, through, cursor, limit }) {
      const result = await pool.query<ChangeRow & { pruned_through: string }>(
        `select horizon.pruned_through, page.*
           from live_changes_horizon horizon
           left join lateral (
             select * from (
               select distinct on (kind, entity_id) ${CHANGE_COLUMNS}, transaction_id
                 from live_changes
                where user_id = $1
                  and (transaction_id, id) > ($2::xid8, $3::bigint)
                  and (transaction_id, id) <= ($4::xid8, $5::bigint)
                  and ${COMMITTED}
                order by kind, entity_id, transaction_id desc, id desc
             ) latest
             where (transaction_id, id) > ($6::xid8, $7::bigint)
             order by transaction_id, id
             limit $8
           ) page on true`,
        [userId, ...positionParams(after), ...positionParams(through), ...positionParams(cursor), limit],
      );
      const prunedThrough = (result.rows[0]?.pruned_through ?? START) as Position;
      const changes = result.rows.filter((row) => row.commit_id !== null).map(toChange);
      return { changes, prunedThrough };
    },

    async bounds() {
      const result = await pool.query<{
        pruned_through: string;
        commit_id: string | null;
        id: number | null;
      }>(
        `select horizon.pruned_through, last.commit_id, last.id
           from live_changes_horizon horizon
           left join lateral (
             select transaction_id::text as commit_id, id from live_changes
              where ${COMMITTED}
              order by transaction_id desc, id desc
              limit 1
           ) last on true`,
      );
      const row = result.rows[0];
      const prunedThrough = (row?.pruned_through ?? START) as Position;
      const last =
        row?.commit_id && row.id !== null ? makePosition(BigInt(row.commit_id), BigInt(row.id)) : START;
      return { prunedThrough, head: maxPosition(prunedThrough, last) };
    },

    async prune({ maxAgeMs, maxRows }) {
      const cutoff = new Date(Date.now() - maxAgeMs);
      let deleted = 0;
      let prunedThrough: Position = START;
      for (;;) {
        const client = await pool.connect();
        let batch: { commit_id: string; id: number }[];
        try {
          await client.query('begin');
          // A prefix in commit order of the committed rows: those older than the cutoff, or beyond the
          // newest `maxRows`. Stopping at the first row to keep leaves no hole in what is kept.
          const result = await client.query<{ commit_id: string; id: number }>(
            `with newest_beyond_limit as (
               select transaction_id, id from live_changes
                order by transaction_id desc, id desc
               offset $2 limit 1
             ), oldest as (
               select l.id,
                      bool_and(l.created_at < $1
                               or (b.id is not null and (l.transaction_id, l.id) <= (b.transaction_id, b.id)))
                        over (order by l.transaction_id, l.id) as doomed
                 from (select transaction_id, id, created_at from live_changes
                        where ${COMMITTED}
                        order by transaction_id, id
                        limit $3) l
                 left join newest_beyond_limit b on true
             )
             delete from live_changes c using oldest
              where c.id = oldest.id and oldest.doomed
             returning c.transaction_id::text as commit_id, c.id`,
            [cutoff, maxRows, PRUNE_BATCH],
          );
          batch = result.rows;
          const last = batch.reduce<Position>(
            (latest, row) => maxPosition(latest, makePosition(BigInt(row.commit_id), BigInt(row.id))),
            START,
          );
          const horizon = await client.query<{ pruned_through: string }>(
            `update live_changes_horizon set pruned_through = greatest(pruned_through, $1::text collate "C")
             returning pruned_through`,
            [last],
          );
          await client.query('commit');
          prunedThrough = (horizon.rows[0]?.pruned_through ?? START) as Position;
        } catch (error) {
          await client.query('rollback').catch(() => {});
          throw error;
        } finally {
          client.release();
        }
        deleted += batch.length;
        if (batch.length < PRUNE_BATCH) return { deleted, prunedThrough };
      }
    },

    onChange(listener) {
      listeners.add(listener);
      startListening();
      return () => listeners.delete(listener);
    },

    async close() {
      closed = true;
      listeners.clear();
      if (reconnectTimer) clearTimeout(reconnectTimer);
      await connecting;
      await listening?.release();
      listening = null;
    },
  };
}

/** Prunes the feed now and then. Any number of instances may run it: pruning is idempotent. */
export function schedulePruning(
  feed: ChangeFeed,
  options: { retention: FeedRetention; intervalMs: number; onError: (error: unknown) => void },
): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = feed.prune(options.retention).catch(options.onError);
  }, options.intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
