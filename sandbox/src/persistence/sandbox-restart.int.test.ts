import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Api, helpers, Logger, TelegramClient } from 'teleproto';
import { CustomFile } from 'teleproto/client/uploads.js';
import { LogLevel } from 'teleproto/extensions/Logger.js';
import { Button } from 'teleproto/tl/custom/button.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { destroyClient } from '../client/client-teardown.ts';
import { customDcClientParams, customDcSession } from '../client/custom-dc.ts';
import type { ChannelPostView, MessageView, StateView } from '../sandbox-views.ts';
import { nextNewMessage, SandboxFixture } from '../testing/sandbox-fixture.ts';
import { generatedBytes } from '../world/file-blobs.ts';

const SEED = 'restart-test';
/** Small parts, so the file's bytes come from several ranges of the stored file. */
const PART_BYTES = 64 * 1024;

/** What the sandbox shows before it stops; every test compares the restarted one with it. */
interface Before {
  state: StateView;
  conversation: MessageView[];
  posts: ChannelPostView[];
  /** The bot's update state and saved session when it went away. */
  updates: Api.updates.State;
  session: string;
  /** Channel documents with the bytes they hold and the reference the bot got before the restart. */
  documents: { document: Api.Document; bytes: Buffer }[];
}

describe('a sandbox restarted on the same data directory, seen by the real teleproto client', () => {
  let dataDir: string;
  let fixture: SandboxFixture;
  let before: Before;

  const restart = async () => {
    await fixture.close();
    fixture = await SandboxFixture.start({ seed: SEED, dataDir });
  };

  /** A client on the saved session that only connects: no login, so it works only if the key is still authorised. */
  const resume = async (session: string): Promise<TelegramClient> => {
    const info = fixture.sandbox.connectionInfo();
    const client = new TelegramClient(customDcSession(info, session), info.apiId, info.apiHash, {
      ...customDcClientParams(info),
      baseLogger: new Logger(LogLevel.NONE),
      connectionRetries: 5,
    });
    await client.connect();
    return client;
  };

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'sandbox-restart-'));
    fixture = await SandboxFixture.start({ seed: SEED, dataDir });
    const { sandbox } = fixture;
    const userId = sandbox.state().demoUser.id;
    const bot = await fixture.bot();
    const channel = await bot.getInputEntity(Number(sandbox.state().storageChannel.peerId));

    await sandbox.sendText(userId, '/start');
    await bot.sendMessage(userId, {
      message: 'Pick one',
      buttons: [[Button.inline('Play', Buffer.from('play:1')), Button.url('Site', 'https://example.org')]],
    });
    // An upload streamed to disk, as the control API does, then forwarded to the channel.
    const movie = generatedBytes('movie', 0, 200_000);
    const path = sandbox.storagePath();
    await writeFile(path, movie);
    const received = nextNewMessage(bot, (message) => message.message === 'episode 1');
    await sandbox.sendFile(userId, {
      fileName: 'episode.mp4',
      content: { type: 'stored', path, size: movie.length },
      caption: 'episode 1',
      duration: 42,
    });
    const original = await received;
    const forwardResult = await bot.invoke(
      new Api.messages.ForwardMessages({
        fromPeer: userId,
        id: [original.id],
        randomId: [helpers.generateRandomLong()],
        toPeer: channel,
      }),
    );
    const forwarded = (forwardResult as Api.Updates).updates.find(
      (update) => update instanceof Api.UpdateNewChannelMessage,
    )?.message as Api.Message;
    // A small file the bot uploads itself (kept in memory, written to the data directory).
    const notes = Buffer.from('notes the bot uploaded');
    const uploaded = await bot.sendFile(channel, {
      file: new CustomFile('notes.txt', notes.length, '', notes),
      caption: 'notes',
      forceDocument: true,
    });
    const documentOf = (message: Api.Message) =>
      (message.media as Api.MessageMediaDocument).document as Api.Document;

    const updates = await bot.invoke(new Api.updates.GetState());
    const session = bot.session.save() as unknown as string;
    await fixture.stopClient(bot);
    // Sent while the bot is away, just before the sandbox stops.
    await sandbox.sendText(userId, 'while you were away');
    before = {
      state: sandbox.state(),
      conversation: sandbox.conversation(userId),
      posts: sandbox.channelPosts(),
      updates,
      session,
      documents: [
        { document: documentOf(forwarded), bytes: movie },
        { document: documentOf(uploaded), bytes: notes },
      ],
    };
    await restart();
  }, 30_000);

  afterAll(async () => {
    await fixture.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps the seeded bots, tokens and ids, the server key and the instance id', () => {
    const withoutPorts = ({ connection, ...state }: StateView) => ({
      ...state,
      connection: { ...connection, dcs: connection.dcs.map((dc) => dc.id) },
    });
    const state = fixture.sandbox.state();
    expect(withoutPorts(state)).toEqual(withoutPorts(before.state));
    expect(state.mainBot.token).toMatch(/^6000000001:/);
  });

  it('keeps the conversation, inline keyboard included, and the channel posts', () => {
    const userId = before.state.demoUser.id;
    expect(fixture.sandbox.conversation(userId)).toEqual(before.conversation);
    expect(before.conversation.find((message) => message.text === 'Pick one')?.buttons).toEqual([
      [
        { type: 'callback', text: 'Play', data: 'play:1' },
        { type: 'url', text: 'Site', url: 'https://example.org' },
      ],
    ]);
    expect(fixture.sandbox.channelPosts()).toEqual(before.posts);
    expect(before.posts.map((post) => post.text)).toEqual(['episode 1', 'notes']);
  });

  it('resumes the saved session without a key exchange, and getDifference returns what the bot missed', async () => {
    const client = await resume(before.session);
    try {
      const { pts, date, qts } = before.updates;
      const difference = await client.invoke(new Api.updates.GetDifference({ pts, date, qts }));
      expect(difference).toBeInstanceOf(Api.updates.Difference);
      const { newMessages, state } = difference as Api.updates.Difference;
      expect(newMessages.map((message) => (message as Api.Message).message)).toEqual(['while you were away']);
      expect(state.pts).toBe(pts + 1);
      expect(fixture.sandbox.counters().protocol.handshakes).toBe(0);

      const pushed = nextNewMessage(client, (message) => message.message === 'after the restart');
      await fixture.sandbox.sendText(before.state.demoUser.id, 'after the restart');
      expect((await pushed).id).toBeGreaterThan(0);
    } finally {
      await destroyClient(client);
    }
  });

  it('serves the same bytes with getFile, for the file references issued before the restart', async () => {
    const client = await resume(before.session);
    try {
      for (const { document, bytes } of before.documents) {
        const location = new Api.InputDocumentFileLocation({
          id: document.id,
          accessHash: document.accessHash,
          fileReference: document.fileReference,
          thumbSize: '',
        });
        const parts: Buffer[] = [];
        for (let offset = 0; offset < bytes.length; offset += PART_BYTES) {
          const part = await client.invoke(
            new Api.upload.GetFile({ location, offset: helpers.returnBigInt(offset), limit: PART_BYTES }),
          );
          parts.push((part as Api.upload.File).bytes);
        }
        expect(Buffer.concat(parts).equals(bytes)).toBe(true);
      }
    } finally {
      await destroyClient(client);
    }
  });

  it('tolerates a journal whose last line a crash cut short', async () => {
    await fixture.close();
    await appendFile(join(dataDir, 'journal.jsonl'), '{"type":"private_sent","at":179');
    fixture = await SandboxFixture.start({ seed: SEED, dataDir });
    const userId = before.state.demoUser.id;
    expect(fixture.sandbox.conversation(userId).map((message) => message.text)).toEqual([
      ...before.conversation.map((message) => message.text),
      'after the restart',
    ]);
    const bot = await fixture.bot(before.state.mainBot.token, { session: before.session });
    const sent = await bot.sendMessage(userId, { message: 'still writing' });
    expect(fixture.sandbox.conversation(userId).at(-1)).toMatchObject({ id: sent.id, text: 'still writing' });
  });
});
