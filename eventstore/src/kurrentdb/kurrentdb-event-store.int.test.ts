import { randomUUID } from 'node:crypto';
import { KurrentDbContainer, type StartedKurrentDbContainer } from '@testcontainers/kurrentdb';
import { getContainerRuntimeClient } from 'testcontainers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type EventStore,
  type Position,
  START,
  type SubscriptionMessage,
  WrongExpectedRevisionError,
} from '../event-store.ts';
import { collectUntil, describeEventStoreContract, newEvent } from '../testing/contract.ts';
import { createKurrentDbEventStore } from './kurrentdb-event-store.ts';
import { type KurrentDbStandIn, startKurrentDbStandIn } from './testing/kurrentdb-stand-in.ts';

async function standInFixture() {
  // With the category projection the stand-in interleaves `$ce-` links in `$all`, as a real node does.
  const standIn = await startKurrentDbStandIn({ categoryProjection: true });
  const store = createKurrentDbEventStore(standIn.connectionString);
  return {
    store,
    standIn,
    dispose: async () => {
      await store.close();
      await standIn.stop();
    },
  };
}

describeEventStoreContract('kurrentdb adapter on the gRPC stand-in', standInFixture, {
  stressTransactions: 1000,
});

describe('kurrentdb adapter', () => {
  let fixture: { store: EventStore; standIn: KurrentDbStandIn; dispose(): Promise<void> };
  let prefix: string;
  beforeAll(async () => {
    fixture = await standInFixture();
  });
  afterAll(() => fixture.dispose());
  const fresh = () => {
    prefix = `k${randomUUID().replaceAll('-', '').slice(0, 12)}`;
    return prefix;
  };

  it("hides KurrentDB's own streams from reads, subscriptions and the head position", async () => {
    const { store } = fixture;
    fresh();
    await store.append(`${prefix}-1`, [newEvent('A'), newEvent('B')], { expectedRevision: 'no_stream' });
    const all = await store.readAll();
    expect(all.length).toBeGreaterThanOrEqual(2);
    expect(all.filter((event) => event.streamName.startsWith('$'))).toEqual([]);
    const messages = await collectUntil(store.subscribeAll(), (received) =>
      received.some((m) => m.kind === 'caught_up'),
    );
    expect(messages.filter((m) => m.kind === 'event' && m.event.streamName.startsWith('$'))).toEqual([]);
    expect(await store.headPosition()).toBe(all.at(-1)?.position);
  });

  it('pages through events the server-side filter cannot drop when filtering on both dimensions', async () => {
    const { store } = fixture;
    fresh();
    const from = await store.headPosition();
    await store.append(`${prefix}-1`, [newEvent('Other'), newEvent('Other'), newEvent('Other')], {
      expectedRevision: 'no_stream',
    });
    await store.append(
      `${prefix}-2`,
      [newEvent('FileUploaded'), newEvent('Other'), newEvent('FileRenamed')],
      {
        expectedRevision: 'no_stream',
      },
    );
    const filter = { streamNamePrefixes: [prefix], eventTypePrefixes: ['File'] };
    expect((await store.readAll({ from, filter, maxCount: 1 })).map((e) => e.type)).toEqual(['FileUploaded']);
    expect((await store.readAll({ from, filter, maxCount: 2 })).map((e) => e.type)).toEqual([
      'FileUploaded',
      'FileRenamed',
    ]);
    const messages = await collectUntil(store.subscribeAll({ from, filter }), (m) =>
      m.some((x) => x.kind === 'caught_up'),
    );
    expect(messages.flatMap((m) => (m.kind === 'event' ? [m.event.type] : []))).toEqual([
      'FileUploaded',
      'FileRenamed',
    ]);
  });

  it('keeps checkpoints and caught_up behind the events sent before them when the consumer lags', async () => {
    const { store } = fixture;
    fresh();
    const from = await store.headPosition();
    for (let i = 0; i < 5; i++) {
      await store.append(
        `${prefix}-${i}`,
        Array.from({ length: 20 }, () => newEvent()),
        { expectedRevision: 'no_stream' },
      );
    }
    const subscription = store.subscribeAll({ from, filter: { streamNamePrefixes: [prefix] } });
    const iterator = subscription[Symbol.asyncIterator]();
    const first = await iterator.next();
    // Let the client buffer the rest of the catch-up (and the markers) before reading on.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const messages = [first.value as SubscriptionMessage];
    while (!messages.some((m) => m.kind === 'caught_up'))
      messages.push((await iterator.next()).value as SubscriptionMessage);
    await subscription.close();
    const caughtUpAt = messages.findIndex((m) => m.kind === 'caught_up');
    expect(messages.slice(0, caughtUpAt).filter((m) => m.kind === 'event')).toHaveLength(100);
    let last = from;
    for (const message of messages) {
      const position = message.kind === 'event' ? message.event.position : message.position;
      expect(position >= last).toBe(true);
      last = position;
    }
  });

  it('checks the expectation of an empty append without writing', async () => {
    const { store } = fixture;
    const stream = `${fresh()}-empty`;
    expect((await store.append(stream, [], { expectedRevision: 'no_stream' })).nextExpectedRevision).toBe(-1);
    await store.append(stream, [newEvent()], { expectedRevision: 'no_stream' });
    const checked = await store.append(stream, [], { expectedRevision: 0 });
    expect(checked.nextExpectedRevision).toBe(0);
    await expect(store.append(stream, [], { expectedRevision: 3 })).rejects.toMatchObject({
      actual: 0,
      expected: 3,
    });
    expect(await store.readStream(stream)).toHaveLength(1);
  });

  it('round-trips JSON metadata and data, including null, and lowercases event ids', async () => {
    const { store } = fixture;
    const stream = `${fresh()}-json`;
    const upper = randomUUID().toUpperCase();
    await store.append(
      stream,
      [
        { id: upper, type: 'Nulls', data: null, metadata: null },
        { id: randomUUID(), type: 'Values', data: ['a', 1, { b: true }], metadata: { traceId: 'x' } },
      ],
      { expectedRevision: 'no_stream' },
    );
    const read = await store.readStream(stream);
    expect(read.map((e) => [e.id, e.data, e.metadata])).toEqual([
      [upper.toLowerCase(), null, null],
      [read[1]?.id, ['a', 1, { b: true }], { traceId: 'x' }],
    ]);
    expect(read[0]?.recordedAt.getMilliseconds()).toBe(0);
  });

  it('refuses malformed input with typed errors before anything reaches the server', async () => {
    const { store } = fixture;
    const stream = `${fresh()}-bad`;
    const event = newEvent();
    await expect(
      store.append(stream, [{ ...event, id: 'not-a-uuid' }], { expectedRevision: 'any' }),
    ).rejects.toThrow(TypeError);
    await expect(
      store.append(stream, [{ ...event, data: { size: 1n } }], { expectedRevision: 'any' }),
    ).rejects.toThrow(TypeError);
    await expect(store.append(stream, [{ ...event, type: '' }], { expectedRevision: 'any' })).rejects.toThrow(
      TypeError,
    );
    await expect(store.append(stream, [event], { expectedRevision: -1 })).rejects.toThrow(RangeError);
    await expect(store.readStream(stream, { fromRevision: 1.5 })).rejects.toThrow(RangeError);
    await expect(store.readAll({ maxCount: -1 })).rejects.toThrow(RangeError);
    await expect(store.readAll({ from: 'latest' as Position })).rejects.toThrow(TypeError);
    expect(() => store.subscribeAll({ from: '12' as Position })).toThrow(TypeError);
    expect(await store.readStream(stream)).toEqual([]);
    await store.append(stream, [event], { expectedRevision: 'no_stream' });
    expect(await store.readStream(stream)).toHaveLength(1);
  });

  it('maps a conflict on stream_exists and on a stale revision to the typed error', async () => {
    const { store } = fixture;
    const stream = `${fresh()}-conflict`;
    const error = await store
      .append(stream, [newEvent()], { expectedRevision: 'exists' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WrongExpectedRevisionError);
    expect(error).toMatchObject({ streamName: stream, expected: 'exists', actual: 'no_stream' });
  });
});

describe('kurrentdb adapter lifecycle', () => {
  it('ends open subscriptions when the store closes', async () => {
    const { store, standIn } = await standInFixture();
    const subscription = store.subscribeAll();
    const received: SubscriptionMessage[] = [];
    const iterating = (async () => {
      for await (const message of subscription) received.push(message);
    })();
    await store.append(`lifecycle-${randomUUID()}`, [newEvent()], { expectedRevision: 'no_stream' });
    await store.close();
    await iterating;
    await standIn.stop();
  });

  it('fails an open subscription when the node goes away, so its owner can resubscribe', async () => {
    const { store, standIn } = await standInFixture();
    const iterator = store.subscribeAll({ from: START })[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toMatchObject({ kind: 'caught_up' });
    await standIn.stop();
    await expect(iterator.next()).rejects.toThrow();
    await store.close();
  });
});

/* ------------------------------------------------ the same contract against a real KurrentDB 26 */

const KURRENTDB_IMAGE = process.env.KURRENTDB_IMAGE ?? 'kurrentplatform/kurrentdb:26.0';

/** True when a container engine answers; otherwise why not. */
async function findContainerRuntime(): Promise<true | string> {
  try {
    await getContainerRuntimeClient();
    return true;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

const containerRuntime = await findContainerRuntime();
if (containerRuntime !== true) {
  console.warn(
    `Skipping the event store contract against a real KurrentDB (${KURRENTDB_IMAGE}): no container engine (${containerRuntime}).`,
  );
}

describe.skipIf(containerRuntime !== true)(`real KurrentDB (${KURRENTDB_IMAGE} via testcontainers)`, () => {
  let container: StartedKurrentDbContainer;
  beforeAll(async () => {
    container = await new KurrentDbContainer(KURRENTDB_IMAGE).start();
  }, 300_000);
  afterAll(async () => {
    await container?.stop();
  });

  describeEventStoreContract('kurrentdb adapter on KurrentDB 26', async () => {
    const store = createKurrentDbEventStore(container.getConnectionString());
    return { store, dispose: () => store.close() };
  });
});
