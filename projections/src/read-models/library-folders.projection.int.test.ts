import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProjectedEvent } from '../projection.ts';
import { id, makeEvent, USER_A, USER_B } from '../testing/event-builder.ts';
import { folderCreated, uploaded } from '../testing/library-events.ts';
import { createProjectionHarness, type ProjectionHarness } from '../testing/projection-harness.ts';
import { type LibraryFilesTables, libraryFilesProjection } from './library-files.projection.ts';
import {
  type FolderDto,
  getFolder,
  getFolderContents,
  getFolderPath,
  getFolderTree,
  type LibraryFoldersTables,
  libraryFoldersProjection,
  listFolders,
} from './library-folders.projection.ts';
import { listTrash } from './library-trash.query.ts';

let harness: ProjectionHarness<LibraryFoldersTables & LibraryFilesTables>;
beforeAll(async () => {
  harness = await createProjectionHarness([libraryFoldersProjection, libraryFilesProjection]);
});
afterAll(() => harness.close());

const MEDIA = id(100);
const MOVIES = id(101);
const SERIES = id(102);
const SEASON = id(103);
const LOCATION = { channelId: '-1001', messageId: 1, documentId: 'd', dcId: 2 };

/** Media/{Movies, Series/Season 1}, with files at every level. */
const tree = (): ProjectedEvent[] => [
  folderCreated(MEDIA, 'Media'),
  folderCreated(MOVIES, 'Movies', MEDIA),
  folderCreated(SERIES, 'Series', MEDIA),
  folderCreated(SEASON, 'Season 1', SERIES),
  uploaded(id(1), { folderId: MEDIA, size: 1 }),
  uploaded(id(2), { folderId: MOVIES, size: 20 }),
  uploaded(id(3), { folderId: MOVIES, size: 300 }),
  uploaded(id(4), { folderId: SEASON, size: 4000 }),
  uploaded(id(5), { folderId: null, size: 50_000 }),
];

type Counts = Pick<
  FolderDto,
  'folderCount' | 'fileCount' | 'size' | 'totalFolderCount' | 'totalFileCount' | 'totalSize'
>;
const counts = (folder: FolderDto | null): Counts | null =>
  folder && {
    folderCount: folder.folderCount,
    fileCount: folder.fileCount,
    size: folder.size,
    totalFolderCount: folder.totalFolderCount,
    totalFileCount: folder.totalFileCount,
    totalSize: folder.totalSize,
  };

async function countsOf(...folderIds: string[]) {
  return Promise.all(
    folderIds.map(async (folderId) => counts(await getFolder(harness.db, USER_A, folderId))),
  );
}

/** Recomputes every folder's aggregates from the rows, naively, and compares with the stored ones. */
async function expectExactAggregates() {
  const folders = await harness.db.selectFrom('library_folders').selectAll().execute();
  const files = await harness.db.selectFrom('library_folder_files').selectAll().execute();
  type Item = { trashed: boolean; trashed_with: string | null };
  const sameState = (parent: (typeof folders)[number], child: Item) =>
    parent.trashed ? child.trashed_with === (parent.trashed_with ?? parent.id) : !child.trashed;
  const aggregate = (folder: (typeof folders)[number]): Counts => {
    const subfolders = folders.filter(
      (c) => c.user_id === folder.user_id && c.parent_id === folder.id && sameState(folder, c),
    );
    const own = files.filter(
      (f) => f.user_id === folder.user_id && f.folder_id === folder.id && sameState(folder, f),
    );
    const below = subfolders.map(aggregate);
    const size = own.reduce((sum, f) => sum + f.size, 0);
    return {
      folderCount: subfolders.length,
      fileCount: own.length,
      size,
      totalFolderCount: subfolders.length + below.reduce((sum, c) => sum + c.totalFolderCount, 0),
      totalFileCount: own.length + below.reduce((sum, c) => sum + c.totalFileCount, 0),
      totalSize: size + below.reduce((sum, c) => sum + c.totalSize, 0),
    };
  };
  for (const folder of folders) {
    expect(
      {
        folderCount: folder.folder_count,
        fileCount: folder.file_count,
        size: folder.size,
        totalFolderCount: folder.total_folder_count,
        totalFileCount: folder.total_file_count,
        totalSize: folder.total_size,
      },
      `aggregates of ${folder.name}`,
    ).toEqual(aggregate(folder));
  }
}

describe('library_folders projection', () => {
  it('keeps direct and recursive counts and sizes', async () => {
    const { result } = await harness.project(tree(), () => countsOf(MEDIA, MOVIES, SERIES, SEASON));
    expect(result).toEqual([
      { folderCount: 2, fileCount: 1, size: 1, totalFolderCount: 3, totalFileCount: 4, totalSize: 4321 },
      { folderCount: 0, fileCount: 2, size: 320, totalFolderCount: 0, totalFileCount: 2, totalSize: 320 },
      { folderCount: 1, fileCount: 0, size: 0, totalFolderCount: 1, totalFileCount: 1, totalSize: 4000 },
      { folderCount: 0, fileCount: 1, size: 4000, totalFolderCount: 0, totalFileCount: 1, totalSize: 4000 },
    ]);
    await expectExactAggregates();
  });

  it('emits the folders whose rows changed, and only those', async () => {
    await harness.project(tree(), async () => null);
    const upload = await harness.apply([uploaded(id(6), { folderId: SEASON, size: 1 })]);
    const folders = upload.filter((change) => change.kind === 'folder');
    expect(folders.map((change) => change.id).sort()).toEqual([MEDIA, SERIES, SEASON].sort());
    const rename = await harness.apply([
      makeEvent('FolderRenamed', { folderId: SEASON, from: 'Season 1', to: 'S1' }),
    ]);
    expect(rename).toEqual([{ userId: USER_A, kind: 'folder', id: SEASON }]);
  });

  it('moves files and whole subtrees between folders', async () => {
    const events = [
      ...tree(),
      makeEvent('FileMoved', { fileId: id(2), fromFolderId: MOVIES, toFolderId: SEASON }),
      makeEvent('FolderMoved', { folderId: SERIES, fromParentId: MEDIA, toParentId: null }),
    ];
    const { result } = await harness.project(events, () => countsOf(MEDIA, MOVIES, SERIES));
    expect(result).toEqual([
      { folderCount: 1, fileCount: 1, size: 1, totalFolderCount: 1, totalFileCount: 2, totalSize: 301 },
      { folderCount: 0, fileCount: 1, size: 300, totalFolderCount: 0, totalFileCount: 1, totalSize: 300 },
      { folderCount: 1, fileCount: 0, size: 0, totalFolderCount: 1, totalFileCount: 2, totalSize: 4020 },
    ]);
    expect((await getFolder(harness.db, USER_A, SERIES))?.parentId).toBeNull();
    await expectExactAggregates();
  });

  it('counts what a trashed folder took along, and gives it back on restore', async () => {
    const trashed = [
      ...tree(),
      makeEvent('FileTrashed', { fileId: id(3) }, { occurredAt: '2025-05-01T00:00:00.000Z' }),
      makeEvent(
        'FolderTrashed',
        { folderId: SERIES, descendantFolderIds: [SEASON], fileIds: [id(4)] },
        { occurredAt: '2025-05-02T00:00:00.000Z' },
      ),
    ];
    const { result } = await harness.project(trashed, () => countsOf(MEDIA, MOVIES, SERIES, SEASON));
    expect(result).toEqual([
      { folderCount: 1, fileCount: 1, size: 1, totalFolderCount: 1, totalFileCount: 2, totalSize: 21 },
      { folderCount: 0, fileCount: 1, size: 20, totalFolderCount: 0, totalFileCount: 1, totalSize: 20 },
      { folderCount: 1, fileCount: 0, size: 0, totalFolderCount: 1, totalFileCount: 1, totalSize: 4000 },
      { folderCount: 0, fileCount: 1, size: 4000, totalFolderCount: 0, totalFileCount: 1, totalSize: 4000 },
    ]);
    expect(await getFolder(harness.db, USER_A, SEASON)).toMatchObject({
      trashed: true,
      trashedWith: SERIES,
      trashedAt: '2025-05-02T00:00:00.000Z',
    });
    await expectExactAggregates();

    const restored = [
      ...trashed,
      makeEvent('FolderRestored', {
        folderId: SERIES,
        parentId: MEDIA,
        descendantFolderIds: [SEASON],
        fileIds: [id(4)],
      }),
    ];
    const { result: afterRestore } = await harness.project(restored, () => countsOf(MEDIA, SERIES));
    expect(afterRestore).toEqual([
      { folderCount: 2, fileCount: 1, size: 1, totalFolderCount: 3, totalFileCount: 3, totalSize: 4021 },
      { folderCount: 1, fileCount: 0, size: 0, totalFolderCount: 1, totalFileCount: 1, totalSize: 4000 },
    ]);
    expect(await getFolder(harness.db, USER_A, SEASON)).toMatchObject({
      trashed: false,
      trashedWith: null,
      trashedAt: null,
    });
    await expectExactAggregates();
  });

  it('drops a folder deleted forever with everything below it', async () => {
    const events = [
      ...tree(),
      makeEvent('FolderTrashed', { folderId: SERIES, descendantFolderIds: [SEASON], fileIds: [id(4)] }),
      makeEvent('FolderDeleted', {
        folderId: SERIES,
        descendantFolderIds: [SEASON],
        files: [{ fileId: id(4), telegram: LOCATION }],
      }),
    ];
    const { result, changes } = await harness.project(events, async () => ({
      series: await getFolder(harness.db, USER_A, SERIES),
      season: await getFolder(harness.db, USER_A, SEASON),
      media: counts(await getFolder(harness.db, USER_A, MEDIA)),
    }));
    expect(result).toEqual({
      series: null,
      season: null,
      media: {
        folderCount: 1,
        fileCount: 1,
        size: 1,
        totalFolderCount: 1,
        totalFileCount: 3,
        totalSize: 321,
      },
    });
    const removedFolders = changes.filter((change) => change.kind === 'folder' && change.removed);
    expect(removedFolders.map((change) => change.id)).toEqual([SERIES, SEASON]);
    await expectExactAggregates();
  });

  it('renames and lists live folders by name', async () => {
    const events = [
      ...tree(),
      makeEvent('FolderRenamed', { folderId: MOVIES, from: 'Movies', to: 'Films' }),
      folderCreated(id(104), 'Old'),
      makeEvent('FolderTrashed', { folderId: id(104), descendantFolderIds: [], fileIds: [] }),
    ];
    const { result } = await harness.project(events, async () => ({
      all: (await listFolders(harness.db, USER_A)).map((folder) => folder.name),
      top: (await listFolders(harness.db, USER_A, { parentId: null })).map((folder) => folder.name),
      inMedia: (await listFolders(harness.db, USER_A, { parentId: MEDIA })).map((folder) => folder.name),
    }));
    expect(result).toEqual({
      all: ['Films', 'Media', 'Season 1', 'Series'],
      top: ['Media'],
      inMedia: ['Films', 'Series'],
    });
  });

  it('gives a folder its breadcrumb, subfolders and files', async () => {
    const { result } = await harness.project(tree(), async () => ({
      path: await getFolderPath(harness.db, USER_A, SEASON),
      contents: await getFolderContents(harness.db, USER_A, MEDIA),
      root: await getFolderContents(harness.db, USER_A, null),
      missing: await getFolderContents(harness.db, USER_A, id(999)),
    }));
    expect(result.path).toEqual([
      { id: MEDIA, name: 'Media' },
      { id: SERIES, name: 'Series' },
      { id: SEASON, name: 'Season 1' },
    ]);
    expect(result.contents?.folder?.id).toBe(MEDIA);
    expect(result.contents?.path).toEqual([{ id: MEDIA, name: 'Media' }]);
    expect(result.contents?.folders.map((folder) => folder.name)).toEqual(['Movies', 'Series']);
    expect(result.contents?.files.items.map((file) => file.id)).toEqual([id(1)]);
    expect(result.root).toMatchObject({ folder: null, path: [] });
    expect(result.root?.folders.map((folder) => folder.id)).toEqual([MEDIA]);
    expect(result.root?.files.items.map((file) => file.id)).toEqual([id(5)]);
    expect(result.missing).toBeNull();
  });

  it('shows inside a trashed folder what went to the trash with it', async () => {
    const events = [
      ...tree(),
      makeEvent('FileTrashed', { fileId: id(1) }),
      makeEvent('FolderTrashed', {
        folderId: MEDIA,
        descendantFolderIds: [MOVIES, SERIES, SEASON],
        fileIds: [id(2), id(3), id(4)],
      }),
    ];
    const { result } = await harness.project(events, () => getFolderContents(harness.db, USER_A, MEDIA));
    expect(result?.folder).toMatchObject({ trashed: true, folderCount: 2, fileCount: 0, totalFileCount: 3 });
    expect(result?.folders.map((folder) => folder.name)).toEqual(['Movies', 'Series']);
    // File 1 was trashed on its own before: it is a separate entry of the trash.
    expect(result?.files.items).toEqual([]);
  });

  it('builds the folder tree for a picker', async () => {
    const { result } = await harness.project(tree(), () => getFolderTree(harness.db, USER_A));
    expect(result).toEqual([
      {
        id: MEDIA,
        name: 'Media',
        children: [
          { id: MOVIES, name: 'Movies', children: [] },
          { id: SERIES, name: 'Series', children: [{ id: SEASON, name: 'Season 1', children: [] }] },
        ],
      },
    ]);
  });

  it('lists the trash newest first: files and folders trashed on their own', async () => {
    const events = [
      ...tree(),
      makeEvent('FileTrashed', { fileId: id(5) }, { occurredAt: '2025-06-01T00:00:00.000Z' }),
      makeEvent(
        'FolderTrashed',
        { folderId: SERIES, descendantFolderIds: [SEASON], fileIds: [id(4)] },
        { occurredAt: '2025-06-02T00:00:00.000Z' },
      ),
      makeEvent('FileTrashed', { fileId: id(2) }, { occurredAt: '2025-06-03T00:00:00.000Z' }),
    ];
    const { result } = await harness.project(events, async () => {
      const first = await listTrash(harness.db, USER_A, { limit: 2 });
      const second = await listTrash(harness.db, USER_A, { limit: 2, cursor: first.nextCursor! });
      return { first, second };
    });
    const entry = (item: (typeof result.first.items)[number]) =>
      item.type === 'file'
        ? ['file', item.file.id, item.trashedAt]
        : ['folder', item.folder.id, item.trashedAt];
    expect(result.first.items.map(entry)).toEqual([
      ['file', id(2), '2025-06-03T00:00:00.000Z'],
      ['folder', SERIES, '2025-06-02T00:00:00.000Z'],
    ]);
    expect(result.second.items.map(entry)).toEqual([['file', id(5), '2025-06-01T00:00:00.000Z']]);
    expect(result.second.nextCursor).toBeNull();
    const folderEntry = result.first.items[1];
    expect(folderEntry?.type === 'folder' && folderEntry.folder.totalFileCount).toBe(1);
  });

  it("keeps each user's folders to that user", async () => {
    const events = [
      ...tree(),
      folderCreated(id(200), 'Theirs', null, { userId: USER_B }),
      uploaded(id(201), { folderId: id(200), size: 7 }, { userId: USER_B }),
      // User B naming user A's folder changes nothing of A's.
      makeEvent(
        'FolderTrashed',
        { folderId: MEDIA, descendantFolderIds: [], fileIds: [] },
        { userId: USER_B },
      ),
    ];
    const { result } = await harness.project(events, async () => ({
      a: (await listFolders(harness.db, USER_A, { parentId: null })).map((folder) => [
        folder.name,
        folder.trashed,
      ]),
      b: (await listFolders(harness.db, USER_B)).map((folder) => [folder.name, folder.totalSize]),
      bSeesA: await getFolder(harness.db, USER_B, MEDIA),
      bPath: await getFolderPath(harness.db, USER_B, SEASON),
      bTrash: (await listTrash(harness.db, USER_B)).items,
    }));
    expect(result).toEqual({
      a: [['Media', false]],
      b: [['Theirs', 7]],
      bSeesA: null,
      bPath: [],
      bTrash: [],
    });
  });
});
