import { createHash } from 'node:crypto';
import { type ChannelPostView, generatedBytes } from '@teleplay/sandbox';
import { pngHeader } from '@teleplay/sandbox/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  BotUnavailableError,
  type FilePartRequest,
  FloodWaitError,
  fileKeyOf,
  type StoredFileLocation,
  StreamEngine,
} from '../stream/index.ts';
import type { TelegramGateway } from './telegram.gateway.ts';
import { startTelegramTestBed, type TelegramTestBed } from './testing/telegram-test-bed.ts';

const MIB = 1024 * 1024;

let bed: TelegramTestBed;
let gateway: TelegramGateway;

beforeAll(async () => {
  bed = await startTelegramTestBed();
  ({ gateway } = await bed.startGateway());
});

afterAll(async () => {
  await bed?.close();
});

/** A file of deterministic bytes, posted straight into the storage channel. */
async function postFile(seed: string, size: number, dcId?: number): Promise<StoredFileLocation> {
  const post: ChannelPostView = await bed.sandbox.postChannelFile({
    fileName: `${seed}.mkv`,
    content: { type: 'generated', size, seed },
    dcId,
  });
  return {
    channelId: String(bed.sandbox.state().storageChannel.id),
    messageId: post.messageId,
    documentId: post.media!.id,
    dcId: post.media!.dcId,
    size,
  };
}

function part(location: StoredFileLocation, offset: number, limit = MIB): FilePartRequest {
  return { fileKey: fileKeyOf(location), location, offset, limit, precise: false };
}

function read(botId: string, request: FilePartRequest, signal = new AbortController().signal) {
  return gateway.fileParts.getFilePart(botId, request, signal);
}

function botCounters(botId: string) {
  return bed.sandbox.counters().bots.find((bot) => String(bot.botId) === botId)!;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('file parts over the sandbox bots', () => {
  it('reads a several-MiB file byte-exact, spread over the main bot and both helpers', async () => {
    const size = 6 * MIB + 12_345;
    const location = await postFile('film', size);
    const bots = gateway.fileParts.bots;
    expect(bots).toHaveLength(3);
    const before = bots.map((bot) => botCounters(bot).getFile.calls);

    const parts = await Promise.all(
      Array.from({ length: Math.ceil(size / MIB) }, (_, index) =>
        read(bots[index % 3]!, part(location, index * MIB)),
      ),
    );
    expect(sha256(Buffer.concat(parts))).toBe(sha256(generatedBytes('film', 0, size)));
    expect(parts.at(-1)).toHaveLength(12_345);
    expect(bots.map((bot, index) => botCounters(bot).getFile.calls - before[index]!)).toEqual([3, 2, 2]);
  });

  it('reads a photo at its largest size', async () => {
    const png = Buffer.concat([pngHeader(1000, 800), generatedBytes('photo', 0, 300_000)]);
    const post = await bed.sandbox.postChannelFile({
      fileName: 'beach.png',
      content: { type: 'bytes', data: png },
    });
    expect(post.media?.type).toBe('photo');
    const location = {
      channelId: String(bed.sandbox.state().storageChannel.id),
      messageId: post.messageId,
      documentId: post.media!.id,
      dcId: post.media!.dcId,
      size: png.length,
    };
    const [main] = gateway.fileParts.bots;
    expect(sha256(await read(main!, part(location, 0)))).toBe(sha256(png));
    const [stored] = await gateway.getStorageMessages([post.messageId]);
    expect(stored?.media).toMatchObject({ kind: 'photo', width: 1000, height: 800, size: png.length });
  });

  it('reads the largest preview of a video, and of a photo the largest size below the photo', async () => {
    const preview = Buffer.concat([pngHeader(320, 180), generatedBytes('preview', 0, 9_000)]);
    const video = await bed.sandbox.postChannelFile({
      fileName: 'film.mp4',
      mimeType: 'video/mp4',
      content: { type: 'generated', size: 2 * MIB, seed: 'previewed' },
      thumbnail: preview,
    });
    const photoBytes = Buffer.concat([pngHeader(1280, 960), generatedBytes('photo-2', 0, 200_000)]);
    const photo = await bed.sandbox.postChannelFile({
      fileName: 'beach.png',
      content: { type: 'bytes', data: photoBytes },
      thumbnail: preview,
    });
    const [main, helper] = gateway.fileParts.bots;
    for (const post of [video, photo]) {
      const location: StoredFileLocation = {
        channelId: String(bed.sandbox.state().storageChannel.id),
        messageId: post.messageId,
        documentId: post.media!.id,
        dcId: post.media!.dcId,
        size: preview.length,
        thumbnail: true,
      };
      expect(sha256(await read(main!, part(location, 0)))).toBe(sha256(preview));
      expect(sha256(await read(helper!, part(location, 0)))).toBe(sha256(preview));
    }
  });

  it('tells the engine a preview that Telegram never made is not there for this bot', async () => {
    const location = await postFile('unpreviewed', MIB);
    const [main] = gateway.fileParts.bots;
    await expect(read(main!, part({ ...location, thumbnail: true }, 0))).rejects.toThrow(BotUnavailableError);
  });

  it('refreshes an expired file reference once for all the requests that hit it', async () => {
    const location = await postFile('expiring', 4 * MIB);
    const [, helper] = gateway.fileParts.bots;
    await read(helper!, part(location, 0));
    bed.sandbox.injectFault({ kind: 'file_reference_expired', botId: Number(helper) });
    const before = botCounters(helper!);

    const parts = await Promise.all([0, 1, 2, 3].map((index) => read(helper!, part(location, index * MIB))));
    expect(sha256(Buffer.concat(parts))).toBe(sha256(generatedBytes('expiring', 0, 4 * MIB)));
    const after = botCounters(helper!);
    expect(after.errors.FILE_REFERENCE_EXPIRED! - (before.errors.FILE_REFERENCE_EXPIRED ?? 0)).toBe(4);
    // Four refused getFile calls, one channels.getMessages for a fresh reference, four that succeed.
    expect(after.rpcCalls - before.rpcCalls).toBe(9);
  });

  it('follows FILE_MIGRATE to the DC it names', async () => {
    const location = await postFile('migrating', 2 * MIB);
    const [main] = gateway.fileParts.bots;
    bed.sandbox.injectFault({ kind: 'file_migrate', dcId: 1, botId: Number(main) });
    const before = botCounters(main!).errors.FILE_MIGRATE_X ?? 0;

    const bytes = await read(main!, part(location, MIB));
    expect(sha256(bytes)).toBe(sha256(generatedBytes('migrating', MIB, MIB)));
    expect(botCounters(main!).errors.FILE_MIGRATE_X! - before).toBe(1);
    // The move is remembered: the next part goes to DC 1 straight away.
    await read(main!, part(location, 0));
    expect(botCounters(main!).errors.FILE_MIGRATE_X! - before).toBe(1);
  });

  it("reads a file stored on another DC there, keeping that DC's auth key across restarts", async () => {
    const location = await postFile('far-away', MIB, 3);
    const { gateway: first } = await bed.startGateway();
    const [main] = first.fileParts.bots;
    const handshakes = () => bed.sandbox.counters().protocol.handshakes;
    const signal = new AbortController().signal;

    const beforeFirst = handshakes();
    const migrationsBefore = botCounters(main!).errors.FILE_MIGRATE_X ?? 0;
    const bytes = await first.fileParts.getFilePart(main!, part(location, 0), signal);
    expect(sha256(bytes)).toBe(sha256(generatedBytes('far-away', 0, MIB)));
    expect(handshakes() - beforeFirst).toBe(1);
    // Routed to the document's DC at once: no FILE_MIGRATE round trip.
    expect(botCounters(main!).errors.FILE_MIGRATE_X ?? 0).toBe(migrationsBefore);
    await first.stop();

    const { gateway: second } = await bed.startGateway();
    const beforeSecond = handshakes();
    await second.fileParts.getFilePart(main!, part(location, 0), signal);
    expect(handshakes() - beforeSecond).toBe(0);
    await second.stop();
  });

  it('surfaces FLOOD_WAIT as a FloodWaitError at once, without sleeping on it', async () => {
    const location = await postFile('flooded', MIB);
    const [, , helper] = gateway.fileParts.bots;
    bed.sandbox.injectFault({ kind: 'flood_wait', seconds: 60, botId: Number(helper) });

    const failure = await read(helper!, part(location, 0)).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(FloodWaitError);
    expect((failure as FloodWaitError).seconds).toBe(60);
    expect(sha256(await read(helper!, part(location, 0)))).toBe(sha256(generatedBytes('flooded', 0, MIB)));
  });

  it('reports a bot that can no longer see the file as unavailable for it', async () => {
    const location = await postFile('deleted', MIB);
    const [main] = gateway.fileParts.bots;
    await gateway.deleteStorageMessages([location.messageId]);
    await expect(read(main!, part(location, 0))).rejects.toBeInstanceOf(BotUnavailableError);
    await expect(read('12345', part(location, 0))).rejects.toBeInstanceOf(BotUnavailableError);
  });

  it('gives up on a request as soon as it is aborted', async () => {
    const location = await postFile('abandoned', MIB);
    const [main] = gateway.fileParts.bots;
    await read(main!, part(location, 0));
    bed.sandbox.injectFault({ kind: 'slow', delayMs: 2_000, botId: Number(main) });
    const controller = new AbortController();
    const reading = read(main!, part(location, 0), controller.signal);
    await vi.waitFor(() => expect(botCounters(main!).getFile.inFlight).toBe(1));

    controller.abort(new Error('the viewer went away'));
    await expect(reading).rejects.toThrow('the viewer went away');
    // Rejected while Telegram was still working on it.
    expect(botCounters(main!).getFile.inFlight).toBe(1);
    await vi.waitFor(() => expect(botCounters(main!).getFile.inFlight).toBe(0), { timeout: 5_000 });
  });

  it('carries on after its download connections are dropped', async () => {
    const location = await postFile('dropped', 2 * MIB);
    const [, helper] = gateway.fileParts.bots;
    await read(helper!, part(location, 0));
    bed.sandbox.injectFault({ kind: 'slow', delayMs: 300, botId: Number(helper) });
    const reading = read(helper!, part(location, MIB));
    await vi.waitFor(() => expect(botCounters(helper!).getFile.inFlight).toBe(1));
    bed.sandbox.injectFault({ kind: 'drop_connections', botId: Number(helper) });

    // teleproto reconnects and sends the request again.
    expect(sha256(await reading)).toBe(sha256(generatedBytes('dropped', MIB, MIB)));
    expect(sha256(await read(helper!, part(location, 0)))).toBe(sha256(generatedBytes('dropped', 0, MIB)));
  });

  it('streams whole files and ranges through the stream engine', async () => {
    const size = 5 * MIB + 777;
    const location = await postFile('stream', size);
    const engine = new StreamEngine(gateway.fileParts);
    const streamed = async (range?: { start: number; end: number }) => {
      const hash = createHash('sha256');
      for await (const chunk of engine.open(location, range)) hash.update(chunk);
      return hash.digest('hex');
    };

    expect(await streamed()).toBe(sha256(generatedBytes('stream', 0, size)));
    expect(await streamed({ start: 1_000_003, end: 4_500_000 })).toBe(
      sha256(generatedBytes('stream', 1_000_003, 4_500_000 - 1_000_003 + 1)),
    );
    expect(await streamed({ start: size - 10, end: size - 1 })).toBe(
      sha256(generatedBytes('stream', size - 10, 10)),
    );
  });
});
