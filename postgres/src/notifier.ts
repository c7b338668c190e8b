import type pg from 'pg';

export interface Notifier {
  /**
   * Sends `pg_notify(channel, payload)` soon, after the caller's transaction committed. Payloads with
   * the same key coalesce to the latest one while a send is in flight.
   */
  notify(channel: string, payload?: string, key?: string): void;
  /** Resolves when everything queued so far has been sent (or failed). */
  flush(): Promise<void>;
}

/**
 * NOTIFY outside the writing transaction. A transaction that notifies takes a cluster-wide lock
 * while it commits, which serialises concurrent commits (and their WAL flushes); sending the
 * wake-up afterwards keeps group commit working. Listeners poll as a fallback, so a wake-up lost
 * to a crash between commit and send only delays them.
 */
export function createNotifier(pool: pg.Pool): Notifier {
  const pending = new Map<string, { channel: string; payload: string }>();
  let sending: Promise<void> | null = null;

  const send = async () => {
    while (pending.size > 0) {
      const batch = [...pending.values()];
      pending.clear();
      await pool
        .query(
          'select pg_notify(channel, payload) from unnest($1::text[], $2::text[]) as n(channel, payload)',
          [batch.map((item) => item.channel), batch.map((item) => item.payload)],
        )
        .catch(() => {});
    }
    sending = null;
  };

  return {
    notify(channel, payload = '', key = `${channel}|${payload}`) {
      pending.set(key, { channel, payload });
      sending ??= send();
    },
    async flush() {
      await sending;
    },
  };
}
