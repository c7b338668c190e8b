import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { id, makeEvent, USER_A, USER_B } from '../testing/event-builder.ts';
import { uploaded } from '../testing/library-events.ts';
import { createProjectionHarness, type ProjectionHarness } from '../testing/projection-harness.ts';
import {
  type FileDto,
  findFileByOrigin,
  getFile,
  type LibraryFilesTables,
  type ListFilesOptions,
  libraryFilesProjection,
  listFiles,
  listRecentFiles,
} from './library-files.projection.ts';
import { InvalidCursorError } from './pagination.ts';

let harness: ProjectionHarness<LibraryFilesTables>;
beforeAll(async () => {
  harness = await createProjectionHarness([libraryFilesProjection]);
});
afterAll(() => harness.close());

const FOLDER = id(900);
const OTHER_FOLDER = id(901);

/** Every page of a listing, following the cursors. */
async function allPages(userId: string, options: ListFilesOptions): Promise<FileDto[][]> {
  const pages: FileDto[][] = [];
  let cursor: string | undefined;
  do {
    const page = await listFiles(harness.db, userId, { ...options, ...(cursor ? { cursor } : {}) });
    pages.push(page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return pages;
}

describe('library_files projection', () => {
  it('records an upload with everything the clients and the stream engine need', async () => {
    const events = [
      uploaded(
        id(1),
        {
          folderId: FOLDER,
          name: 'Arrival.mkv',
          size: 4_500_000_000,
          mimeType: 'video/x-matroska',
          durationSeconds: 6960.5,
          thumbnail: { width: 320, height: 180, size: 9000 },
          origin: { chatId: '42', messageId: 7 },
          telegram: { channelId: '-100123', messageId: 99, documentId: '5012345678901234567', dcId: 4 },
        },
        { occurredAt: '2025-02-03T04:05:06.789Z' },
      ),
    ];
    const { result, changes } = await harness.project(events, () => getFile(harness.db, USER_A, id(1)));
    expect(result).toEqual({
      id: id(1),
      folderId: FOLDER,
      name: 'Arrival.mkv',
      size: 4_500_000_000,
      mimeType: 'video/x-matroska',
      kind: 'video',
      durationSeconds: 6960.5,
      width: 1920,
      height: 1080,
      thumbnail: { width: 320, height: 180, size: 9000 },
      telegram: { channelId: '-100123', messageId: 99, documentId: '5012345678901234567', dcId: 4 },
      origin: { chatId: '42', messageId: 7 },
      uploadedFrom: 'bot',
      trashed: false,
      trashedAt: null,
      trashedWith: null,
      uploadedAt: '2025-02-03T04:05:06.789Z',
      updatedAt: '2025-02-03T04:05:06.789Z',
    } satisfies FileDto);
    expect(changes).toEqual([{ userId: USER_A, kind: 'file', id: id(1) }]);
    expect(await findFileByOrigin(harness.db, USER_A, { chatId: '42', messageId: 7 })).toEqual(result);
    expect(await findFileByOrigin(harness.db, USER_A, { chatId: '42', messageId: 8 })).toBeNull();
  });

  it('follows renames, moves, trash and restore', async () => {
    const events = [
      uploaded(id(1), { name: 'a.mkv' }),
      makeEvent('FileRenamed', { fileId: id(1), from: 'a.mkv', to: 'b.mkv' }),
      makeEvent('FileMoved', { fileId: id(1), fromFolderId: null, toFolderId: FOLDER }),
      makeEvent('FileTrashed', { fileId: id(1) }, { occurredAt: '2025-03-01T00:00:00.000Z' }),
    ];
    const { result: trashed, changes } = await harness.project(events, () =>
      getFile(harness.db, USER_A, id(1)),
    );
    expect(trashed).toMatchObject({
      name: 'b.mkv',
      folderId: FOLDER,
      trashed: true,
      trashedAt: '2025-03-01T00:00:00.000Z',
      trashedWith: null,
      updatedAt: '2025-03-01T00:00:00.000Z',
    });
    expect(changes).toHaveLength(4);

    const restore = makeEvent('FileRestored', { fileId: id(1), folderId: null });
    const { result: restored } = await harness.project([...events, restore], () =>
      getFile(harness.db, USER_A, id(1)),
    );
    expect(restored).toMatchObject({ name: 'b.mkv', folderId: null, trashed: false, trashedAt: null });
  });

  it('removes a file deleted forever and says so live', async () => {
    const events = [
      uploaded(id(1)),
      makeEvent('FileTrashed', { fileId: id(1) }),
      makeEvent('FileDeleted', {
        fileId: id(1),
        telegram: { channelId: '-1001', messageId: 1, documentId: 'd', dcId: 2 },
      }),
    ];
    const { result, changes } = await harness.project(events, () => getFile(harness.db, USER_A, id(1)));
    expect(result).toBeNull();
    expect(changes.at(-1)).toEqual({ userId: USER_A, kind: 'file', id: id(1), removed: true });
  });

  it('trashes, restores and deletes the files of a folder cascade', async () => {
    const setup = [
      uploaded(id(1), { folderId: FOLDER }),
      uploaded(id(2), { folderId: FOLDER }),
      uploaded(id(3), { folderId: OTHER_FOLDER }),
      makeEvent('FileTrashed', { fileId: id(2) }),
      makeEvent('FolderTrashed', {
        folderId: FOLDER,
        descendantFolderIds: [OTHER_FOLDER],
        fileIds: [id(1), id(3)],
      }),
    ];
    const state = async () =>
      Object.fromEntries(
        await Promise.all(
          [1, 2, 3].map(async (n) => {
            const file = await getFile(harness.db, USER_A, id(n));
            return [n, file && { trashed: file.trashed, trashedWith: file.trashedWith }] as const;
          }),
        ),
      );
    const { result: afterTrash } = await harness.project(setup, state);
    expect(afterTrash).toEqual({
      1: { trashed: true, trashedWith: FOLDER },
      2: { trashed: true, trashedWith: null },
      3: { trashed: true, trashedWith: FOLDER },
    });

    const restore = makeEvent('FolderRestored', {
      folderId: FOLDER,
      parentId: null,
      descendantFolderIds: [OTHER_FOLDER],
      fileIds: [id(1), id(3)],
    });
    const { result: afterRestore } = await harness.project([...setup, restore], state);
    expect(afterRestore).toEqual({
      1: { trashed: false, trashedWith: null },
      2: { trashed: true, trashedWith: null },
      3: { trashed: false, trashedWith: null },
    });

    const location = { channelId: '-1001', messageId: 1, documentId: 'd', dcId: 2 };
    const deleted = makeEvent('FolderDeleted', {
      folderId: FOLDER,
      descendantFolderIds: [OTHER_FOLDER],
      files: [1, 2, 3].map((n) => ({ fileId: id(n), telegram: location })),
    });
    const { result: afterDelete, changes } = await harness.project([...setup, deleted], state);
    expect(afterDelete).toEqual({ 1: null, 2: null, 3: null });
    expect(changes.filter((change) => change.removed).map((change) => change.id)).toEqual([
      id(1),
      id(2),
      id(3),
    ]);
  });

  it('lists with filters: folder, root, kind and trash', async () => {
    const events = [
      uploaded(id(1), { name: 'root video.mp4' }),
      uploaded(id(2), { name: 'song.mp3', kind: 'audio', folderId: FOLDER }),
      uploaded(id(3), { name: 'movie.mp4', folderId: FOLDER }),
      uploaded(id(4), { name: 'old.mp4', folderId: FOLDER }),
      makeEvent('FileTrashed', { fileId: id(4) }),
    ];
    const names = (page: { items: FileDto[] }) => page.items.map((file) => file.name);
    const { result } = await harness.project(events, async () => ({
      root: names(await listFiles(harness.db, USER_A, { folderId: null })),
      folder: names(await listFiles(harness.db, USER_A, { folderId: FOLDER })),
      everywhere: names(await listFiles(harness.db, USER_A)),
      videos: names(await listFiles(harness.db, USER_A, { kind: 'video' })),
      trash: names(await listFiles(harness.db, USER_A, { trashed: true })),
    }));
    expect(result).toEqual({
      root: ['root video.mp4'],
      folder: ['movie.mp4', 'song.mp3'],
      everywhere: ['movie.mp4', 'root video.mp4', 'song.mp3'],
      videos: ['movie.mp4', 'root video.mp4'],
      trash: ['old.mp4'],
    });
  });

  it('sorts naturally by name and pages through ties without losing or repeating a file', async () => {
    const names = ['Episode 10.mkv', 'episode 2.mkv', 'Episode 1.mkv', 'Episode 2.mkv', 'Bonus.mkv'];
    const sizes = [300, 100, 100, 100, 200];
    const events = names.map((name, index) => uploaded(id(index + 1), { name, size: sizes[index]! }));
    await harness.project(events, () => listFiles(harness.db, USER_A));

    const byName = await allPages(USER_A, { sort: 'name', limit: 2 });
    expect(byName.map((page) => page.length)).toEqual([2, 2, 1]);
    const order = byName.flat().map((file) => file.name);
    expect(order[0]).toBe('Bonus.mkv');
    expect(order[1]).toBe('Episode 1.mkv');
    expect(order.slice(2, 4).sort()).toEqual(['Episode 2.mkv', 'episode 2.mkv']);
    expect(order[4]).toBe('Episode 10.mkv');

    const byNameDesc = (await allPages(USER_A, { sort: 'name', direction: 'desc', limit: 2 })).flat();
    expect(byNameDesc.map((file) => file.id)).toEqual(
      byName
        .flat()
        .map((file) => file.id)
        .reverse(),
    );

    // Three files of 100 bytes: pages of one must still visit each exactly once.
    const bySize = (await allPages(USER_A, { sort: 'size', limit: 1 })).flat();
    expect(bySize.map((file) => file.size)).toEqual([100, 100, 100, 200, 300]);
    expect(new Set(bySize.map((file) => file.id)).size).toBe(5);

    const newestFirst = (await allPages(USER_A, { sort: 'uploadedAt', direction: 'desc', limit: 3 })).flat();
    expect(newestFirst.map((file) => file.id)).toEqual([5, 4, 3, 2, 1].map(id));
  });

  it('refuses a malformed cursor or one from another sort order', async () => {
    await harness.project([uploaded(id(1)), uploaded(id(2))], () => listFiles(harness.db, USER_A));
    const { nextCursor } = await listFiles(harness.db, USER_A, { sort: 'size', limit: 1 });
    expect(nextCursor).not.toBeNull();
    await expect(listFiles(harness.db, USER_A, { sort: 'name', cursor: nextCursor! })).rejects.toThrow(
      InvalidCursorError,
    );
    await expect(listFiles(harness.db, USER_A, { cursor: 'nonsense' })).rejects.toThrow(InvalidCursorError);
  });

  it('lists recent uploads, newest first, without trashed files', async () => {
    const events = [
      uploaded(id(1)),
      uploaded(id(2), { kind: 'audio', mimeType: 'audio/mpeg' }),
      uploaded(id(3)),
      makeEvent('FileTrashed', { fileId: id(3) }),
    ];
    const { result } = await harness.project(events, async () => ({
      all: (await listRecentFiles(harness.db, USER_A)).map((file) => file.id),
      videos: (await listRecentFiles(harness.db, USER_A, { kind: 'video' })).map((file) => file.id),
      one: (await listRecentFiles(harness.db, USER_A, { limit: 1 })).map((file) => file.id),
    }));
    expect(result).toEqual({ all: [id(2), id(1)], videos: [id(1)], one: [id(2)] });
  });

  it("keeps each user's library to that user", async () => {
    const events = [
      uploaded(id(1), { origin: { chatId: '1', messageId: 1 } }),
      uploaded(id(2), { origin: { chatId: '1', messageId: 1 } }, { userId: USER_B }),
      // An event of user B naming user A's file changes nothing of A's.
      makeEvent('FileTrashed', { fileId: id(1) }, { userId: USER_B }),
    ];
    const { result } = await harness.project(events, async () => ({
      a: (await listFiles(harness.db, USER_A)).items.map((file) => [file.id, file.trashed]),
      b: (await listFiles(harness.db, USER_B)).items.map((file) => [file.id, file.trashed]),
      bSeesA: await getFile(harness.db, USER_B, id(1)),
      byOrigin: (await findFileByOrigin(harness.db, USER_B, { chatId: '1', messageId: 1 }))?.id,
    }));
    expect(result).toEqual({ a: [[id(1), false]], b: [[id(2), false]], bSeesA: null, byOrigin: id(2) });
  });
});
