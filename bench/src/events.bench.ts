import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import {
  createPostgresEventStore,
  type EventStore,
  migratePostgresEventStore,
  type Position,
} from '@teleplay/eventstore';
import { benchPostgres, percentile, report, round } from './bench-postgres.ts';

// The Postgres event store: append rates, readAll rate, and subscription delivery latency.
const { values } = parseArgs({
  options: {
    sequential: { type: 'string', default: '3000' },
    concurrent: { type: 'string', default: '16000' },
    streams: { type: 'string', default: '16' },
    latency: { type: 'string', default: '2000' },
  },
});
const sequentialCount = Number(values.sequential);
const concurrentCount = Number(values.concurrent);
const streamCount = Number(values.streams);
const latencyCount = Number(values.latency);

const event = (data: Record<string, unknown>) => ({
  id: randomUUID(),
  type: 'BenchHappened',
  data,
  metadata: { correlationId: randomUUID() },
});

async function appendSequential(store: EventStore): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < sequentialCount; i++) {
    await store.append('bench-sequential', [event({ i })], {
      expectedRevision: i === 0 ? 'no_stream' : i - 1,
    });
  }
  return sequentialCount / ((performance.now() - started) / 1000);
}

async function appendConcurrent(store: EventStore): Promise<number> {
  const perStream = Math.ceil(concurrentCount / streamCount);
  const started = performance.now();
  await Promise.all(
    Array.from({ length: streamCount }, async (_, s) => {
      for (let i = 0; i < perStream; i++) {
        await store.append(`bench-concurrent${s}`, [event({ i })], {
          expectedRevision: i === 0 ? 'no_stream' : i - 1,
        });
      }
    }),
  );
  return (perStream * streamCount) / ((performance.now() - started) / 1000);
}

async function readAllRate(store: EventStore): Promise<number> {
  const started = performance.now();
  let count = 0;
  let from: Position | undefined;
  for (;;) {
    const batch = await store.readAll({ from, maxCount: 5000 });
    if (batch.length === 0) break;
    count += batch.length;
    from = batch.at(-1)!.position;
  }
  return count / ((performance.now() - started) / 1000);
}

async function deliveryLatency(store: EventStore): Promise<number[]> {
  const subscription = store.subscribeAll({
    from: await store.headPosition(),
    filter: { streamNamePrefixes: ['bench-latency'] },
  });
  const latencies: number[] = [];
  const received = (async () => {
    for await (const message of subscription) {
      if (message.kind !== 'event') continue;
      latencies.push(performance.now() - (message.event.data as { sentAt: number }).sentAt);
      if (latencies.length >= latencyCount) break;
    }
  })();
  // Four writers at a steady pace, as a busy instance would see.
  await Promise.all(
    Array.from({ length: 4 }, async (_, w) => {
      for (let i = w; i < latencyCount; i += 4) {
        await store.append(`bench-latency${i}`, [event({ sentAt: performance.now() })], {
          expectedRevision: 'no_stream',
        });
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    }),
  );
  await received;
  await subscription.close();
  return latencies.sort((a, b) => a - b);
}

const database = await benchPostgres('events');
try {
  await migratePostgresEventStore(database.pool);
  const store = createPostgresEventStore(database.pool);
  console.error('appending sequentially…');
  const sequential = await appendSequential(store);
  console.error('appending from 16 concurrent writers…');
  const concurrent = await appendConcurrent(store);
  console.error('reading $all…');
  const readAll = await readAllRate(store);
  console.error('measuring subscription delivery…');
  const latencies = await deliveryLatency(store);
  await store.close();
  report({
    append_sequential_per_s: round(sequential),
    append_concurrent_per_s: round(concurrent),
    read_all_per_s: round(readAll),
    delivery_p50_ms: round(percentile(latencies, 50), 2),
    delivery_p99_ms: round(percentile(latencies, 99), 2),
  });
} finally {
  await database.stop();
}
