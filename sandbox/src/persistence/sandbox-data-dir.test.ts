import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Api } from 'teleproto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuthKeyRegistry } from '../mtproto/auth-keys.ts';
import { TlViews } from '../rpc/tl-views.ts';
import { GeneratedBlob, generatedBytes, MemoryBlob } from '../world/file-blobs.ts';
import type { StoredDocument, StoredPhoto } from '../world/model.ts';
import { userMessageContent, type World } from '../world/world.ts';
import { SandboxDataDir } from './sandbox-data-dir.ts';
import { SandboxDataError } from './sandbox-data-error.ts';

const worldOptions = {
  seed: 'data-dir-test',
  homeDcId: 2,
  helperBotCount: 2,
  fileReferenceTtlMs: 60 * 60 * 1000,
  callbackTimeoutMs: 50,
};

interface Opened {
  dataDir: SandboxDataDir;
  world: World;
  keys: AuthKeyRegistry;
}

/** Everything a client could observe: accounts, and every box's update sequence rendered as TL bytes. */
function observe(world: World) {
  const channelId = world.storageChannel.id;
  const boxes = [...world.accounts().map((account) => account.id), channelId];
  return {
    accounts: world.accounts().map((account) => ({
      id: account.id,
      accessHash: account.accessHash,
      username: account.username,
      token: account.token,
      commands: account.commands.map((command) => command.getBytes().toString('hex')),
    })),
    channel: { ...world.storageChannel, admins: [...world.storageChannel.admins] },
    boxes: boxes.map((owner) => {
      const views = new TlViews(world, owner === channelId ? world.mainBot.id : owner);
      return {
        owner,
        pts: world.pts(owner),
        events: world
          .eventsAfter(owner, 0)
          .map((event) =>
            (owner === channelId ? views.channelEvent(owner, event) : views.accountEvent(event))
              .getBytes()
              .toString('hex'),
          ),
      };
    }),
  };
}

describe('a data directory', () => {
  let folder: string;
  const open: Opened[] = [];

  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'sandbox-data-dir-'));
  });
  afterEach(async () => {
    for (const { dataDir, world } of open.splice(0)) {
      await dataDir.close();
      await world.dispose();
    }
    await rm(folder, { recursive: true, force: true });
  });

  async function start(options: Partial<typeof worldOptions> = {}): Promise<Opened> {
    const errors: unknown[] = [];
    const dataDir = await SandboxDataDir.open(
      folder,
      { ...worldOptions, ...options },
      {
        syncIntervalMs: 5,
        onError: (error) => errors.push(error),
      },
    );
    const keys = new AuthKeyRegistry();
    const world = await dataDir.restore({ ...worldOptions, ...options }, keys);
    const opened = { dataDir, world, keys };
    open.push(opened);
    return opened;
  }

  async function stop(opened: Opened): Promise<void> {
    open.splice(open.indexOf(opened), 1);
    await opened.dataDir.close();
    await opened.world.dispose();
  }

  async function restart(previous: Opened): Promise<Opened> {
    await stop(previous);
    return start();
  }

  /** A conversation with keyboards, replies, edits, a deletion, files of every kind, and channel posts. */
  function populate({ world, keys }: Opened) {
    const demo = world.demoUser.id;
    const bot = world.mainBot.id;
    const alice = world.createUser({ firstName: 'Alice', username: 'alice' });
    world.sendPrivate(demo, bot, userMessageContent('/start'));
    const menu = world.sendPrivate(
      bot,
      demo,
      {
        ...userMessageContent('Pick one'),
        entities: [new Api.MessageEntityBold({ offset: 0, length: 4 })],
        replyMarkup: new Api.ReplyInlineMarkup({
          rows: [
            new Api.KeyboardButtonRow({
              buttons: [
                new Api.KeyboardButtonCallback({ text: 'Play', data: Buffer.from('play:1') }),
                new Api.KeyboardButtonUrl({ text: 'Site', url: 'https://example.org' }),
              ],
            }),
          ],
        }),
      },
      { randomId: 42n },
    ).message;
    const uploaded = world.addDocument({
      fileName: 'report.txt',
      mimeType: 'text/plain',
      blob: new MemoryBlob(Buffer.from('quarterly report')),
      video: undefined,
      audio: undefined,
      image: undefined,
      thumb: { type: 's', width: 90, height: 60, blob: new MemoryBlob(Buffer.from('thumbnail')) },
    });
    const userFile = world.sendPrivate(demo, bot, userMessageContent('my report', uploaded)).message;
    world.sendPrivate(bot, demo, { ...userMessageContent('thanks'), replyTo: userFile });
    const draft = world.sendPrivate(bot, demo, userMessageContent('draft')).message;
    world.edit(draft, { text: 'final', replyMarkup: undefined });
    const gone = world.sendPrivate(bot, demo, userMessageContent('oops')).message;
    world.delete(bot, [gone]);
    const movie = world.addDocument({
      fileName: 'movie.mp4',
      mimeType: 'video/mp4',
      blob: new GeneratedBlob(3_000_000, 'movie'),
      video: { duration: 61.5, width: 1920, height: 1080 },
      audio: undefined,
      image: undefined,
      thumb: undefined,
      dcId: 3,
    });
    const photo = world.addPhoto({
      sizes: [{ type: 'x', width: 800, height: 600, blob: new MemoryBlob(Buffer.from('jpeg bytes')) }],
    });
    world.post(
      world.storageChannel.id,
      bot,
      {
        ...userMessageContent('stored'),
        media: uploaded,
        forward: { from: { type: 'user', id: demo }, date: userFile.date },
      },
      { randomId: 7n },
    );
    world.post(world.storageChannel.id, undefined, userMessageContent('movie', movie));
    world.post(world.storageChannel.id, bot, userMessageContent('photo', photo));
    world.setBotCommands(world.mainBot, [new Api.BotCommand({ command: 'start', description: 'Start' })]);
    world.serveFileFrom(movie, 1);
    const botReference = world.fileReferences.issue(bot, uploaded.id);
    const helper = world.helperBots[0]!.id;
    world.fileReferences.issue(helper, movie.id);
    world.fileReferences.expire(helper);
    const key = keys.add(Buffer.alloc(256, 7), 2, Buffer.alloc(8, 1));
    keys.setAccount(key.id, bot);
    return { alice, menu, uploaded, movie, photo, botReference, keyId: key.id };
  }

  it('rebuilds the world, its update sequences, files, references and auth keys after a restart', async () => {
    const first = await start();
    const made = populate(first);
    const before = observe(first.world);
    const second = await restart(first);
    expect(observe(second.world)).toEqual(before);

    const { world, keys } = second;
    const bot = world.mainBot.id;
    expect(world.account(made.alice.id)?.username).toBe('alice');
    expect(world.fileReferences.isValid(bot, made.uploaded.id, made.botReference)).toBe(true);
    const uploaded = world.file(made.uploaded.id) as StoredDocument;
    expect((await uploaded.blob.read(0, 100)).toString()).toBe('quarterly report');
    expect((await uploaded.thumb!.blob.read(0, 100)).toString()).toBe('thumbnail');
    const photo = world.file(made.photo.id) as StoredPhoto;
    expect((await photo.sizes[0]!.blob.read(0, 100)).toString()).toBe('jpeg bytes');
    const movie = world.file(made.movie.id) as StoredDocument;
    expect((await movie.blob.read(1_000_000, 64)).equals(generatedBytes('movie', 1_000_000, 64))).toBe(true);
    expect([...movie.alsoServedBy]).toEqual([1]);
    expect(keys.get(made.keyId)?.accountId).toBe(bot);
    // A repeated random_id still finds the first message.
    const again = world.sendPrivate(bot, world.demoUser.id, userMessageContent('Pick one'), {
      randomId: 42n,
    });
    expect(again.duplicate).toBe(true);
    expect(world.createUser({}).id).toBe(made.alice.id + 1);
  });

  it('keeps journalling after a restart, and keeps its instance id and server key', async () => {
    const first = await start();
    populate(first);
    const { instanceId, rsaKey } = first.dataDir;
    const second = await restart(first);
    const { world, keys } = second;
    world.sendPrivate(world.demoUser.id, world.mainBot.id, userMessageContent('later'));
    const key = keys.add(Buffer.alloc(256, 9), 2, Buffer.alloc(8, 2));
    keys.setAccount(key.id, world.helperBots[0]!.id);
    const before = observe(world);
    const third = await restart(second);
    expect(observe(third.world)).toEqual(before);
    expect(third.keys.get(key.id)?.accountId).toBe(world.helperBots[0]!.id);
    expect(third.dataDir.instanceId).toBe(instanceId);
    expect(third.dataDir.rsaKey.fingerprint).toBe(rsaKey.fingerprint);
  });

  it('tolerates a last line cut short by a crash', async () => {
    const first = await start();
    populate(first);
    const before = observe(first.world);
    await stop(first);
    await appendFile(join(folder, 'journal.jsonl'), '{"type":"user_created","at":17');
    const second = await start();
    expect(observe(second.world)).toEqual(before);
  });

  it('refuses a directory made with another seed', async () => {
    await stop(await start());
    await expect(start({ seed: 'another' })).rejects.toThrow(SandboxDataError);
    await expect(start({ seed: 'another' })).rejects.toThrow(/seed "data-dir-test", not "another"/);
  });

  it('names the line of a journal that does not fit the world', async () => {
    await writeFile(
      join(folder, 'journal.jsonl'),
      `${JSON.stringify({ type: 'deleted', at: 1, ownerId: 100000001, ids: [5] })}\n`,
    );
    await expect(start()).rejects.toThrow(/journal\.jsonl line 1: there is no live message 5/);
  });
});
