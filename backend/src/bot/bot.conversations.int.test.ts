import { findFileByOrigin, getFile, getFolder, listFolders } from '@teleplay/projections';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeCallbackData } from './bot.keyboards.ts';
import type { BotUser } from './bot.transport.ts';
import { type BotHarness, newUser, startBotHarness } from './testing/bot-harness.ts';
import { mediaOf } from './testing/fake-bot-transport.ts';

let harness: BotHarness;
const TIMEOUT_MS = 10 * 60_000;

beforeAll(async () => {
  harness = await startBotHarness({ bot: { conversationTtlMs: TIMEOUT_MS } });
});

afterAll(async () => {
  expect(harness.log.errors).toEqual([]);
  await harness.close();
});

/** A user with one uploaded file; returns the file and its card. */
async function withFile(name = 'draft.mkv') {
  const alice = newUser();
  const messageId = await harness.transport.sendFile(alice, mediaOf('video', { fileName: name }));
  const file = await findFileByOrigin(harness.db, alice.id, { chatId: alice.id, messageId });
  return { alice, fileId: file!.id, cardId: harness.transport.lastBotMessage(alice.id).id };
}

async function createFolder(user: BotUser, name: string): Promise<string> {
  await harness.transport.sendText(user, `/newfolder ${name}`);
  const folder = (await listFolders(harness.db, user.id)).find((candidate) => candidate.name === name);
  return folder!.id;
}

const text = (user: BotUser, messageId: number) => harness.transport.messageById(user.id, messageId).text;

describe('renaming a file', () => {
  it('asks for the name, renames, and refreshes the card', async () => {
    const { alice, fileId, cardId } = await withFile();
    await harness.transport.press(alice, cardId, '✏️ Rename');
    const prompt = harness.transport.lastBotMessage(alice.id);
    expect(prompt.text).toBe('✏️ What should <b>draft.mkv</b> be called? Send me the new name.');

    await harness.transport.sendText(alice, '  The Final Cut.mkv ');
    expect((await getFile(harness.db, alice.id, fileId))?.name).toBe('The Final Cut.mkv');
    expect(text(alice, prompt.id)).toBe('✅ Renamed to <b>The Final Cut.mkv</b>.');
    expect(harness.transport.labels(alice.id, prompt.id)).toEqual([]);
    expect(text(alice, cardId)).toContain('<b>The Final Cut.mkv</b>');
    const [, renamed] = await harness.libraryEvents(alice.id);
    expect(renamed).toMatchObject({
      type: 'FileRenamed',
      data: { from: 'draft.mkv', to: 'The Final Cut.mkv' },
      metadata: { source: 'bot', actorId: alice.id, deviceId: null },
    });
  });

  it('explains a refused name and waits for another', async () => {
    const { alice, fileId, cardId } = await withFile();
    await harness.transport.press(alice, cardId, '✏️ Rename');
    await harness.transport.sendText(alice, 'a/b');
    expect(harness.transport.lastBotMessage(alice.id).text).toBe(
      'That name won\'t work: a name must not contain "/".\nSend me another name, or tap Cancel.',
    );
    await harness.transport.sendText(alice, 'ab.mkv');
    expect((await getFile(harness.db, alice.id, fileId))?.name).toBe('ab.mkv');
  });

  it('can be cancelled; the next text is a search again', async () => {
    const { alice, fileId, cardId } = await withFile();
    await harness.transport.press(alice, cardId, '✏️ Rename');
    const prompt = harness.transport.lastBotMessage(alice.id);
    expect(await harness.transport.press(alice, prompt.id, '✖ Cancel')).toEqual({ text: 'Cancelled.' });
    expect(text(alice, prompt.id)).toBe('Cancelled.');

    await harness.transport.sendText(alice, 'draft');
    expect(harness.transport.lastBotMessage(alice.id).text).toContain('Results for <b>draft</b>');
    expect((await getFile(harness.db, alice.id, fileId))?.name).toBe('draft.mkv');
  });

  it('is cancelled by /cancel and by any other command', async () => {
    const { alice, cardId } = await withFile();
    await harness.transport.press(alice, cardId, '✏️ Rename');
    await harness.transport.sendText(alice, '/cancel');
    expect(harness.transport.lastBotMessage(alice.id).text).toBe('Cancelled.');

    await harness.transport.press(alice, cardId, '✏️ Rename');
    const prompt = harness.transport.lastBotMessage(alice.id);
    await harness.transport.sendText(alice, '/help');
    expect(text(alice, prompt.id)).toBe('Cancelled.');
  });

  it('lapses after a while of silence', async () => {
    const { alice, fileId, cardId } = await withFile();
    await harness.transport.press(alice, cardId, '✏️ Rename');
    const prompt = harness.transport.lastBotMessage(alice.id);
    harness.clock.advance(TIMEOUT_MS + 1);

    await harness.transport.sendText(alice, 'too late.mkv');
    expect(harness.transport.lastBotMessage(alice.id).text).toContain('That took a while');
    expect(text(alice, prompt.id)).toContain('That took a while');
    expect((await getFile(harness.db, alice.id, fileId))?.name).toBe('draft.mkv');
  });

  it('ends when the file is gone meanwhile', async () => {
    const { alice, cardId } = await withFile();
    await harness.transport.press(alice, cardId, '✏️ Rename');
    const prompt = harness.transport.lastBotMessage(alice.id);
    await harness.transport.press(alice, cardId, '🗑 Delete');
    await harness.transport.press(alice, cardId, '❌ Delete for good');
    await harness.transport.press(alice, cardId, '❌ Yes, delete for good');

    await harness.transport.sendText(alice, 'new name.mkv');
    expect(text(alice, prompt.id)).toBe('I cannot find that file any more. It may have been deleted.');
    await harness.transport.sendText(alice, 'new name.mkv');
    expect(harness.transport.lastBotMessage(alice.id).text).toContain('Nothing matches');
  });

  it('a second rename replaces the first', async () => {
    const { alice, fileId, cardId } = await withFile();
    await harness.transport.press(alice, cardId, '✏️ Rename');
    const first = harness.transport.lastBotMessage(alice.id);
    await harness.transport.press(alice, cardId, '✏️ Rename');
    expect(text(alice, first.id)).toBe('Cancelled.');
    await harness.transport.sendText(alice, 'once.mkv');
    expect((await getFile(harness.db, alice.id, fileId))?.name).toBe('once.mkv');
  });
});

describe('moving', () => {
  it('a file: pick a folder in the picker, the card shows where it went', async () => {
    const { alice, fileId, cardId } = await withFile();
    const films = await createFolder(alice, 'Films');
    await createFolder(alice, 'Music');

    await harness.transport.press(alice, cardId, '🚚 Move');
    expect(text(alice, cardId)).toContain('Where should <b>draft.mkv</b> go?');
    expect(harness.transport.labels(alice.id, cardId)).toEqual([
      '📁 Films',
      '📁 Music',
      '📍 Move here',
      '✖ Cancel',
    ]);
    await harness.transport.press(alice, cardId, '📁 Films');
    expect(text(alice, cardId)).toContain('Now looking at 📁 <b>Films</b>');
    await harness.transport.press(alice, cardId, '📍 Move here');

    expect((await getFile(harness.db, alice.id, fileId))?.folderId).toBe(films);
    expect(text(alice, cardId)).toContain('✅ Moved <b>draft.mkv</b> to 📁 <b>Films</b>.');
    expect(text(alice, cardId)).toContain('📁 Films\nAdded');
    const moved = (await harness.libraryEvents(alice.id)).find((event) => event.type === 'FileMoved');
    expect(moved?.metadata).toMatchObject({ source: 'bot' });
  });

  it('can be cancelled, which brings the card back', async () => {
    const { alice, fileId, cardId } = await withFile();
    await createFolder(alice, 'Films');
    await harness.transport.press(alice, cardId, '🚚 Move');
    await harness.transport.press(alice, cardId, '✖ Cancel');
    expect(text(alice, cardId)).toContain('Cancelled.\n\n🎬 <b>draft.mkv</b>');
    expect((await getFile(harness.db, alice.id, fileId))?.folderId).toBeNull();
    expect(await harness.transport.press(alice, cardId, '🚚 Move')).toBeUndefined();
  });

  it('a folder: never into itself, and a refusal keeps the picker open', async () => {
    const alice = newUser();
    const films = await createFolder(alice, 'Films');
    await harness.transport.sendText(alice, '/folders');
    const view = harness.transport.lastBotMessage(alice.id);
    await harness.transport.press(alice, view.id, '📁 Films');
    await harness.transport.press(alice, view.id, '➕ New folder');
    await harness.transport.sendText(alice, 'Action');
    const action = (await listFolders(harness.db, alice.id, { parentId: films }))[0]!;
    expect(harness.transport.labels(alice.id, view.id)).toContain('📁 Action');

    await harness.transport.press(alice, view.id, '🚚 Move');
    expect(harness.transport.labels(alice.id, view.id)).not.toContain('📁 Films');
    // A picker button of the folder's own subfolder, as a stale message could still show it.
    const intoAction = encodeCallbackData({ type: 'moveHere', folderId: action.id });
    const answer = await harness.transport.pressData(alice, view.id, intoAction);
    expect(answer).toEqual({
      text: 'A folder cannot go inside itself or one of its own subfolders.',
      alert: true,
    });
    expect(text(alice, view.id)).toContain('Where should <b>Films</b> go?');
    await harness.transport.press(alice, view.id, '✖ Cancel');
    expect((await getFolder(harness.db, alice.id, films))?.parentId).toBeNull();
  });

  it('a stale picker is retired', async () => {
    const { alice, cardId } = await withFile();
    await harness.transport.press(alice, cardId, '🚚 Move');
    harness.clock.advance(TIMEOUT_MS + 1);
    expect(await harness.transport.press(alice, cardId, '📍 Move here')).toEqual({
      text: 'This menu has expired.',
    });
    expect(text(alice, cardId)).toContain('That took a while');
    expect(harness.transport.labels(alice.id, cardId)).toContain('🚚 Move');
  });
});

describe('new folder by button', () => {
  it('asks for the name and refreshes the listing', async () => {
    const alice = newUser();
    await harness.transport.sendText(alice, '/folders');
    const view = harness.transport.lastBotMessage(alice.id);
    await harness.transport.press(alice, view.id, '➕ New folder');
    const prompt = harness.transport.lastBotMessage(alice.id);
    expect(prompt.text).toContain('What should the new folder in <b>My files</b> be called?');

    await harness.transport.sendText(alice, 'Series');
    expect(text(alice, prompt.id)).toBe('📁 Created the folder <b>Series</b>.');
    expect(harness.transport.labels(alice.id, prompt.id)).toEqual(['📁 Series']);
    expect(harness.transport.labels(alice.id, view.id)).toContain('📁 Series');
  });

  it('renames a folder by conversation', async () => {
    const alice = newUser();
    const folderId = await createFolder(alice, 'Tmp');
    const view = harness.transport.lastBotMessage(alice.id);
    await harness.transport.press(alice, view.id, '✏️ Rename');
    await harness.transport.sendText(alice, 'Keep');
    expect((await getFolder(harness.db, alice.id, folderId))?.name).toBe('Keep');
    expect(text(alice, view.id)).toContain('📁 <b>Keep</b>');
  });
});
