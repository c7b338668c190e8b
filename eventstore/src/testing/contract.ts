import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type EventStore,
  type EventToAppend,
  type Position,
  type RecordedEvent,
  START,
  type Subscription,
  type SubscriptionMessage,
  WrongExpectedRevisionError,
} from '../event-store.ts';

export interface EventStoreFixture {
  store: EventStore;
  dispose(): Promise<void>;
}

export interface ContractOptions {
  /** How many concurrent single-event transactions the ordering stress test commits. */
  stressTransactions?: number;
}

export function newEvent(type = 'Happened', data: Record<string, unknown> = {}): EventToAppend {
  return { id: randomUUID(), type, data, metadata: { correlationId: randomUUID() } };
}

/** Pulls subscription messages until `done` says so. Fails the test after `timeoutMs`. */
export async function collectUntil(
  subscription: Subscription,
  done: (messages: SubscriptionMessage[]) => boolean,
  timeoutMs = 15_000,
): Promise<SubscriptionMessage[]> {
  const messages: SubscriptionMessage[] = [];
  const timer = setTimeout(() => void subscription.close(), timeoutMs);
  try {
    for await (const message of subscription) {
      messages.push(message);
      if (done(messages)) break;
    }
  } finally {
    clearTimeout(timer);
    await subscription.close();
  }
  if (!done(messages))
    throw new Error(`subscription ended before the condition held (${messages.length} messages)`);
  return messages;
}

const eventsOf = (messages: SubscriptionMessage[]): RecordedEvent[] =>
  messages.flatMap((message) => (message.kind === 'event' ? [message.event] : []));

/** The behaviour every EventStore adapter must have. */
export function describeEventStoreContract(
  name: string,
  factory: () => Promise<EventStoreFixture>,
  options: ContractOptions = {},
): void {
  describe(`EventStore contract: ${name}`, () => {
    let fixture: EventStoreFixture;
    let store: EventStore;
    // Each test writes to its own streams (and filters by them) so tests share one store.
    let prefix: string;
    const stream = (suffix: string) => `${prefix}${suffix}`;

    beforeAll(async () => {
      fixture = await factory();
      store = fixture.store;
    });
    afterAll(async () => {
      await fixture?.dispose();
    });
    const fresh = () => {
      prefix = `t${randomUUID().replaceAll('-', '').slice(0, 12)}`;
    };

    it('appends and reads back a stream in revision order', async () => {
      fresh();
      const events = [newEvent('A', { n: 1 }), newEvent('B', { n: 2, nested: { ok: true } })];
      const result = await store.append(stream('-1'), events, { expectedRevision: 'no_stream' });
      expect(result.nextExpectedRevision).toBe(1);
      const read = await store.readStream(stream('-1'));
      expect(read.map((e) => [e.id, e.type, e.data, e.revision, e.streamName])).toEqual([
        [events[0]!.id, 'A', { n: 1 }, 0, stream('-1')],
        [events[1]!.id, 'B', { n: 2, nested: { ok: true } }, 1, stream('-1')],
      ]);
      expect(read[0]!.metadata).toEqual(events[0]!.metadata);
      expect(read[0]!.position < read[1]!.position).toBe(true);
      expect(read[1]!.position).toBe(result.position);
      expect(read[0]!.recordedAt).toBeInstanceOf(Date);
      expect(await store.readStream(stream('-1'), { fromRevision: 1 })).toHaveLength(1);
      expect(await store.readStream(stream('-1'), { fromRevision: 0, maxCount: 1 })).toHaveLength(1);
    });

    it('reads a stream that does not exist as empty', async () => {
      fresh();
      expect(await store.readStream(stream('-missing'))).toEqual([]);
    });

    it('checks every kind of expected revision and reports the actual one', async () => {
      fresh();
      const s = stream('-rev');
      await expect(store.append(s, [newEvent()], { expectedRevision: 'exists' })).rejects.toMatchObject({
        name: 'WrongExpectedRevisionError',
        actual: 'no_stream',
      });
      await expect(store.append(s, [newEvent()], { expectedRevision: 0 })).rejects.toBeInstanceOf(
        WrongExpectedRevisionError,
      );
      await store.append(s, [newEvent()], { expectedRevision: 'no_stream' });
      await expect(store.append(s, [newEvent()], { expectedRevision: 'no_stream' })).rejects.toMatchObject({
        actual: 0,
        expected: 'no_stream',
      });
      expect((await store.append(s, [newEvent()], { expectedRevision: 0 })).nextExpectedRevision).toBe(1);
      await expect(store.append(s, [newEvent()], { expectedRevision: 0 })).rejects.toMatchObject({
        actual: 1,
      });
      expect((await store.append(s, [newEvent()], { expectedRevision: 'exists' })).nextExpectedRevision).toBe(
        2,
      );
      expect((await store.append(s, [newEvent()], { expectedRevision: 'any' })).nextExpectedRevision).toBe(3);
      expect(
        (await store.append(stream('-any'), [newEvent()], { expectedRevision: 'any' })).nextExpectedRevision,
      ).toBe(0);
      expect(await store.readStream(s)).toHaveLength(4);
    });

    it('writes the same event ids once when an append is retried', async () => {
      fresh();
      const s = stream('-idem');
      const events = [newEvent(), newEvent()];
      const first = await store.append(s, events, { expectedRevision: 'no_stream' });
      const retry = await store.append(s, events, { expectedRevision: 'no_stream' });
      expect(retry).toEqual(first);
      const next = [newEvent()];
      const second = await store.append(s, next, { expectedRevision: 1 });
      expect(await store.append(s, next, { expectedRevision: 1 })).toEqual(second);
      expect((await store.readStream(s)).map((e) => e.id)).toEqual([...events, ...next].map((e) => e.id));
    });

    it('keeps appends atomic: a refused append writes none of its events', async () => {
      fresh();
      const s = stream('-atomic');
      await store.append(s, [newEvent()], { expectedRevision: 'no_stream' });
      await expect(store.append(s, [newEvent(), newEvent()], { expectedRevision: 5 })).rejects.toBeInstanceOf(
        WrongExpectedRevisionError,
      );
      expect(await store.readStream(s)).toHaveLength(1);
    });

    it('lets exactly one of two racing appends with the same expected revision win', async () => {
      fresh();
      const s = stream('-race');
      await store.append(s, [newEvent()], { expectedRevision: 'no_stream' });
      const results = await Promise.allSettled(
        Array.from({ length: 8 }, () => store.append(s, [newEvent()], { expectedRevision: 0 })),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results)
        if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(WrongExpectedRevisionError);
      expect(await store.readStream(s)).toHaveLength(2);
    });

    it('reads all streams in commit order, filtered by stream and event type prefixes', async () => {
      fresh();
      const before = await store.headPosition();
      await store.append(stream('a-1'), [newEvent('FileUploaded'), newEvent('FileRenamed')], {
        expectedRevision: 'no_stream',
      });
      await store.append(stream('b-1'), [newEvent('FolderCreated')], { expectedRevision: 'no_stream' });
      await store.append(stream('a-2'), [newEvent('FileUploaded')], { expectedRevision: 'no_stream' });
      const all = await store.readAll({ from: before, filter: { streamNamePrefixes: [prefix] } });
      expect(all.map((e) => `${e.streamName.slice(prefix.length)}:${e.type}`)).toEqual([
        'a-1:FileUploaded',
        'a-1:FileRenamed',
        'b-1:FolderCreated',
        'a-2:FileUploaded',
      ]);
      const onlyA = await store.readAll({ from: before, filter: { streamNamePrefixes: [stream('a-')] } });
      expect(onlyA).toHaveLength(3);
      const files = await store.readAll({
        from: before,
        filter: { streamNamePrefixes: [prefix], eventTypePrefixes: ['File'] },
      });
      expect(files.map((e) => e.type)).toEqual(['FileUploaded', 'FileRenamed', 'FileUploaded']);
      const page = await store.readAll({
        from: all[1]!.position,
        filter: { streamNamePrefixes: [prefix] },
        maxCount: 1,
      });
      expect(page.map((e) => e.id)).toEqual([all[2]!.id]);
      expect(await store.headPosition()).toBe(all[3]!.position);
    });

    it('catches up from the start, reports caught_up, then delivers live events', async () => {
      fresh();
      for (let i = 0; i < 10; i++)
        await store.append(stream(`-${i}`), [newEvent()], { expectedRevision: 'no_stream' });
      const subscription = store.subscribeAll({ from: START, filter: { streamNamePrefixes: [prefix] } });
      let appended = false;
      const messages = await collectUntil(subscription, (received) => {
        if (!appended && received.some((m) => m.kind === 'caught_up')) {
          appended = true;
          void (async () => {
            for (let i = 10; i < 15; i++) {
              await store.append(stream(`-${i}`), [newEvent()], { expectedRevision: 'no_stream' });
            }
          })();
        }
        return eventsOf(received).length >= 15;
      });
      const caughtUpAt = messages.findIndex((m) => m.kind === 'caught_up');
      expect(eventsOf(messages.slice(0, caughtUpAt))).toHaveLength(10);
      expect(eventsOf(messages).map((e) => e.streamName)).toEqual(
        Array.from({ length: 15 }, (_, i) => stream(`-${i}`)),
      );
    });

    it('resumes a subscription exactly after the last position it handled', async () => {
      fresh();
      for (let i = 0; i < 6; i++)
        await store.append(stream(`-${i}`), [newEvent()], { expectedRevision: 'no_stream' });
      const filter = { streamNamePrefixes: [prefix] };
      const firstThree = eventsOf(
        await collectUntil(store.subscribeAll({ filter }), (m) => eventsOf(m).length >= 3),
      ).slice(0, 3);
      const rest = eventsOf(
        await collectUntil(
          store.subscribeAll({ from: firstThree[2]!.position, filter }),
          (m) => eventsOf(m).length >= 3,
        ),
      );
      expect([...firstThree, ...rest].map((e) => e.streamName)).toEqual(
        Array.from({ length: 6 }, (_, i) => stream(`-${i}`)),
      );
    });

    it('moves its checkpoint past events the filter skips', async () => {
      fresh();
      await store.append(stream('-skipped'), [newEvent(), newEvent()], { expectedRevision: 'no_stream' });
      const head = await store.headPosition();
      const messages = await collectUntil(
        store.subscribeAll({ filter: { streamNamePrefixes: [`${prefix}-nothing-matches`] } }),
        (received) => received.some((m) => m.kind !== 'event' && m.position >= head),
      );
      expect(eventsOf(messages)).toEqual([]);
    });

    it('delivers every event exactly once, in readAll order, under concurrent writers', async () => {
      fresh();
      const transactions = options.stressTransactions ?? 200;
      const from = await store.headPosition();
      const filter = { streamNamePrefixes: [prefix] };
      const subscription = store.subscribeAll({ from, filter });
      const received = collectUntil(subscription, (m) => eventsOf(m).length >= transactions, 120_000);
      const writers = 16;
      await Promise.all(
        Array.from({ length: writers }, async (_, writer) => {
          for (let i = writer; i < transactions; i += writers) {
            await store.append(stream(`-${i}`), [newEvent('Stress', { i })], {
              expectedRevision: 'no_stream',
            });
          }
        }),
      );
      const delivered = eventsOf(await received);
      const read = await store.readAll({ from, filter });
      expect(delivered).toHaveLength(transactions);
      expect(new Set(delivered.map((e) => e.id)).size).toBe(transactions);
      expect(delivered.map((e) => e.id)).toEqual(read.map((e) => e.id));
      const positions: Position[] = delivered.map((e) => e.position);
      expect(positions.every((p, i) => i === 0 || positions[i - 1]! < p)).toBe(true);
    });
  });
}
