import { execFileSync } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { FileDto } from '@teleplay/contracts';
import { makePosition } from '@teleplay/eventstore';
import { LIVE_CHANGES_CHANNEL, migrateProjections } from '@teleplay/projections';
import Fastify from 'fastify';
import type pg from 'pg';
import { WebSocket } from 'ws';
// The backend exports no subpaths yet: the realtime module is imported by path.
import { createChangeFeed } from '../../backend/src/realtime/change-feed.ts';
import { createChangeLoader } from '../../backend/src/realtime/change-loader.ts';
import { migrateRealtime } from '../../backend/src/realtime/realtime.migrations.ts';
import { realtimeRoutes } from '../../backend/src/realtime/realtime.routes.ts';
import { createRealtimeHub } from '../../backend/src/realtime/realtime-hub.ts';
import { benchPostgres, percentile, report, round } from './bench-postgres.ts';

// Live push: a hub on a real database with many sockets; latency from a change's commit (the
// writer's transaction returning, as a command's response would) to the message at each socket of
// the user. The sockets live in a worker thread so the clients do not share the hub's event loop.

interface ClientsConfig {
  url: string;
  sockets: number;
  users: number;
}

/** Absolute time in ms with sub-ms precision, comparable across threads. */
const now = () => performance.timeOrigin + performance.now();
const userIdOf = (index: number) => String(100_000 + index);
const fileIdOf = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

type WorkerMessage =
  | { kind: 'ready'; connectMs: number }
  | { kind: 'received'; arrivals: [string, number][] };

async function runClients({ url, sockets, users }: ClientsConfig): Promise<void> {
  const port = parentPort!;
  const arrivals: [string, number][] = [];
  const started = now();
  const clients: WebSocket[] = [];
  // Connect in waves: a thousand handshakes at once only measures the accept queue.
  for (let wave = 0; wave < sockets; wave += 100) {
    await Promise.all(
      Array.from({ length: Math.min(100, sockets - wave) }, (_, i) => {
        const index = wave + i;
        const socket = new WebSocket(url);
        clients.push(socket);
        return new Promise<void>((resolve, reject) => {
          socket.on('open', () => {
            const userId = userIdOf(index % users);
            socket.send(JSON.stringify({ type: 'Hello', v: 1, accessToken: `${userId}:device-${index}` }));
          });
          socket.on('message', (data) => {
            const at = now();
            const message = JSON.parse(String(data)) as { type: string; position?: string };
            if (message.type === 'Welcome') resolve();
            else if (message.type === 'LibraryFileChanged') arrivals.push([message.position!, at]);
          });
          socket.on('error', reject);
          socket.on('close', (code) => reject(new Error(`socket ${index} closed: ${code}`)));
        });
      }),
    );
  }
  port.postMessage({ kind: 'ready', connectMs: now() - started } satisfies WorkerMessage);
  port.on('message', () => {
    for (const socket of clients) socket.removeAllListeners('close');
    for (const socket of clients) socket.terminate();
    port.postMessage({ kind: 'received', arrivals } satisfies WorkerMessage);
  });
}

function fileCountOf(): number {
  try {
    return Number(execFileSync('sh', ['-c', 'ulimit -n']).toString().trim());
  } catch {
    return Number.NaN;
  }
}

async function startHub(pool: pg.Pool) {
  const feed = createChangeFeed(pool);
  // A loader that reads a row, as the read-model queries will.
  const loadChange = createChangeLoader({
    file: async (userId, fileId) => {
      const result = await pool.query<{ name: string }>(
        'select name from bench_files where user_id = $1 and id = $2',
        [userId, fileId],
      );
      const row = result.rows[0];
      return row ? benchFile(fileId, row.name) : null;
    },
    folder: async () => null,
    progress: async () => null,
    device: async () => null,
    share: async () => null,
  });
  const hub = createRealtimeHub({ feed, loadChange });
  const app = Fastify();
  await app.register(realtimeRoutes, {
    hub,
    authenticate: async (token) => {
      const [userId, deviceId] = token.split(':');
      return userId && deviceId ? { userId, deviceId } : null;
    },
  });
  await hub.start();
  await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    url: `ws://127.0.0.1:${(app.server.address() as AddressInfo).port}/api/ws`,
    async close() {
      await hub.close();
      await app.close();
      await feed.close();
    },
  };
}

function benchFile(id: string, name: string): FileDto {
  const at = '2025-01-01T00:00:00.000Z';
  return {
    id,
    folderId: null,
    name,
    size: 734_003_200,
    mimeType: 'video/x-matroska',
    kind: 'video',
    durationSeconds: 5400,
    width: 1920,
    height: 1080,
    thumbnail: { width: 320, height: 180, size: 12_000 },
    telegram: { channelId: '-1001234567890', messageId: 4242, documentId: '5123456789012345678', dcId: 2 },
    origin: { chatId: '123456789', messageId: 777 },
    uploadedFrom: 'bot',
    trashed: false,
    trashedAt: null,
    trashedWith: null,
    uploadedAt: at,
    updatedAt: at,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sockets: { type: 'string', default: '1000' },
      users: { type: 'string', default: '50' },
      changes: { type: 'string', default: '400' },
      'interval-ms': { type: 'string', default: '10' },
    },
  });
  const sockets = Number(values.sockets);
  const users = Number(values.users);
  const changes = Number(values.changes);
  const intervalMs = Number(values['interval-ms']);

  // Each socket is two descriptors in this process (client and server end), plus the database's.
  const needed = sockets * 2 + 200;
  const limit = fileCountOf();
  console.error(`open file limit ${limit}; this run needs about ${needed}`);
  if (limit < needed) throw new Error(`raise the open file limit first: ulimit -n ${needed}`);

  const database = await benchPostgres('live');
  try {
    await migrateProjections(database.pool);
    await migrateRealtime(database.pool);
    await database.pool.query(
      'create table bench_files (user_id text, id text, name text, primary key (user_id, id))',
    );
    await database.pool.query(
      `insert into bench_files select $1::bigint + u, '00000000-0000-4000-8000-' || lpad(n::text, 12, '0'),
         'Episode ' || n || '.mkv'
       from generate_series(0, $2::int - 1) u, generate_series(0, $3::int - 1) n`,
      [100_000, users, changes],
    );
    const hub = await startHub(database.pool);

    console.error(`connecting ${sockets} sockets for ${users} users…`);
    const worker = new Worker(new URL(import.meta.url), {
      workerData: { url: hub.url, sockets, users } satisfies ClientsConfig,
    });
    const fromWorker = (kind: WorkerMessage['kind']) =>
      new Promise<WorkerMessage>((resolve, reject) => {
        const onMessage = (message: WorkerMessage) => {
          if (message.kind !== kind) return;
          worker.off('message', onMessage);
          resolve(message);
        };
        worker.on('message', onMessage);
        worker.once('error', reject);
      });
    const ready = await fromWorker('ready');
    console.error(
      `connected in ${ready.kind === 'ready' ? round(ready.connectMs) : '?'} ms; writing ${changes} changes…`,
    );

    const committedAt = new Map<string, number>();
    for (let n = 0; n < changes; n++) {
      const userId = userIdOf(n % users);
      const result = await database.pool.query<{ commit_id: string; id: number }>(
        `insert into live_changes (user_id, kind, entity_id, event_position)
         values ($1, 'file', $2, '') returning transaction_id::text as commit_id, id`,
        [userId, fileIdOf(n)],
      );
      const at = now();
      const row = result.rows[0]!;
      committedAt.set(makePosition(BigInt(row.commit_id), BigInt(row.id)), at);
      // The wake-up goes out after the commit, as the projector sends it.
      await database.pool.query('select pg_notify($1, $2)', [LIVE_CHANGES_CHANNEL, '']);
      await sleep(intervalMs);
    }

    // Every change reaches each socket of its user.
    let expected = 0;
    for (let n = 0; n < changes; n++) expected += Math.ceil((sockets - (n % users)) / users);
    await sleep(1000);
    const receivedPromise = fromWorker('received');
    worker.postMessage('report');
    const received = await receivedPromise;
    await worker.terminate();
    await hub.close();

    const arrivals = received.kind === 'received' ? received.arrivals : [];
    const latencies = arrivals
      .map(([position, at]) => at - (committedAt.get(position) ?? Number.NaN))
      .filter((latency) => Number.isFinite(latency))
      .sort((a, b) => a - b);
    console.error(`${arrivals.length} of ${expected} deliveries received`);
    report({
      sockets,
      users,
      changes,
      deliveries: latencies.length,
      missed_deliveries: expected - latencies.length,
      push_p50_ms: round(percentile(latencies, 50), 2),
      push_p99_ms: round(percentile(latencies, 99), 2),
      push_max_ms: round(latencies.at(-1) ?? Number.NaN, 2),
    });
  } finally {
    await database.stop();
  }
}

if (isMainThread) await main();
else await runClients(workerData as ClientsConfig);
