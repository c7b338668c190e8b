import { Api, errors, helpers, type TelegramClient } from 'teleproto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pngHeader, SandboxFixture } from '../testing/sandbox-fixture.ts';
import { generatedBytes } from '../world/file-blobs.ts';

const MIB = 1024 * 1024;
const BIG_SIZE = MIB + 300_000;

describe('upload.getFile against the sandbox, with the real teleproto client', () => {
  let fixture: SandboxFixture;
  let main: TelegramClient;
  let helper: TelegramClient;
  let bigPost: number;
  let farPost: number;

  beforeAll(async () => {
    fixture = await SandboxFixture.start();
    const { sandbox } = fixture;
    bigPost = (
      await sandbox.postChannelFile({
        fileName: 'big.mkv',
        content: { type: 'generated', size: BIG_SIZE, seed: 'big' },
      })
    ).messageId;
    farPost = (
      await sandbox.postChannelFile({
        fileName: 'far.bin',
        content: { type: 'generated', size: 600_000, seed: 'far' },
        dcId: 3,
      })
    ).messageId;
    main = await fixture.bot();
    helper = await fixture.bot(sandbox.state().bots.find((bot) => bot.role === 'helper')!.token);
  });
  afterEach(() => {
    fixture.sandbox.clearFaults();
    fixture.sandbox.updateNetwork({ rttMs: 0, jitterMs: 0, connectionBytesPerSecond: Infinity });
  });
  afterAll(() => fixture.close());

  /** The post's message as this bot sees it (its own file reference). */
  async function post(client: TelegramClient, messageId: number): Promise<Api.Message> {
    const peer = await client.getInputEntity(Number(fixture.sandbox.state().storageChannel.peerId));
    const [message] = await client.getMessages(peer, { ids: [messageId] });
    if (!message) throw new Error(`post ${messageId} not found`);
    return message;
  }

  async function documentOf(client: TelegramClient, messageId: number): Promise<Api.Document> {
    const { media } = await post(client, messageId);
    if (!(media instanceof Api.MessageMediaDocument) || !(media.document instanceof Api.Document)) {
      throw new Error(`post ${messageId} has no document`);
    }
    return media.document;
  }

  function getFile(document: Api.Document, offset: number, limit: number, precise = false) {
    return new Api.upload.GetFile({
      location: new Api.InputDocumentFileLocation({
        id: document.id,
        accessHash: document.accessHash,
        fileReference: document.fileReference,
        thumbSize: '',
      }),
      offset: helpers.returnBigInt(offset),
      limit,
      precise,
    });
  }

  it('downloads a whole document byte for byte with downloadMedia', async () => {
    const message = await post(main, bigPost);
    const bytes = await main.downloadMedia(message);
    expect(Buffer.isBuffer(bytes)).toBe(true);
    expect((bytes as Buffer).equals(generatedBytes('big', 0, BIG_SIZE))).toBe(true);
  });

  it('serves 1 MiB parts, a short last part and nothing past the end', async () => {
    const document = await documentOf(main, bigPost);
    const parts: Buffer[] = [];
    for (let offset = 0; offset < BIG_SIZE; offset += MIB) {
      const part = (await main.invoke(getFile(document, offset, MIB))) as Api.upload.File;
      parts.push(part.bytes);
    }
    expect(parts.map((part) => part.length)).toEqual([MIB, BIG_SIZE - MIB]);
    expect(Buffer.concat(parts).equals(generatedBytes('big', 0, BIG_SIZE))).toBe(true);
    const past = (await main.invoke(getFile(document, 2 * MIB, MIB))) as Api.upload.File;
    expect(past.bytes.length).toBe(0);
  });

  it('accepts precise requests on 1 KiB boundaries up to the next MiB', async () => {
    const document = await documentOf(main, bigPost);
    const offset = 5 * 1024;
    const limit = MIB - offset;
    const part = (await main.invoke(getFile(document, offset, limit, true))) as Api.upload.File;
    expect(part.bytes.equals(generatedBytes('big', offset, limit))).toBe(true);
  });

  it.each([
    { offset: 1024, limit: 4096, precise: false, error: 'OFFSET_INVALID' },
    { offset: 4096, limit: 3000, precise: false, error: 'LIMIT_INVALID' },
    { offset: 0, limit: 12 * 1024, precise: false, error: 'LIMIT_INVALID' },
    { offset: 983_040, limit: 131_072, precise: false, error: 'LIMIT_INVALID' },
    { offset: 512, limit: 1024, precise: true, error: 'OFFSET_INVALID' },
    { offset: 0, limit: 2 * MIB, precise: true, error: 'LIMIT_INVALID' },
    { offset: MIB - 1024, limit: 2048, precise: true, error: 'LIMIT_INVALID' },
  ])(
    'refuses offset $offset limit $limit (precise $precise) with $error',
    async ({ offset, limit, precise, error }) => {
      const document = await documentOf(main, bigPost);
      await expect(main.invoke(getFile(document, offset, limit, precise))).rejects.toThrow(error);
    },
  );

  it('serves concurrent calls on one connection and across two bots', async () => {
    const [mainDocument, helperDocument] = await Promise.all([
      documentOf(main, bigPost),
      documentOf(helper, bigPost),
    ]);
    const offsets = [0, 512 * 1024, MIB];
    const results = await Promise.all([
      ...offsets.map((offset) => main.invoke(getFile(mainDocument, offset, 256 * 1024))),
      ...offsets.map((offset) => helper.invoke(getFile(helperDocument, offset, 256 * 1024))),
    ]);
    for (const [index, result] of results.entries()) {
      const offset = offsets[index % offsets.length]!;
      expect((result as Api.upload.File).bytes.equals(generatedBytes('big', offset, 256 * 1024))).toBe(true);
    }
  });

  it('refuses a file reference that belongs to another bot', async () => {
    const mainDocument = await documentOf(main, bigPost);
    await expect(helper.invoke(getFile(mainDocument, 0, MIB))).rejects.toThrow('FILE_REFERENCE_EXPIRED');
  });

  it('expires references on demand; re-reading the post gives a fresh one', async () => {
    const stale = await documentOf(helper, bigPost);
    const helperId = fixture.sandbox.state().bots.find((bot) => bot.role === 'helper')!.id;
    fixture.sandbox.injectFault({ kind: 'file_reference_expired', botId: helperId });
    await expect(helper.invoke(getFile(stale, 0, MIB))).rejects.toThrow('FILE_REFERENCE_EXPIRED');
    const fresh = await documentOf(helper, bigPost);
    expect(fresh.fileReference.equals(stale.fileReference)).toBe(false);
    const part = (await helper.invoke(getFile(fresh, 0, 4096))) as Api.upload.File;
    expect(part.bytes.equals(generatedBytes('big', 0, 4096))).toBe(true);
    // Other bots' references are untouched.
    await expect(main.invoke(getFile(await documentOf(main, bigPost), 0, 4096))).resolves.toBeInstanceOf(
      Api.upload.File,
    );
  });

  it('answers FLOOD_WAIT_X: teleproto sleeps through short waits and raises long ones', async () => {
    const document = await documentOf(main, bigPost);
    const mainId = fixture.sandbox.state().mainBot.id;
    fixture.sandbox.injectFault({ kind: 'flood_wait', seconds: 30, botId: mainId });
    main.floodSleepThreshold = 5;
    const error = await main.invoke(getFile(document, 0, 4096)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(errors.FloodWaitError);
    expect((error as errors.FloodWaitError).seconds).toBe(30);

    fixture.sandbox.injectFault({ kind: 'flood_wait', seconds: 1, botId: mainId });
    const started = Date.now();
    const part = (await main.invoke(getFile(document, 0, 4096))) as Api.upload.File;
    expect(part.bytes.length).toBe(4096);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    const counters = fixture.sandbox.counters().bots.find((bot) => bot.botId === mainId)!;
    expect(counters.errors.FLOOD_WAIT_X).toBe(2);
  });

  it('holds calls back with the slow fault', async () => {
    const document = await documentOf(main, bigPost);
    fixture.sandbox.injectFault({ kind: 'slow', delayMs: 400, botId: fixture.sandbox.state().mainBot.id });
    const started = Date.now();
    await main.invoke(getFile(document, 0, 4096));
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
  });

  it('answers FILE_MIGRATE_X for a file stored on another DC, which serves it after auth import', async () => {
    const document = await documentOf(main, farPost);
    expect(document.dcId).toBe(3);
    const error = await main.invoke(getFile(document, 0, MIB)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(errors.FileMigrateError);
    expect((error as errors.FileMigrateError).newDc).toBe(3);
    const part = (await main.invoke(getFile(document, 0, MIB), 3)) as Api.upload.File;
    expect(part.bytes.equals(generatedBytes('far', 0, 600_000))).toBe(true);
    const bytes = await main.downloadMedia(await post(main, farPost));
    expect((bytes as Buffer).equals(generatedBytes('far', 0, 600_000))).toBe(true);
  });

  it('redirects getFile to another DC on demand with the file_migrate fault', async () => {
    const document = await documentOf(helper, bigPost);
    fixture.sandbox.injectFault({ kind: 'file_migrate', dcId: 1 });
    const error = await helper.invoke(getFile(document, 0, 4096)).catch((caught: unknown) => caught);
    expect((error as errors.FileMigrateError).newDc).toBe(1);
    const part = (await helper.invoke(getFile(document, 0, 4096), 1)) as Api.upload.File;
    expect(part.bytes.equals(generatedBytes('big', 0, 4096))).toBe(true);
  });

  it('downloads photos and document thumbnails by size type', async () => {
    const userId = fixture.sandbox.state().demoUser.id;
    const photo = Buffer.concat([pngHeader(640, 480), Buffer.from('photo body')]);
    const thumbnail = Buffer.concat([pngHeader(90, 60), Buffer.from('thumb body')]);
    await fixture.sandbox.sendFile(userId, {
      fileName: 'cover.png',
      content: { type: 'bytes', data: photo },
      thumbnail,
    });
    await fixture.sandbox.sendFile(userId, {
      fileName: 'film.mp4',
      content: { type: 'bytes', data: Buffer.from('film') },
      thumbnail,
    });
    const [photoMessage, filmMessage] = (await main.getMessages(userId, { ids: [1, 2] })) as Api.Message[];
    const photoObject = (photoMessage!.media as Api.MessageMediaPhoto).photo as Api.Photo;
    expect(photoObject.sizes.map((size) => (size as Api.PhotoSize).type)).toEqual(['s', 'x']);
    expect(((await main.downloadMedia(photoMessage!)) as Buffer).equals(photo)).toBe(true);

    const film = (filmMessage!.media as Api.MessageMediaDocument).document as Api.Document;
    expect(film.thumbs?.[0]).toMatchObject({ type: 's', w: 90, h: 60 });
    const thumb = (await main.invoke(
      new Api.upload.GetFile({
        location: new Api.InputDocumentFileLocation({
          id: film.id,
          accessHash: film.accessHash,
          fileReference: film.fileReference,
          thumbSize: 's',
        }),
        offset: helpers.returnBigInt(0),
        limit: MIB,
      }),
    )) as Api.upload.File;
    expect(thumb.bytes.equals(thumbnail)).toBe(true);
  });

  it('delivers answers at the modelled pace: round trip, then one after the other through the connection', async () => {
    const document = await documentOf(main, bigPost);
    const mainId = fixture.sandbox.state().mainBot.id;
    fixture.sandbox.resetCounters();
    fixture.sandbox.updateNetwork({ rttMs: 200, connectionBytesPerSecond: MIB });
    const started = Date.now();
    const arrivals: number[] = [];
    await Promise.all(
      [0, 1, 2, 3].map(async (part) => {
        await main.invoke(getFile(document, part * 256 * 1024, 256 * 1024));
        arrivals[part] = Date.now() - started;
      }),
    );
    // 200 ms, then 256 KiB at 1 MiB/s per answer, in order: the first after about 450 ms, the last
    // after 1.2 s (all four at once would have shared the bandwidth and arrived together).
    expect(arrivals[0]).toBeLessThan(800);
    expect(arrivals[3]).toBeGreaterThanOrEqual(1200);
    expect(arrivals).toEqual([...arrivals].sort((a, b) => a - b));
    const counters = fixture.sandbox.counters().bots.find((bot) => bot.botId === mainId)!;
    expect(counters.getFile).toMatchObject({ calls: 4, bytes: MIB, inFlight: 0, maxInFlight: 4 });
  });
});
