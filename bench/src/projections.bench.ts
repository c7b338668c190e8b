import { parseArgs } from 'node:util';
import { createPostgresEventStore, migratePostgresEventStore } from '@teleplay/eventstore';
import { createKysely } from '@teleplay/postgres';
import {
  createCheckpointWatcher,
  migrateProjections,
  readModels,
  rebuildProjection,
  rebuildProjections,
  startProjector,
} from '@teleplay/projections';
import { benchPostgres, percentile, report, round } from './bench-postgres.ts';
import { generateHistory } from './library-history.ts';

// Rebuild rate of every read model over a generated history, and live lag from append to read model.
const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '100' },
    'events-per-user': { type: 'string', default: '5000' },
    'live-events': { type: 'string', default: '300' },
    // One read model after the other, each reading the store itself: per-model wall times.
    sequential: { type: 'boolean', default: false },
  },
});
const users = Number(values.users);
const eventsPerUser = Number(values['events-per-user']);
const liveEvents = Number(values['live-events']);

const database = await benchPostgres('projections');
try {
  await migratePostgresEventStore(database.pool);
  await migrateProjections(database.pool);
  const store = createPostgresEventStore(database.pool);
  const db = createKysely<unknown>(database.pool);

  console.error(`generating and appending ${users} × ${eventsPerUser} events…`);
  const streams = generateHistory(users, eventsPerUser);
  let total = 0;
  await Promise.all(
    Array.from({ length: 8 }, async (_, worker) => {
      for (let s = worker; s < streams.length; s += 8) {
        const { streamName, events } = streams[s]!;
        for (let i = 0; i < events.length; i += 500) {
          const chunk = events.slice(i, i + 500);
          await store.append(streamName, chunk, { expectedRevision: i === 0 ? 'no_stream' : i - 1 });
          total += chunk.length;
        }
      }
    }),
  );

  console.error(`rebuilding ${readModels.length} read models over ${total} events…`);
  const started = performance.now();
  if (values.sequential) {
    for (const projection of readModels) {
      const t = performance.now();
      const result = await rebuildProjection({ db, store, projection });
      console.error(
        `  ${projection.name}: ${result.events} events in ${((performance.now() - t) / 1000).toFixed(1)} s`,
      );
    }
  } else {
    // All read models at once: one read of the store, each model applying its share of every batch
    // in its own transactions, side by side (the node process and PostgreSQL busy together).
    await rebuildProjections({
      db,
      store,
      projections: readModels,
      log: {
        info: (
          details: { projection?: string; events?: number; applySeconds?: number },
          message?: string,
        ) => {
          if (message !== 'rebuilt and swapped in') return;
          console.error(
            `  ${details.projection}: ${details.events} events, ${details.applySeconds?.toFixed(1)} s in its transactions`,
          );
        },
        warn: () => {},
        error: (details) => console.error(details),
      },
    });
  }
  const rebuildSeconds = (performance.now() - started) / 1000;

  console.error('measuring live lag…');
  const projectors = readModels.map((projection) =>
    startProjector({ pool: database.pool, store, projection }),
  );
  const watcher = createCheckpointWatcher(database.pool);
  await watcher.waitFor(
    readModels.map((projection) => projection.name),
    await store.headPosition(),
    60_000,
  );
  const live = generateHistory(1, liveEvents, 99).flatMap((stream) =>
    stream.events.map((event, index) => ({
      stream: stream.streamName.replace('100000000', '199999999'),
      event,
      index,
    })),
  );
  const lags: number[] = [];
  const revisions = new Map<string, number>();
  for (const { stream, event } of live) {
    const names = readModels.filter((p) => p.eventTypes.includes(event.type as never)).map((p) => p.name);
    const revision = revisions.get(stream) ?? -1;
    const sent = performance.now();
    const { position } = await store.append(stream, [event], {
      expectedRevision: revision < 0 ? 'no_stream' : revision,
    });
    revisions.set(stream, revision + 1);
    if (!(await watcher.waitFor(names, position, 10_000)))
      throw new Error('a read model did not catch up in 10 s');
    lags.push(performance.now() - sent);
  }
  await watcher.close();
  await Promise.all(projectors.map((projector) => projector.stop()));
  await store.close();
  lags.sort((a, b) => a - b);
  report({
    events: total,
    rebuild_events_per_s: round(total / rebuildSeconds),
    live_lag_p50_ms: round(percentile(lags, 50), 2),
    live_lag_p99_ms: round(percentile(lags, 99), 2),
  });
} finally {
  await database.stop();
}
