import { createHash } from 'node:crypto';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { StoredFileLocation } from './file-part-source.ts';
import { PartFetchError } from './part-scheduler.ts';
import { MIB } from './plan.ts';
import type { ByteRange } from './range.ts';
import { createStreamMetrics } from './stream.metrics.ts';
import { type FileByteStream, StreamEngine, type StreamEngineOptionsInput } from './stream-engine.ts';
import { FakeFilePartSource, fakeFileBytes, fakeLocation } from './testing/fake-file-part-source.ts';

const sources: FakeFilePartSource[] = [];

afterEach(() => {
  // Every test doubles as a check that the engine never sent Telegram an illegal getFile.
  for (const source of sources.splice(0)) expect(source.violations).toEqual([]);
});

function setup(bots: string[], options: StreamEngineOptionsInput = {}, latencyMs = 0) {
  const source = new FakeFilePartSource(bots, { latencyMs });
  sources.push(source);
  const registry = new Registry();
  const engine = new StreamEngine(source, options, createStreamMetrics(registry));
  return { source, engine, registry };
}

async function metricValue(registry: Registry, name: string): Promise<number> {
  const metric = await registry.getSingleMetric(name)?.get();
  return (metric?.values ?? []).reduce((sum, value) => sum + value.value, 0);
}

function sha256(chunks: Iterable<Uint8Array>): string {
  const hash = createHash('sha256');
  for (const chunk of chunks) hash.update(chunk);
  return hash.digest('hex');
}

/** The expected bytes of `[start, end]`, hashed 8 MiB at a time so that big ranges cost no memory. */
function expectedHash(location: StoredFileLocation, range: ByteRange): string {
  const hash = createHash('sha256');
  for (let at = range.start; at <= range.end; at += 8 * MIB) {
    hash.update(fakeFileBytes(location, at, Math.min(range.end + 1, at + 8 * MIB)));
  }
  return hash.digest('hex');
}

async function streamedHash(stream: FileByteStream): Promise<{ hash: string; length: number }> {
  const hash = createHash('sha256');
  let length = 0;
  for await (const chunk of stream) {
    hash.update(chunk);
    length += chunk.length;
  }
  return { hash: hash.digest('hex'), length };
}

async function readAll(stream: FileByteStream): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** mulberry32: a seeded generator, so a failing range can be replayed. */
function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Ranges that hit the edges: first and last bytes, block boundaries, single bytes, suffixes, random spans. */
function interestingRanges(
  size: number,
  count: number,
  random: () => number,
  maxLength: number,
): ByteRange[] {
  const pick = (max: number) => Math.floor(random() * (max + 1));
  const length = () => 1 + pick(random() < 0.5 ? 4095 : maxLength - 1);
  const boundary = () =>
    Math.min(
      size - 1,
      Math.max(0, pick(Math.floor((size - 1) / MIB)) * MIB + [-1, 0, 1, 1023, 1024][pick(4)]!),
    );
  const from = (start: number, n: number) => ({ start, end: Math.min(size - 1, start + n - 1) });
  const until = (end: number, n: number) => ({ start: Math.max(0, end - n + 1), end });
  const kinds = [
    () => from(pick(size - 1), 1),
    () => until(size - 1, length()), // suffix
    () => from(boundary(), length()),
    () => until(boundary(), length()),
    () => from(pick(size - 1), length()),
  ];
  const ranges: ByteRange[] = [from(0, 1), from(size - 1, 1), from(0, 2)];
  while (ranges.length < count) ranges.push(kinds[pick(kinds.length - 1)]!());
  return ranges;
}

describe('StreamEngine', () => {
  it('streams 1,000 edge and random ranges of files of 0 B to 300 MiB with the exact bytes', async () => {
    const { source, engine } = setup(['a', 'b', 'c'], { memoryBudgetBytes: 48 * MIB, windowBytes: 4 * MIB });
    const random = seededRandom(20240305);
    const files = [1, MIB, MIB + 1, 300 * MIB + 12_345].map((size, n) =>
      source.addFile(fakeLocation(size, n + 1)),
    );
    const cases = files.flatMap((location) =>
      interestingRanges(location.size, 250, random, location.size > 100 * MIB ? 3 * MIB : location.size).map(
        (range) => ({ location, range }),
      ),
    );
    expect(cases).toHaveLength(1000);

    // Eight readers at a time, so that blocks are shared and evicted while others read them.
    let next = 0;
    const reader = async () => {
      for (let index = next++; index < cases.length; index = next++) {
        const { location, range } = cases[index]!;
        const { hash, length } = await streamedHash(engine.open(location, range));
        expect({ index, range, length }).toEqual({ index, range, length: range.end - range.start + 1 });
        expect(hash, `range ${range.start}-${range.end} of ${location.size}`).toBe(
          expectedHash(location, range),
        );
      }
    };
    await Promise.all(Array.from({ length: 8 }, reader));

    const empty = source.addFile(fakeLocation(0, 9));
    expect(await readAll(engine.open(empty))).toHaveLength(0);
    expect(source.inFlight()).toBe(0);
    expect(engine.memoryBytes).toBeLessThanOrEqual(48 * MIB);
  });

  it('streams a whole 300 MiB file', async () => {
    const { source, engine } = setup(['a', 'b', 'c', 'd']);
    const location = source.addFile(fakeLocation(300 * MIB + 777, 1));
    const { hash, length } = await streamedHash(engine.open(location));
    expect(length).toBe(location.size);
    expect(hash).toBe(expectedHash(location, { start: 0, end: location.size - 1 }));
    // One small head, then every block once.
    expect(source.calls).toHaveLength(1 + 301);
  });

  it('opens a range at offsets past 4 GiB', async () => {
    const { source, engine } = setup(['a']);
    const location = source.addFile(fakeLocation(2 ** 32 + 10 * MIB, 1));
    const range = { start: 2 ** 32 + 5, end: 2 ** 32 + 3 * MIB };
    expect(sha256([await readAll(engine.open(location, range))])).toBe(expectedHash(location, range));
  });

  it('rejects ranges outside the file', () => {
    const { source, engine } = setup(['a']);
    const location = source.addFile(fakeLocation(10, 1));
    expect(() => engine.open(location, { start: 5, end: 10 })).toThrow(RangeError);
    expect(() => engine.open(fakeLocation(0), { start: 0, end: 0 })).toThrow(RangeError);
  });

  it('rejects options that make no sense', () => {
    expect(() => new StreamEngine(new FakeFilePartSource(['a']), { headBytes: 1000 })).toThrow();
    expect(() => new StreamEngine(new FakeFilePartSource(['a']), { initialConcurrency: 20 })).toThrow();
  });

  describe('sharing', () => {
    it('fetches a block once for two viewers of the same range', async () => {
      const { source, engine, registry } = setup(['a', 'b'], {}, 5);
      const location = source.addFile(fakeLocation(6 * MIB, 1));
      const first = engine.open(location, { start: 100, end: 6 * MIB - 1 });
      const firstChunk = first.next();
      const second = engine.open(location, { start: 100, end: 6 * MIB - 1 });
      const [a, b] = await Promise.all([
        firstChunk.then(async (head) => Buffer.concat([head.value!, await readAll(first)])),
        readAll(second),
      ]);
      expect(Buffer.compare(a, b)).toBe(0);
      expect(source.calls.filter((call) => !call.precise).map((call) => call.offset / MIB)).toEqual([
        0, 1, 2, 3, 4, 5,
      ]);
      expect(await metricValue(registry, 'teleplay_stream_cache_lookups_total')).toBeGreaterThan(6);
    });

    it('serves a seek back from the cache', async () => {
      const { source, engine } = setup(['a']);
      const location = source.addFile(fakeLocation(4 * MIB, 1));
      await readAll(engine.open(location));
      const calls = source.calls.length;
      const range = { start: MIB + 3, end: 3 * MIB };
      expect(sha256([await readAll(engine.open(location, range))])).toBe(expectedHash(location, range));
      expect(source.calls).toHaveLength(calls);
    });
  });

  describe('faults', () => {
    it('moves the rest of a stream to another bot when one gets FLOOD_WAIT mid-stream', async () => {
      const { source, engine, registry } = setup(['a', 'b'], {}, 1);
      const location = source.addFile(fakeLocation(24 * MIB + 5, 1));
      source.injectFault(
        'a',
        { kind: 'flood_wait', seconds: 3600 },
        { when: (request) => request.offset >= 6 * MIB },
      );
      const { hash } = await streamedHash(engine.open(location));
      expect(hash).toBe(expectedHash(location, { start: 0, end: location.size - 1 }));
      const flooded = source.callsTo('a').findIndex((call) => call.offset >= 6 * MIB);
      expect(source.callsTo('a').slice(flooded + 1)).toEqual([]);
      expect(await metricValue(registry, 'teleplay_stream_flood_waits_total')).toBe(1);
    });

    it('waits out a FLOOD_WAIT when no other bot is left', async () => {
      const { source, engine } = setup(['a']);
      const location = source.addFile(fakeLocation(3 * MIB, 1));
      source.injectFault(
        'a',
        { kind: 'flood_wait', seconds: 0.05 },
        { when: (request) => request.offset === MIB },
      );
      expect(sha256([await readAll(engine.open(location))])).toBe(
        expectedHash(location, { start: 0, end: location.size - 1 }),
      );
      const [flood, retry] = source.callsTo('a').filter((call) => call.offset === MIB);
      expect(retry!.at - flood!.at).toBeGreaterThanOrEqual(50);
    });

    it('hedges the head-of-line part when a bot is slow', async () => {
      const { source, engine, registry } = setup(['slow', 'fast'], {
        hedgeMinDelayMs: 20,
        hedgeMaxDelayMs: 40,
        requestTimeoutMs: 60_000,
      });
      source.setBehaviour('slow', { latencyMs: 60_000 });
      const location = source.addFile(fakeLocation(8 * MIB, 1));
      const { hash } = await streamedHash(engine.open(location));
      expect(hash).toBe(expectedHash(location, { start: 0, end: location.size - 1 }));
      expect(source.callsTo('slow').length).toBeGreaterThan(0);
      expect(await metricValue(registry, 'teleplay_stream_hedges_total')).toBeGreaterThan(0);
      await vi.waitFor(() => expect(source.inFlight('slow')).toBe(0));
    }, 10_000);

    it('retries a part on another bot after a timeout', async () => {
      const { source, engine } = setup(['a', 'b'], { requestTimeoutMs: 30, hedgeMaxDelayMs: 60_000 });
      source.injectFault('a', { kind: 'hang' }, { times: 3 });
      const location = source.addFile(fakeLocation(5 * MIB, 1));
      expect(sha256([await readAll(engine.open(location))])).toBe(
        expectedHash(location, { start: 0, end: location.size - 1 }),
      );
      expect(source.inFlight()).toBe(0);
    });

    it('retries errors and answers of the wrong length', async () => {
      const { source, engine, registry } = setup(['a']);
      source.injectFault('a', { kind: 'error' }, { times: 2 });
      source.injectFault('a', { kind: 'short' }, { when: (request) => request.offset === 2 * MIB });
      const location = source.addFile(fakeLocation(4 * MIB, 1));
      expect(sha256([await readAll(engine.open(location))])).toBe(
        expectedHash(location, { start: 0, end: location.size - 1 }),
      );
      expect(await metricValue(registry, 'teleplay_stream_bot_errors_total')).toBe(3);
    });

    it('gives up on a part after too many failures', async () => {
      const { source, engine } = setup(['a', 'b'], { maxAttemptsPerPart: 3 });
      source.injectFault('a', { kind: 'error' }, { times: 100 });
      source.injectFault('b', { kind: 'error' }, { times: 100 });
      const location = source.addFile(fakeLocation(2 * MIB, 1));
      const failure = readAll(engine.open(location));
      await expect(failure).rejects.toBeInstanceOf(PartFetchError);
      await expect(failure).rejects.toMatchObject({ reason: 'exhausted' });
    });

    it('leaves out bots that cannot read the file, and fails when none can', async () => {
      const { source, engine } = setup(['a', 'b']);
      source.injectFault('a', { kind: 'unavailable' });
      const location = source.addFile(fakeLocation(3 * MIB, 1));
      expect(sha256([await readAll(engine.open(location))])).toBe(
        expectedHash(location, { start: 0, end: location.size - 1 }),
      );

      const missing = fakeLocation(MIB, 2); // never added: no bot is in its channel
      await expect(readAll(engine.open(missing))).rejects.toMatchObject({ reason: 'unavailable' });
    });

    it('fails at once without bots', async () => {
      const { source, engine } = setup([]);
      const location = source.addFile(fakeLocation(MIB, 1));
      await expect(readAll(engine.open(location))).rejects.toMatchObject({ reason: 'no-bots' });
    });
  });

  describe('flow control', () => {
    it('stops fetching when the reader stops pulling', async () => {
      const { source, engine } = setup(['a', 'b'], { windowBytes: 4 * MIB });
      const location = source.addFile(fakeLocation(64 * MIB, 1));
      const stream = engine.open(location);
      await stream.next();
      await stream.next();
      await vi.waitFor(() => expect(source.inFlight()).toBe(0));
      const calls = source.calls.length;
      // Head, the first block, and a window of 4 blocks past what was read.
      expect(calls).toBeLessThanOrEqual(2 + 4 + 1);
      expect(engine.memoryBytes).toBeLessThanOrEqual(4 * MIB + MIB);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(source.calls).toHaveLength(calls);
      await stream.return();
    });

    it('cancels requests in flight when the reader returns', async () => {
      const { source, engine, registry } = setup(['a', 'b'], {}, 60_000);
      const location = source.addFile(fakeLocation(32 * MIB, 1));
      const stream = engine.open(location);
      const pending = stream.next();
      await vi.waitFor(() => expect(source.inFlight()).toBeGreaterThan(1));
      await stream.return();
      expect(await pending).toEqual({ done: true, value: undefined });
      await vi.waitFor(() => expect(source.inFlight()).toBe(0));
      expect(await stream.next()).toEqual({ done: true, value: undefined });
      expect(await metricValue(registry, 'teleplay_stream_active')).toBe(0);
      expect(engine.memoryBytes).toBe(0);
    });

    it('cancels requests in flight when the signal aborts', async () => {
      const { source, engine } = setup(['a'], {}, 60_000);
      const location = source.addFile(fakeLocation(32 * MIB, 1));
      const controller = new AbortController();
      const stream = engine.open(location, undefined, { signal: controller.signal });
      const pending = stream.next();
      await vi.waitFor(() => expect(source.inFlight()).toBeGreaterThan(0));
      controller.abort(new Error('client went away'));
      await expect(pending).rejects.toThrow('client went away');
      await vi.waitFor(() => expect(source.inFlight()).toBe(0));
    });

    it('keeps fetching a shared block for the viewer who stays', async () => {
      const { source, engine } = setup(['a'], {}, 20);
      const location = source.addFile(fakeLocation(2 * MIB, 1));
      const leaving = engine.open(location, { start: 0, end: 2 * MIB - 1 });
      const staying = engine.open(location, { start: 0, end: 2 * MIB - 1 });
      const leavingRead = leaving.next();
      const stayingRead = readAll(staying);
      await leaving.return();
      await leavingRead;
      expect(sha256([await stayingRead])).toBe(expectedHash(location, { start: 0, end: 2 * MIB - 1 }));
    });

    it('bounds memory by the global budget when many readers stall', async () => {
      const { source, engine } = setup(['a', 'b'], { memoryBudgetBytes: 3 * MIB, windowBytes: 8 * MIB });
      const streams = [1, 2, 3, 4].map((n) => engine.open(source.addFile(fakeLocation(32 * MIB, n))));
      await Promise.all(streams.map((stream) => stream.next()));
      await vi.waitFor(() => expect(source.inFlight()).toBe(0));
      // Each stream may overdraw by its head-of-line part, so that none starves.
      expect(engine.memoryBytes).toBeLessThanOrEqual(3 * MIB + 4 * MIB);
      // Released budget lets the waiting parts go.
      await Promise.all(streams.slice(1).map((stream) => stream.return()));
      const rest = await readAll(streams[0]!);
      expect(rest.length).toBeGreaterThan(0);
    });

    it('limits each bot to its adaptive concurrency under FLOOD_WAIT pressure', async () => {
      const { source, engine } = setup(['a'], {
        windowBytes: 32 * MIB,
        windowBytesPerBot: 32 * MIB,
        maxConcurrency: 16,
      });
      source.setBehaviour('a', { latencyMs: 2, floodWaitAbove: 6, floodWaitSeconds: 0.01 });
      const location = source.addFile(fakeLocation(48 * MIB, 1));
      expect(sha256([await readAll(engine.open(location))])).toBe(
        expectedHash(location, { start: 0, end: location.size - 1 }),
      );
      expect(source.peakInFlight('a')).toBeLessThanOrEqual(16);
    });
  });
});
