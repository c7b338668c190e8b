import { setTimeout as sleep } from 'node:timers/promises';
import type { FaultInput } from '@teleplay/sandbox';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { expectedSha256, type MediaTestBed, startMediaTestBed } from './testing/media-test-bed.ts';

// Telegram misbehaving in the middle of a stream, over HTTP, through the real gateway and the sandbox's
// network model: the viewer must get every byte, with no wait for data longer than 2 seconds (ExoPlayer
// gives up after 8).

const MIB = 1024 * 1024;
const SIZE = 24 * MIB;
const MAX_GAP_MS = 2_000;
/** Slow enough that a stream of SIZE takes a couple of seconds over three bots. */
const NETWORK = { rttMs: 20, jitterMs: 5, connectionBytesPerSecond: 8 * MIB };

let bed: MediaTestBed;

beforeAll(async () => {
  bed = await startMediaTestBed();
});

afterEach(() => {
  bed.sandbox.clearFaults();
  bed.sandbox.updateNetwork(NETWORK);
});

afterAll(async () => {
  await bed?.close();
});

const metricValue = async (name: string) =>
  (await bed.registry.getSingleMetric(name)!.get()).values.reduce((sum, { value }) => sum + value, 0);
const engineInFlight = () => metricValue('teleplay_stream_bot_in_flight');
const botIds = () => bed.gateway.fileParts.bots.map(Number);
const errorsOf = (code: string) =>
  bed.sandbox.counters().bots.reduce((sum, bot) => sum + (bot.errors[code] ?? 0), 0);

/** Streams a fresh file, injects the fault once 6 MiB have arrived, and checks every byte and the gaps. */
async function streamThrough(fault: FaultInput, maxGapMs = MAX_GAP_MS) {
  bed.sandbox.updateNetwork(NETWORK);
  const { fileId, seed } = await bed.postFile(SIZE);
  const response = await bed.request(await bed.mediaPath(fileId, 'stream'), {
    onProgress: { bytes: 6 * MIB, run: async () => void bed.sandbox.injectFault(fault) },
  });
  expect(response.status).toBe(200);
  expect(response.complete).toBe(true);
  expect(response.sha256).toBe(expectedSha256(seed, 0, SIZE));
  expect(response.longestGapMs).toBeLessThan(maxGapMs);
}

describe('a stream through Telegram faults', () => {
  it('moves on to other bots when one answers FLOOD_WAIT mid-stream', async () => {
    const floods = errorsOf('FLOOD_WAIT_X');
    // Waiting out these 10 s would be a gap of 10 s: the part must go to another bot at once.
    await streamThrough({ kind: 'flood_wait', seconds: 10, botId: botIds()[2]! });
    expect(errorsOf('FLOOD_WAIT_X')).toBe(floods + 1);
  });

  it('refreshes expired file references mid-stream', async () => {
    const expired = errorsOf('FILE_REFERENCE_EXPIRED');
    await streamThrough({ kind: 'file_reference_expired' });
    expect(errorsOf('FILE_REFERENCE_EXPIRED')).toBeGreaterThan(expired);
  });

  it('carries on when one bot’s connections to Telegram drop mid-stream', async () => {
    const bot = botIds()[0]!;
    const opened = () =>
      bed.sandbox.counters().bots.find((counters) => counters.botId === bot)!.connections.opened;
    const before = opened();
    await streamThrough({ kind: 'drop_connections', botId: bot });
    expect(opened()).toBeGreaterThan(before);
  });

  it('resumes within ExoPlayer’s 8 s read timeout when every connection drops at once', async () => {
    // No healthy bot is left until teleproto reconnects (about a second): only the 8 s bound applies.
    const opened = () => bed.sandbox.counters().bots.map((bot) => bot.connections.opened);
    const before = opened();
    await streamThrough({ kind: 'drop_connections' }, 8_000);
    const after = opened();
    expect(after.filter((count, index) => count > before[index]!).length).toBeGreaterThan(1);
  });

  it('hedges around a bot that turns slow mid-stream', async () => {
    await streamThrough({ kind: 'slow', delayMs: 6_000, count: 1_000, botId: botIds()[1]! });
    // The bot was asked after it turned slow: each of those calls took 6 s, which no gap shows.
    expect(bed.sandbox.faults()[0]!.remaining).toBeLessThan(1_000);
  });

  it('leaves no getFile in flight 100 ms after the viewer goes away mid-stream', async () => {
    // Calls an earlier test abandoned may still be held up by the sandbox.
    await vi.waitFor(() => expect(bed.getFileInFlight()).toBe(0), { timeout: 10_000 });
    // Quick answers, so that what was sent before the disconnect is answered within the 100 ms; a reader
    // at a player's pace, so that getFile calls go out all along (one per MiB read).
    bed.sandbox.updateNetwork({ rttMs: 10, jitterMs: 0, connectionBytesPerSecond: 64 * MIB });
    const { fileId } = await bed.postFile(300 * MIB);
    const response = await bed.request(await bed.mediaPath(fileId, 'stream'), {
      readBytesPerSecond: 16 * MIB,
      stopAfter: 24 * MIB,
    });
    expect(response.complete).toBe(false);
    await sleep(100);
    expect(await engineInFlight()).toBe(0);
    const calls = bed.getFileCalls();
    expect(bed.getFileInFlight()).toBe(0);
    await sleep(300);
    expect(bed.getFileCalls()).toBe(calls);
    expect(await metricValue('teleplay_stream_active')).toBe(0);
  });
});
