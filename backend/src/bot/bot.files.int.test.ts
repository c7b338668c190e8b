import { accountStream } from '@teleplay/contracts';
import { findFileByOrigin, getFile, listRecentFiles } from '@teleplay/projections';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { encodeCallbackData } from './bot.keyboards.ts';
import {
  type BotHarness,
  newUser,
  STORAGE_CHANNEL,
  startBotHarness,
  WEB_APP_URL,
} from './testing/bot-harness.ts';
import { mediaOf } from './testing/fake-bot-transport.ts';

let harness: BotHarness;

beforeAll(async () => {
  harness = await startBotHarness();
});

afterAll(async () => {
  await harness.close();
});

const film = () =>
  mediaOf('video', {
    fileName: 'Big Buck Bunny.mp4',
    mimeType: 'video/mp4',
    size: 276_134_947,
    durationSeconds: 596,
    width: 1920,
    height: 1080,
    thumbnails: [
      { width: 90, height: 51, size: 1200 },
      { width: 320, height: 180, size: 9800 },
    ],
  });

describe('a file sent to the bot', () => {
  it('is forwarded to the storage channel and recorded with its metadata, from the bot', async () => {
    const alice = newUser();
    const media = film();
    const messageId = await harness.transport.sendFile(alice, media);

    const file = await findFileByOrigin(harness.db, alice.id, { chatId: alice.id, messageId });
    const [storageMessageId] = [...harness.transport.storage.keys()].filter(
      (id) => harness.transport.storage.get(id)?.messageId === messageId,
    );
    expect(file).toMatchObject({
      name: 'Big Buck Bunny.mp4',
      size: 276_134_947,
      mimeType: 'video/mp4',
      kind: 'video',
      durationSeconds: 596,
      width: 1920,
      height: 1080,
      thumbnail: { width: 320, height: 180, size: 9800 },
      folderId: null,
      uploadedFrom: 'bot',
      telegram: {
        channelId: STORAGE_CHANNEL,
        messageId: storageMessageId,
        documentId: media.documentId,
        dcId: 2,
      },
    });
    const [uploaded] = await harness.libraryEvents(alice.id);
    expect(uploaded).toMatchObject({
      type: 'FileUploaded',
      metadata: { actorId: alice.id, deviceId: null, source: 'bot' },
    });
  });

  it('is answered with a file card: rename, move, delete, open in web', async () => {
    const alice = newUser();
    const messageId = await harness.transport.sendFile(alice, film());

    const card = harness.transport.lastBotMessage(alice.id);
    const file = await findFileByOrigin(harness.db, alice.id, { chatId: alice.id, messageId });
    expect(card.replyToMessageId).toBe(messageId);
    expect(card.format).toBe('html');
    expect(card.text).toContain('Saved to your library');
    expect(card.text).toContain('<b>Big Buck Bunny.mp4</b>');
    expect(card.text).toContain('Video · 263 MB · 9:56 · 1920×1080');
    expect(harness.transport.labels(alice.id, card.id)).toEqual([
      '✏️ Rename',
      '🚚 Move',
      '🗑 Delete',
      '🌐 Open in web',
    ]);
    const open = harness.transport.buttonsOf(alice.id, card.id).find((button) => 'url' in button);
    expect(open).toEqual({ text: '🌐 Open in web', url: `${WEB_APP_URL}/files/${file?.id}` });
  });

  it('delivered twice is forwarded and recorded once', async () => {
    const alice = newUser();
    const update = harness.transport.message(alice, { media: film() });
    await harness.transport.deliver(update);
    await harness.transport.deliver(update);

    const events = await harness.libraryEvents(alice.id);
    expect(events.map((event) => event.type)).toEqual(['FileUploaded']);
    expect(harness.transport.forwards.filter((forward) => forward.startsWith(`${alice.id}:`))).toHaveLength(
      1,
    );
    expect(await listRecentFiles(harness.db, alice.id)).toHaveLength(1);
    expect(harness.transport.lastBotMessage(alice.id).text).toContain('already in your library');
  });

  it('gets a usable name: sanitised, or made up when Telegram gives none', async () => {
    const alice = newUser();
    await harness.transport.sendFile(
      alice,
      mediaOf('document', { fileName: 'AC/DC\u0007 live.flac', mimeType: 'audio/flac' }),
    );
    await harness.transport.sendFile(
      alice,
      mediaOf('photo', { mimeType: 'image/jpeg', width: 1280, height: 960 }),
    );
    await harness.transport.sendFile(alice, mediaOf('voice', { mimeType: 'audio/ogg', durationSeconds: 7 }));
    await harness.transport.sendFile(
      alice,
      mediaOf('animation', { fileName: 'cat.gif.mp4', mimeType: 'video/mp4' }),
    );

    const files = await listRecentFiles(harness.db, alice.id);
    expect(files.map((file) => [file.name, file.kind]).sort()).toEqual([
      ['AC_DC live.flac', 'audio'],
      ['cat.gif.mp4', 'video'],
      ['photo-2026-11-25.jpg', 'photo'],
      ['voice-2026-11-25.ogg', 'audio'],
    ]);
  });

  it('registers the sender on first contact, once', async () => {
    const alice = newUser('Alice');
    await harness.transport.sendText(alice, '/help');
    await harness.transport.sendText(alice, '/help');

    const account = await harness.store.readStream(accountStream(alice.id));
    expect(account).toMatchObject([
      {
        type: 'UserRegistered',
        data: { userId: alice.id, firstName: 'Alice', username: 'alice' },
        metadata: { source: 'bot' },
      },
    ]);
  });
});

describe('the file card', () => {
  async function upload() {
    const alice = newUser();
    const messageId = await harness.transport.sendFile(alice, film());
    const file = await findFileByOrigin(harness.db, alice.id, { chatId: alice.id, messageId });
    const card = harness.transport.lastBotMessage(alice.id);
    return { alice, fileId: file!.id, cardId: card.id };
  }

  it('moves the file to the trash and back, editing the card in place', async () => {
    const { alice, fileId, cardId } = await upload();

    expect(await harness.transport.press(alice, cardId, '🗑 Delete')).toBeUndefined();
    expect((await getFile(harness.db, alice.id, fileId))?.trashed).toBe(true);
    expect(harness.transport.messageById(alice.id, cardId).text).toContain(
      'Moved <b>Big Buck Bunny.mp4</b> to the trash',
    );
    expect(harness.transport.labels(alice.id, cardId)).toEqual(['♻️ Restore', '❌ Delete for good']);

    await harness.transport.press(alice, cardId, '♻️ Restore');
    expect((await getFile(harness.db, alice.id, fileId))?.trashed).toBe(false);
    expect(harness.transport.labels(alice.id, cardId)).toContain('✏️ Rename');
    expect(harness.transport.botMessages(alice.id)).toHaveLength(1);
  });

  it('deletes for good after a confirmation, and the storage message goes too', async () => {
    const { alice, fileId, cardId } = await upload();
    const stored = (await getFile(harness.db, alice.id, fileId))!.telegram.messageId;

    await harness.transport.press(alice, cardId, '🗑 Delete');
    await harness.transport.press(alice, cardId, '❌ Delete for good');
    expect(harness.transport.messageById(alice.id, cardId).text).toContain('cannot be restored');
    await harness.transport.press(alice, cardId, 'No, keep it');
    expect(await getFile(harness.db, alice.id, fileId)).not.toBeNull();

    await harness.transport.press(alice, cardId, '❌ Delete for good');
    await harness.transport.press(alice, cardId, '❌ Yes, delete for good');
    expect(await getFile(harness.db, alice.id, fileId)).toBeNull();
    expect(harness.transport.messageById(alice.id, cardId).text).toContain(
      'Deleted <b>Big Buck Bunny.mp4</b> for good',
    );
    await vi.waitFor(() => expect(harness.transport.storage.has(stored)).toBe(false));
    const types = (await harness.libraryEvents(alice.id)).map((event) => event.type);
    expect(types).toEqual(['FileUploaded', 'FileTrashed', 'FileDeleted']);
  });

  it('says so when the file was deleted meanwhile', async () => {
    const { alice, fileId, cardId } = await upload();
    await harness.transport.press(alice, cardId, '🗑 Delete');
    await harness.transport.press(alice, cardId, '❌ Delete for good');
    await harness.transport.press(alice, cardId, '❌ Yes, delete for good');

    const trash = encodeCallbackData({ type: 'trashFile', fileId, back: { to: 'none' } });
    const answer = await harness.transport.pressData(alice, cardId, trash);
    expect(answer).toEqual({ text: 'This file no longer exists.' });
    expect(harness.log.errors).toEqual([]);
  });
});

describe('the whitelist', () => {
  let guarded: BotHarness;
  const alice = newUser('Alice');
  const mallory = newUser('Mallory');

  beforeAll(async () => {
    guarded = await startBotHarness({ allowedUsers: [alice.id] });
  });

  afterAll(async () => {
    await guarded.close();
  });

  it('refuses others politely, once, and records nothing', async () => {
    await guarded.transport.sendFile(mallory, film());
    await guarded.transport.sendText(mallory, '/myfiles');
    const answer = await guarded.transport.pressData(mallory, 1, '1:r:0');

    expect(guarded.transport.botMessages(mallory.id).map((message) => message.text)).toEqual([
      expect.stringContaining('private Teleplay library'),
    ]);
    expect(answer).toEqual({ text: 'Sorry, this library is private.' });
    expect(guarded.transport.forwards).toEqual([]);
    expect(await guarded.libraryEvents(mallory.id)).toEqual([]);
    expect(await guarded.store.readStream(accountStream(mallory.id))).toEqual([]);
  });

  it('lets the listed users in', async () => {
    await guarded.transport.sendFile(alice, film());
    expect(await guarded.libraryEvents(alice.id)).toHaveLength(1);
  });
});
