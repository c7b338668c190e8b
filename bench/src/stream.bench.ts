import { type ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import type { ChannelPostView, StateView } from '@teleplay/sandbox';
import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { Registry } from 'prom-client';
import { tuneGarbageCollectionForStreaming } from '../../backend/src/gc-tuning.ts';
// The backend exports no subpaths yet: its modules are imported by path.
import { createTokenSigner } from '../../backend/src/modules/auth/auth.tokens.ts';
import { type MediaFile, streamRoutes } from '../../backend/src/modules/media/stream.routes.ts';
import { errorsPlugin } from '../../backend/src/plugins/errors.plugin.ts';
import {
  createStreamMetrics,
  type FilePartSource,
  StreamEngine,
  type StreamEngineOptionsInput,
} from '../../backend/src/stream/index.ts';
import {
  createTelegramGateway,
  sandboxTelegramSettings,
  type TelegramSessionStore,
  type UpdateState,
} from '../../backend/src/telegram/index.ts';
import { percentile, report, round } from './bench-postgres.ts';

// Streaming from Telegram: the stream routes, engine and gateway in this process, against the sandbox
// with its network model in a child process, and the viewers (HTTP clients) in another, so that this
// process's CPU and memory are the server's alone. Prints progress on stderr and one JSON object last.
//
//   node bench/src/stream.bench.ts [--rtt-ms 40] [--conn-mib-s 8] [--jitter-ms 0]
//                                  [--connections-per-bot 1] [--window-mib <engine default>]
//   (from the root, `npm run bench:stream -- -- <options>`: the root script forwards to the workspace's)
//
// Targets (the issue; streaming.md §5): one stream reaches ≥ 0.9 × bots × per-connection rate up to 8
// bots; warm seek TTFB p50 ≤ RTT + 30 ms; ≤ 16 MiB per active stream; ≤ 6 CPU-seconds per GiB.

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;
const BOT_COUNTS = [1, 2, 4, 8] as const;
const OWNER = '5001';
const SECRET = 'stream-bench-secret-0123456789-abcdefghij';
/**
 * Seconds of data each throughput run asks for at the ideal rate, and at least this many windows: parts
 * in flight share a connection and so arrive in bursts, which only a long run averages out.
 */
const THROUGHPUT_SECONDS = 6;
const THROUGHPUT_MIN_WINDOWS = 4;
const WARM_SEEKS = 40;
const COLD_SEEKS = 20;
/** What a seeking player reads before the next seek; the pause lets the connections go idle again. */
const SEEK_READ_BYTES = 256 * 1024;
const SEEK_PAUSE_MS = 400;
const CONCURRENT_STREAMS = 50;
const CONCURRENT_SECONDS = 10;

const USAGE = `Usage: node bench/src/stream.bench.ts [options]   (or from the root: npm run bench:stream -- -- [options])

  --rtt-ms <n>               round trip the sandbox adds to every call (default 40)
  --conn-mib-s <n>           bandwidth of one connection to Telegram in MiB/s (default 8)
  --jitter-ms <n>            extra random delay per call, 0..n ms (default 0)
  --connections-per-bot <n>  download connections each bot opens per DC (default 1)
  --window-mib <n>           bytes one stream may request ahead of its reader (default: the engine's)
  --help                     show this text`;

// ---------------------------------------------------------------------------------------------
// The sandbox, in its own process
// ---------------------------------------------------------------------------------------------

interface SandboxReady {
  kind: 'ready';
  state: StateView;
  controlUrl: string;
}

async function runSandbox(settings: { rttMs: number; jitterMs: number; connMiBs: number }): Promise<void> {
  // Telegram's servers are not short of CPU: the stand-in gets the server's GC setting too.
  tuneGarbageCollectionForStreaming();
  const { listenControlApi, startSandbox } = await import('@teleplay/sandbox');
  const sandbox = await startSandbox({
    seed: 'stream-bench',
    helperBotCount: 7,
    network: {
      rttMs: settings.rttMs,
      jitterMs: settings.jitterMs,
      connectionBytesPerSecond: settings.connMiBs * MIB,
      accountBytesPerSecond: Number.POSITIVE_INFINITY,
    },
  });
  const control = await listenControlApi(sandbox, { host: '127.0.0.1', port: 0 });
  process.send!({ kind: 'ready', state: sandbox.state(), controlUrl: control.url } satisfies SandboxReady);
  process.once('disconnect', () => {
    void control.server.close().then(() => sandbox.close());
  });
}

// ---------------------------------------------------------------------------------------------
// The viewers, in their own process
// ---------------------------------------------------------------------------------------------

interface ViewRequest {
  id: number;
  url: string;
  range?: string;
  /** Close the connection once this many bytes arrived (a seek, or a viewer leaving). */
  stopAfterBytes?: number;
  /** Close the connection after this long. */
  stopAfterMs?: number;
}

interface ViewResult {
  id: number;
  status: number;
  bytes: number;
  firstByteMs: number;
  /** MiB/s from the first chunk (the time to first byte is not throughput) to the last. */
  sustainedMiBs: number;
  error?: string;
}

function view(request: ViewRequest): Promise<ViewResult> {
  const { stopAfterBytes = Number.POSITIVE_INFINITY } = request;
  return new Promise((resolve) => {
    const sentAt = performance.now();
    let bytes = 0;
    let status = 0;
    let firstByteMs = Number.NaN;
    let firstChunkAt = 0;
    let firstChunkBytes = 0;
    let done = false;
    const finish = (error?: string) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      const elapsed = bytes === 0 ? 0 : (performance.now() - firstChunkAt) / 1000;
      resolve({
        id: request.id,
        status,
        bytes,
        firstByteMs,
        sustainedMiBs: elapsed > 0 ? (bytes - firstChunkBytes) / MIB / elapsed : 0,
        ...(error ? { error } : {}),
      });
    };
    const outgoing = http.get(
      request.url,
      { agent: false, headers: request.range ? { range: request.range } : {} },
      (response) => {
        status = response.statusCode ?? 0;
        response.on('data', (chunk: Buffer) => {
          if (bytes === 0) {
            firstChunkAt = performance.now();
            firstByteMs = firstChunkAt - sentAt;
            firstChunkBytes = chunk.length;
          }
          bytes += chunk.length;
          if (bytes >= stopAfterBytes) {
            outgoing.destroy();
            finish();
          }
        });
        response.on('error', () => {});
        response.on('close', () => finish(response.complete ? undefined : 'incomplete'));
      },
    );
    const timer =
      request.stopAfterMs === undefined
        ? undefined
        : setTimeout(() => {
            outgoing.destroy();
            finish();
          }, request.stopAfterMs);
    outgoing.on('error', (error) => finish(error.message));
  });
}

function runViewers(): void {
  process.on('message', (request: ViewRequest) => {
    void view(request).then((result) => process.send!(result));
  });
  process.once('disconnect', () => process.exit(0));
}

// ---------------------------------------------------------------------------------------------
// The server and the measurements, in this process
// ---------------------------------------------------------------------------------------------

/** The sessions of this run only: the sandbox forgets every key when it stops. */
function memorySessions(): TelegramSessionStore {
  const records = new Map<
    string,
    { session: string; dcKeys: Map<number, Buffer>; updateState: UpdateState | undefined }
  >();
  return {
    async load(key) {
      const record = records.get(key.row);
      return record && { ...record, dcKeys: new Map(record.dcKeys) };
    },
    async saveSession(key, _botId, session) {
      const record = records.get(key.row);
      records.set(key.row, {
        session,
        dcKeys: record?.dcKeys ?? new Map(),
        updateState: record?.updateState,
      });
    },
    async saveDcKey(key, dcId, authKey) {
      const keys = records.get(key.row)?.dcKeys;
      if (authKey) keys?.set(dcId, authKey);
      else keys?.delete(dcId);
    },
    async saveUpdateState(key, state) {
      const record = records.get(key.row);
      if (record) record.updateState = state;
    },
  };
}

function spawnRole(role: string, args: string[] = []): ChildProcess {
  return fork(new URL(import.meta.url).pathname, ['--role', role, ...args], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

function firstMessage<T>(child: ChildProcess): Promise<T> {
  return new Promise((resolve, reject) => {
    child.once('message', (message) => resolve(message as T));
    child.once('exit', (code) => reject(new Error(`the ${child.spawnfile} child exited with ${code}`)));
  });
}

/** Sends requests to the viewers' process and matches the answers. */
function viewerClient(child: ChildProcess) {
  let nextId = 0;
  const pending = new Map<number, (result: ViewResult) => void>();
  child.on('message', (result: ViewResult) => {
    pending.get(result.id)?.(result);
    pending.delete(result.id);
  });
  return (request: Omit<ViewRequest, 'id'>) =>
    new Promise<ViewResult>((resolve) => {
      const id = nextId++;
      pending.set(id, resolve);
      child.send({ ...request, id });
    });
}

const log = (message: string) => process.stderr.write(`${message}\n`);
/** CPU time of this process (all its threads: JavaScript, GC helpers, libuv) in and out of the kernel. */
const cpuSeconds = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1e6;

async function runBench(settings: {
  rttMs: number;
  jitterMs: number;
  connMiBs: number;
  connectionsPerBot: number;
  windowMiB: number | undefined;
}): Promise<void> {
  const { rttMs, connMiBs, connectionsPerBot } = settings;
  tuneGarbageCollectionForStreaming();
  const startedAt = performance.now();
  // Wall-clock figures depend on the machine being otherwise idle: the report says how busy it was.
  const loadBefore = os.loadavg()[0]!;
  const sandboxProcess = spawnRole('sandbox', [
    '--rtt-ms',
    String(rttMs),
    '--jitter-ms',
    String(settings.jitterMs),
    '--conn-mib-s',
    String(connMiBs),
  ]);
  const viewers = spawnRole('viewers');
  try {
    const { state, controlUrl } = await firstMessage<SandboxReady>(sandboxProcess);
    const get = viewerClient(viewers);
    log(`sandbox up: ${state.bots.length} bots, rtt ${rttMs} ms, ${connMiBs} MiB/s per connection`);

    const gateway = createTelegramGateway({
      ...sandboxTelegramSettings(state),
      sessions: memorySessions(),
      mediaConnectionsPerDc: connectionsPerBot,
    });
    await gateway.start(async () => {});
    const allBots = gateway.fileParts.bots;
    if (allBots.length !== 8) throw new Error(`expected 8 bots, ${allBots.length} started`);
    log(`gateway up: ${allBots.length} bots logged in`);

    // One engine for the whole run, over the first `activeBots` bots.
    let activeBots = allBots.length;
    const source: FilePartSource = {
      get bots() {
        return allBots.slice(0, activeBots);
      },
      getFilePart: (bot, request, signal) => gateway.fileParts.getFilePart(bot, request, signal),
    };
    const engineOptions: StreamEngineOptionsInput =
      settings.windowMiB === undefined ? {} : { windowBytes: Math.round(settings.windowMiB * MIB) };
    const engine = new StreamEngine(source, engineOptions, createStreamMetrics(new Registry()));
    const files = new Map<string, MediaFile>();
    const signer = createTokenSigner({ secret: SECRET, clock: { now: () => new Date() } });
    const app = Fastify();
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(serializerCompiler);
    await app.register(errorsPlugin);
    await app.register(streamRoutes, {
      engine,
      verifyMediaToken: signer.verifyMediaToken,
      loadFile: async (userId, fileId) => (userId === OWNER ? (files.get(fileId) ?? null) : null),
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

    async function postFile(size: number): Promise<string> {
      const response = await fetch(`${controlUrl}/channel/files`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          generate: { size, seed: randomUUID() },
          fileName: 'film.mkv',
          mimeType: 'video/x-matroska',
        }),
      });
      if (response.status !== 201)
        throw new Error(`posting a file failed: ${response.status} ${await response.text()}`);
      const { post } = (await response.json()) as { post: ChannelPostView };
      const fileId = randomUUID();
      files.set(fileId, {
        name: 'film.mkv',
        mimeType: 'video/x-matroska',
        size,
        thumbnail: null,
        telegram: {
          channelId: String(state.storageChannel.id),
          messageId: post.messageId,
          documentId: post.media!.id,
          dcId: post.media!.dcId,
        },
        uploadedAt: new Date(post.date * 1000).toISOString(),
        trashed: false,
      });
      const { token } = await signer.signMediaToken({
        userId: OWNER,
        fileId,
        purpose: 'stream',
        ttlSeconds: 3600,
      });
      return `${origin}/api/media/${fileId}/stream?token=${encodeURIComponent(token)}`;
    }

    // As large as Telegram allows (8000 parts of 512 KiB, for Premium uploads); its bytes are generated on demand.
    const FILE_SIZE = 4000 * MIB;
    const film = await postFile(FILE_SIZE);
    // Warm up: every bot resolves the file and opens its download connection.
    await Promise.all(
      allBots.map((_, index) => get({ url: film, range: `bytes=${FILE_SIZE - (index + 1) * MIB}-` })),
    );
    // Each phase reads its own, never-read part of the file, so the block cache never answers for Telegram.
    let offset = 0;
    const claim = (bytes: number) => {
      const start = offset;
      offset += bytes;
      if (offset > FILE_SIZE - 8 * MIB) throw new Error('the benchmark file is too small for these settings');
      return start;
    };
    let cpuUsed = 0;
    let cpuSystem = 0;
    let cpuBytes = 0;
    const measureCpu = (since: NodeJS.CpuUsage) => {
      const used = process.cpuUsage(since);
      cpuUsed += cpuSeconds(used);
      cpuSystem += used.system / 1e6;
    };

    // Memory with many viewers at once, each on its own part of the file, reading as fast as it can.
    // Measured against the process before it streamed anything (its block cache all but empty then).
    await sleep(500);
    const baselineRss = process.memoryUsage().rss;
    let peakRss = baselineRss;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }, 100);
    const stride = 32 * MIB;
    const concurrentStart = claim(CONCURRENT_STREAMS * stride);
    let cpu = process.cpuUsage();
    const viewers50 = await Promise.all(
      Array.from({ length: CONCURRENT_STREAMS }, (_, index) =>
        get({
          url: film,
          range: `bytes=${concurrentStart + index * stride}-${concurrentStart + (index + 1) * stride - 1}`,
          stopAfterMs: CONCURRENT_SECONDS * 1000,
        }),
      ),
    );
    clearInterval(sampler);
    measureCpu(cpu);
    const concurrentBytes = viewers50.reduce((sum, result) => sum + result.bytes, 0);
    cpuBytes += concurrentBytes;
    const served = viewers50.filter((result) => result.bytes > 0).length;
    const concurrentTtfb = viewers50.map((result) => result.firstByteMs).filter(Number.isFinite);
    concurrentTtfb.sort((a, b) => a - b);
    log(
      `${CONCURRENT_STREAMS} streams: ${served} got bytes (first byte p50 ${round(percentile(concurrentTtfb, 50))} ms), ` +
        `${round(concurrentBytes / MIB / CONCURRENT_SECONDS)} MiB/s in all, rss ${round(baselineRss / MIB)} → ${round(peakRss / MIB)} MiB`,
    );
    await sleep(1000);

    // Throughput of one stream, per number of bots.
    const throughput: { bots: number; mib_s: number; ideal_mib_s: number }[] = [];
    for (const bots of BOT_COUNTS) {
      activeBots = bots;
      const ideal = bots * connectionsPerBot * connMiBs;
      const length = Math.max(
        Math.round(ideal * THROUGHPUT_SECONDS) * MIB,
        Math.ceil((THROUGHPUT_MIN_WINDOWS * engine.windowBytes) / MIB) * MIB,
      );
      const start = claim(length);
      cpu = process.cpuUsage();
      const result = await get({
        url: film,
        range: `bytes=${start}-${start + length - 1}`,
      });
      measureCpu(cpu);
      cpuBytes += result.bytes;
      if (result.bytes !== length)
        throw new Error(
          `a throughput run got ${result.bytes} of ${length} bytes (${result.error ?? result.status})`,
        );
      throughput.push({ bots, mib_s: round(result.sustainedMiBs), ideal_mib_s: ideal });
      log(`one stream over ${bots} bot(s): ${round(result.sustainedMiBs)} MiB/s (ideal ${ideal})`);
      await sleep(500);
    }
    activeBots = allBots.length;

    // Time to first byte after a seek to a never-read position, with the connections idle again between
    // seeks: warm (the bots know the file, their connections are open), then cold (a file no bot has
    // resolved yet: a channels.getMessages comes first).
    const seekArea = claim(256 * MIB);
    const warm: number[] = [];
    for (let seek = 0; seek < WARM_SEEKS; seek++) {
      const at = seekArea + Math.floor(Math.random() * 248 * MIB);
      warm.push(
        (await get({ url: film, range: `bytes=${at}-`, stopAfterBytes: SEEK_READ_BYTES })).firstByteMs,
      );
      await sleep(SEEK_PAUSE_MS);
    }
    const cold: number[] = [];
    for (let seek = 0; seek < COLD_SEEKS; seek++) {
      const fresh = await postFile(GIB);
      const at = Math.floor(Math.random() * (GIB - MIB));
      cold.push(
        (await get({ url: fresh, range: `bytes=${at}-`, stopAfterBytes: SEEK_READ_BYTES })).firstByteMs,
      );
      await sleep(SEEK_PAUSE_MS);
    }
    warm.sort((a, b) => a - b);
    cold.sort((a, b) => a - b);
    log(
      `first byte after a seek: warm p50 ${round(percentile(warm, 50))} ms, cold p50 ${round(percentile(cold, 50))} ms`,
    );

    await app.close();
    await gateway.stop();
    log(`done in ${round((performance.now() - startedAt) / 1000)} s`);

    const mibPerStream = (peakRss - baselineRss) / MIB / CONCURRENT_STREAMS;
    const cpuPerGib = cpuUsed / (cpuBytes / GIB);
    report({
      benchmark: 'stream',
      rtt_ms: rttMs,
      conn_mib_s: connMiBs,
      connections_per_bot: connectionsPerBot,
      window_mib: engine.options.windowBytes / MIB,
      window_mib_per_bot: engine.options.windowBytesPerBot / MIB,
      throughput,
      ttfb_warm_p50_ms: round(percentile(warm, 50)),
      ttfb_warm_p95_ms: round(percentile(warm, 95)),
      ttfb_cold_p50_ms: round(percentile(cold, 50)),
      ttfb_cold_p95_ms: round(percentile(cold, 95)),
      rss_mib_50_streams: round(peakRss / MIB),
      rss_mib_before_streaming: round(baselineRss / MIB),
      mib_per_stream: round(mibPerStream),
      streams_served_of_50: served,
      mib_s_50_streams: round(concurrentBytes / MIB / CONCURRENT_SECONDS),
      cpu_s_per_gib: round(cpuPerGib, 2),
      // Of which in the kernel (TCP in from Telegram and out to the viewers, over loopback here).
      cpu_system_s_per_gib: round(cpuSystem / (cpuBytes / GIB), 2),
      cpus: os.availableParallelism(),
      load_avg_1m: [round(loadBefore, 2), round(os.loadavg()[0]!, 2)],
      targets_met: {
        throughput: throughput.every((run) => run.mib_s >= 0.9 * run.ideal_mib_s),
        ttfb_warm_p50: percentile(warm, 50) <= rttMs + 30,
        mib_per_stream: mibPerStream <= 16,
        cpu_s_per_gib: cpuPerGib <= 6,
      },
    });
  } finally {
    viewers.disconnect();
    sandboxProcess.disconnect();
  }
}

// ---------------------------------------------------------------------------------------------

function numberOption(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0) throw new Error(`--${name} must be a non-negative number`);
  return parsed;
}

const { values } = parseArgs({
  options: {
    role: { type: 'string', default: 'bench' },
    'rtt-ms': { type: 'string' },
    'jitter-ms': { type: 'string' },
    'conn-mib-s': { type: 'string' },
    'connections-per-bot': { type: 'string' },
    'window-mib': { type: 'string' },
    help: { type: 'boolean' },
  },
});
const settings = {
  rttMs: numberOption(values['rtt-ms'], 40, 'rtt-ms'),
  jitterMs: numberOption(values['jitter-ms'], 0, 'jitter-ms'),
  connMiBs: numberOption(values['conn-mib-s'], 8, 'conn-mib-s'),
  connectionsPerBot: Math.max(
    1,
    Math.round(numberOption(values['connections-per-bot'], 1, 'connections-per-bot')),
  ),
  windowMiB:
    values['window-mib'] === undefined ? undefined : numberOption(values['window-mib'], 0, 'window-mib'),
};
if (values.help) console.log(USAGE);
else if (values.role === 'sandbox') await runSandbox(settings);
else if (values.role === 'viewers') runViewers();
else await runBench(settings);
