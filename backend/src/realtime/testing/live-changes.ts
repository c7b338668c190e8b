import { makePosition, type Position, START } from '@teleplay/eventstore';
import { LIVE_CHANGES_CHANNEL } from '@teleplay/projections';
import type pg from 'pg';
import type { LiveChangeKind } from '../change-feed.ts';

export interface LiveChangeRow {
  userId: string;
  kind: LiveChangeKind;
  entityId: string;
  removed?: boolean;
}

/**
 * Commits feed rows in one transaction, as a projector does, then sends the wake-up after the
 * commit (unless `notify` is false, to exercise the polling fallback). Returns their positions.
 */
export async function commitLiveChanges(
  pool: pg.Pool,
  rows: readonly LiveChangeRow[],
  options: { notify?: boolean } = {},
): Promise<Position[]> {
  const result = await pool.query<{ commit_id: string; id: number }>(
    `insert into live_changes (user_id, kind, entity_id, removed, event_position)
     select * from unnest($1::text[], $2::text[], $3::text[], $4::boolean[], $5::text[])
     returning transaction_id::text as commit_id, id`,
    [
      rows.map((row) => row.userId),
      rows.map((row) => row.kind),
      rows.map((row) => row.entityId),
      rows.map((row) => row.removed ?? false),
      rows.map(() => START),
    ],
  );
  if (options.notify ?? true) await pool.query('select pg_notify($1, $2)', [LIVE_CHANGES_CHANNEL, '']);
  return result.rows
    .map((row) => makePosition(BigInt(row.commit_id), BigInt(row.id)))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** A readable, valid UUID for fixtures: `uuid(7)` → `00000000-0000-4000-8000-000000000007`. */
export function uuid(n: number): string {
  return `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
}
