import { getFiles, listFolders, listRecentFiles } from '@teleplay/projections';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BotUser } from './bot.transport.ts';
import { type BotHarness, newUser, startBotHarness } from './testing/bot-harness.ts';
import { mediaOf } from './testing/fake-bot-transport.ts';

let harness: BotHarness;
const SELECTION_TTL_MS = 30 * 60_000;

beforeAll(async () => {
  harness = await startBotHarness({ bot: { selectionTtlMs: SELECTION_TTL_MS } });
});

afterAll(async () => {
  expect(harness.log.errors).toEqual([]);
  await harness.close();
});

/** A user with `count` files named `clip N.mp4`, newest last, and a /myfiles listing. */
async function withFiles(count: number): Promise<{ alice: BotUser; listId: number }> {
  const alice = newUser();
  for (let n = 1; n <= count; n++) {
    await harness.transport.sendFile(
      alice,
      mediaOf('video', { fileName: `clip ${n}.mp4`, mimeType: 'video/mp4' }),
    );
    harness.clock.advance(1000);
  }
  await harness.transport.sendText(alice, '/myfiles');
  return { alice, listId: harness.transport.lastBotMessage(alice.id).id };
}

const labels = (user: BotUser, messageId: number) => harness.transport.labels(user.id, messageId);

async function namesOf(user: BotUser, folderId: string | null) {
  const files = await listRecentFiles(harness.db, user.id, { limit: 50 });
  return files
    .filter((file) => file.folderId === folderId)
    .map((file) => file.name)
    .sort();
}

describe('selecting files in a list', () => {
  it('toggles files and moves the selected ones together', async () => {
    const { alice, listId } = await withFiles(3);
    await harness.transport.sendText(alice, '/newfolder Best');
    const [best] = await listFolders(harness.db, alice.id);

    await harness.transport.press(alice, listId, '☑️ Select');
    expect(labels(alice, listId)).toEqual([
      '☐ 🎬 clip 3.mp4',
      '☐ 🎬 clip 2.mp4',
      '☐ 🎬 clip 1.mp4',
      '🚚 Move (0)',
      '🗑 Delete (0)',
      '✔ Done',
    ]);
    await harness.transport.press(alice, listId, '☐ 🎬 clip 3.mp4');
    await harness.transport.press(alice, listId, '☐ 🎬 clip 1.mp4');
    await harness.transport.press(alice, listId, '☐ 🎬 clip 2.mp4');
    await harness.transport.press(alice, listId, '☑ 🎬 clip 2.mp4');
    expect(harness.transport.messageById(alice.id, listId).text).toContain('Selected: 2');

    await harness.transport.press(alice, listId, '🚚 Move (2)');
    expect(harness.transport.messageById(alice.id, listId).text).toContain('Where should <b>2 files</b> go?');
    await harness.transport.press(alice, listId, '📁 Best');
    await harness.transport.press(alice, listId, '📍 Move here');

    expect(await namesOf(alice, best!.id)).toEqual(['clip 1.mp4', 'clip 3.mp4']);
    expect(await namesOf(alice, null)).toEqual(['clip 2.mp4']);
    const listing = harness.transport.messageById(alice.id, listId);
    expect(listing.text).toContain('✅ Moved <b>2 files</b> to 📁 <b>Best</b>.');
    expect(labels(alice, listId)).toContain('☑️ Select');
    const moves = (await harness.libraryEvents(alice.id)).filter((event) => event.type === 'FileMoved');
    expect(moves).toHaveLength(2);
    expect(moves.every((event) => (event.metadata as { source: string }).source === 'bot')).toBe(true);
  });

  it('keeps the selection across pages and trashes it after a confirmation', async () => {
    const { alice, listId } = await withFiles(10);
    await harness.transport.press(alice, listId, '☑️ Select');
    await harness.transport.press(alice, listId, '☐ 🎬 clip 10.mp4');
    await harness.transport.press(alice, listId, 'Next ▶');
    await harness.transport.press(alice, listId, '☐ 🎬 clip 1.mp4');
    expect(labels(alice, listId)).toContain('🗑 Delete (2)');

    await harness.transport.press(alice, listId, '🗑 Delete (2)');
    expect(harness.transport.messageById(alice.id, listId).text).toBe('Move 2 files to the trash?');
    await harness.transport.press(alice, listId, 'No, keep it');
    expect(labels(alice, listId)).toContain('☑ 🎬 clip 1.mp4');

    await harness.transport.press(alice, listId, '🗑 Delete (2)');
    await harness.transport.press(alice, listId, '🗑 Yes, move to trash');
    const left = (await listRecentFiles(harness.db, alice.id, { limit: 50 })).map((file) => file.name);
    expect(left).toHaveLength(8);
    expect(left).not.toContain('clip 10.mp4');
    expect(left).not.toContain('clip 1.mp4');
    expect(harness.transport.messageById(alice.id, listId).text).toContain('Moved 2 files to the trash.');
  });

  it('in a folder offers only its files, and Done leaves selection mode', async () => {
    const alice = newUser();
    await harness.transport.sendText(alice, '/newfolder Box');
    const view = harness.transport.lastBotMessage(alice.id);
    await harness.transport.press(alice, view.id, '➕ New folder');
    await harness.transport.sendText(alice, 'Inner');

    await harness.transport.press(alice, view.id, '☑️ Select');
    expect(labels(alice, view.id)).toEqual(['🚚 Move (0)', '🗑 Delete (0)', '✔ Done']);
    expect(await harness.transport.press(alice, view.id, '🚚 Move (0)')).toEqual({
      text: 'Select at least one file first.',
    });
    await harness.transport.press(alice, view.id, '✔ Done');
    expect(labels(alice, view.id)).toContain('📁 Inner');
  });

  it('cancelling a batch move returns to the selection', async () => {
    const { alice, listId } = await withFiles(2);
    await harness.transport.press(alice, listId, '☑️ Select');
    await harness.transport.press(alice, listId, '☐ 🎬 clip 1.mp4');
    await harness.transport.press(alice, listId, '🚚 Move (1)');
    await harness.transport.press(alice, listId, '✖ Cancel');
    expect(labels(alice, listId)).toContain('☑ 🎬 clip 1.mp4');
  });

  it('lapses after a while', async () => {
    const { alice, listId } = await withFiles(1);
    await harness.transport.press(alice, listId, '☑️ Select');
    harness.clock.advance(SELECTION_TTL_MS + 1);
    expect(await harness.transport.press(alice, listId, '☐ 🎬 clip 1.mp4')).toEqual({
      text: 'This selection has expired. Open /myfiles or /folders again.',
    });
    const ids = (await listRecentFiles(harness.db, alice.id)).map((file) => file.id);
    expect((await getFiles(harness.db, alice.id, ids)).every((file) => !file.trashed)).toBe(true);
  });
});
