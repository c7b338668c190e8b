import type { Position } from '@teleplay/eventstore';
import { type Listening, listen } from '@teleplay/postgres';
import type pg from 'pg';
import { CHECKPOINT_CHANNEL } from './checkpoints.ts';

export interface CheckpointWatcher {
  /**
   * Resolves true once every named projection has committed past `position` (read-your-writes),
   * false when `timeoutMs` passes first. Works whichever instance runs the projections.
   */
  waitFor(names: readonly string[], position: Position, timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

interface Waiter {
  names: readonly string[];
  position: Position;
  resolve: (reached: boolean) => void;
}

/** Follows projection checkpoints through LISTEN, with a periodic read as the fallback. */
export function createCheckpointWatcher(pool: pg.Pool, pollIntervalMs = 200): CheckpointWatcher {
  const positions = new Map<string, Position>();
  const waiters = new Set<Waiter>();
  let listener: Promise<Listening> | null = null;
  let poller: NodeJS.Timeout | null = null;

  const reached = (waiter: Waiter) =>
    waiter.names.every((name) => (positions.get(name) ?? '') >= waiter.position);

  const settle = () => {
    for (const waiter of waiters) {
      if (!reached(waiter)) continue;
      waiters.delete(waiter);
      waiter.resolve(true);
    }
    if (waiters.size === 0 && poller) {
      clearInterval(poller);
      poller = null;
    }
  };

  const record = (name: string, position: Position) => {
    if ((positions.get(name) ?? '') < position) positions.set(name, position);
  };

  const refresh = async () => {
    const result = await pool.query<{ name: string; position: Position }>(
      'select name, position from projection_checkpoints',
    );
    for (const row of result.rows) record(row.name, row.position);
    settle();
  };

  const listenForCheckpoints = () => {
    listener ??= listen(pool, CHECKPOINT_CHANNEL, {
      onNotification: (payload) => {
        const [name, position] = (payload ?? '').split('|');
        if (name && position) record(name, position as Position);
        settle();
      },
      // The next wait listens again; the poller covers waits in progress.
      onLost: () => {
        listener = null;
      },
    }).catch((error: unknown) => {
      listener = null;
      throw error;
    });
    return listener;
  };

  return {
    async waitFor(names, position, timeoutMs) {
      await listenForCheckpoints();
      const waiter: Waiter = { names, position, resolve: () => {} };
      if (reached(waiter)) return true;
      const done = new Promise<boolean>((resolve) => {
        waiter.resolve = resolve;
      });
      waiters.add(waiter);
      poller ??= setInterval(() => void refresh().catch(() => {}), pollIntervalMs);
      await refresh();
      const timer = setTimeout(() => {
        if (waiters.delete(waiter)) waiter.resolve(false);
      }, timeoutMs);
      const result = await done;
      clearTimeout(timer);
      return result;
    },
    async close() {
      if (poller) clearInterval(poller);
      for (const waiter of waiters) waiter.resolve(false);
      waiters.clear();
      const listening = await listener?.catch(() => null);
      listener = null;
      await listening?.release();
    },
  };
}
