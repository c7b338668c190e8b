import {
  type AppendResult,
  type EventStore,
  type EventToAppend,
  type ExpectedRevision,
  makePosition,
  matchesFilter,
  type Position,
  type RecordedEvent,
  START,
  WrongExpectedRevisionError,
} from '../event-store.ts';
import { checkExpectedRevision, findIdempotentAppend } from '../expected-revision.ts';
import { createPollingSubscription } from '../subscription.ts';

/** In-process event store for unit tests. Never used in production. */
export function createInMemoryEventStore(): EventStore {
  const all: RecordedEvent[] = [];
  const streams = new Map<string, RecordedEvent[]>();
  const waiters = new Set<() => void>();

  const wake = () => {
    for (const waiter of waiters) waiter();
  };

  const store: EventStore = {
    async append(streamName, events, { expectedRevision }) {
      const stream = streams.get(streamName) ?? [];
      const replay = findIdempotentAppend(stream, events, expectedRevision);
      if (replay === 'partial')
        throw new WrongExpectedRevisionError(streamName, expectedRevision, current(stream));
      if (replay) return replay;
      checkExpectedRevision(streamName, expectedRevision, current(stream));
      return commit(streamName, stream, events, expectedRevision);
    },
    async readStream(streamName, options = {}) {
      const stream = streams.get(streamName) ?? [];
      const from = options.fromRevision ?? 0;
      return stream.slice(from, options.maxCount === undefined ? undefined : from + options.maxCount);
    },
    async readAll(options = {}) {
      const from = options.from ?? START;
      const result: RecordedEvent[] = [];
      for (const event of all) {
        if (event.position <= from || !matchesFilter(options.filter, event)) continue;
        result.push(event);
        if (options.maxCount !== undefined && result.length >= options.maxCount) break;
      }
      return result;
    },
    subscribeAll(options = {}) {
      return createPollingSubscription({
        from: options.from ?? START,
        filter: options.filter,
        batchSize: 500,
        readBatch: async (from, batchSize) => {
          const head = headOf(all);
          const events = await store.readAll({ from, filter: options.filter, maxCount: batchSize });
          return { events, head };
        },
        waitForChange: (signal) =>
          new Promise<void>((resolve) => {
            const done = () => {
              waiters.delete(done);
              signal.removeEventListener('abort', done);
              resolve();
            };
            waiters.add(done);
            signal.addEventListener('abort', done, { once: true });
          }),
      });
    },
    async headPosition() {
      return headOf(all);
    },
    async close() {
      wake();
    },
  };

  function commit(
    streamName: string,
    stream: RecordedEvent[],
    events: readonly EventToAppend[],
    _expected: ExpectedRevision,
  ): AppendResult {
    const recordedAt = new Date();
    for (const event of events) {
      const recorded: RecordedEvent = {
        id: event.id,
        type: event.type,
        data: structuredClone(event.data),
        metadata: structuredClone(event.metadata),
        streamName,
        revision: stream.length,
        position: makePosition(BigInt(all.length + 1), BigInt(all.length + 1)),
        recordedAt,
      };
      stream.push(recorded);
      all.push(recorded);
    }
    streams.set(streamName, stream);
    if (events.length > 0) wake();
    return { nextExpectedRevision: stream.length - 1, position: headOf(all) };
  }

  return store;
}

function current(stream: RecordedEvent[]): number | 'no_stream' {
  return stream.length === 0 ? 'no_stream' : stream.length - 1;
}

function headOf(all: RecordedEvent[]): Position {
  return all.at(-1)?.position ?? START;
}
