import { setTimeout as sleep } from 'node:timers/promises';
import type {
  EventFilter,
  Position,
  RecordedEvent,
  Subscription,
  SubscriptionMessage,
} from './event-store.ts';

export interface PollingSubscriptionSource {
  from: Position;
  filter: EventFilter | undefined;
  batchSize: number;
  /**
   * Reads up to `batchSize` matching events after `from`, and the head position as of the same
   * snapshot: everything up to `head` that matches the filter is in this batch or an earlier one.
   */
  readBatch(from: Position, batchSize: number): Promise<{ events: RecordedEvent[]; head: Position }>;
  /** Resolves when new events may have been committed (or the signal aborts). */
  waitForChange(signal: AbortSignal): Promise<void>;
  /** Fallback poll when a wake-up is missed. */
  pollIntervalMs?: number;
}

/**
 * Catch-up subscription over a pull source: history in batches, one `caught_up` at the head, then live.
 * Positions only move forward, so nothing is delivered twice; a checkpoint is emitted when the head
 * moves past filtered-out events so a subscriber can persist progress without matching events.
 */
export function createPollingSubscription(source: PollingSubscriptionSource): Subscription {
  const abort = new AbortController();

  async function* messages(): AsyncGenerator<SubscriptionMessage> {
    let position = source.from;
    let reported = source.from;
    let caughtUp = false;
    while (!abort.signal.aborted) {
      // Arm the wake-up before reading so a commit landing during the read is not missed.
      const changed = source.waitForChange(abort.signal);
      const { events, head } = await source.readBatch(position, source.batchSize);
      for (const event of events) {
        if (abort.signal.aborted) return;
        position = event.position;
        yield { kind: 'event', event };
      }
      if (events.length >= source.batchSize) continue;
      if (head > position) position = head;
      if (!caughtUp) {
        caughtUp = true;
        reported = position;
        yield { kind: 'caught_up', position };
      } else if (position > reported) {
        reported = position;
        yield { kind: 'checkpoint', position };
      }
      await Promise.race([
        changed,
        sleep(source.pollIntervalMs ?? 250, undefined, { signal: abort.signal }).catch(() => {}),
      ]);
    }
  }

  const generator = messages();
  return {
    [Symbol.asyncIterator]: () => generator,
    async close() {
      abort.abort();
    },
  };
}
