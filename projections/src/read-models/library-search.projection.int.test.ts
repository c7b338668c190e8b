import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { id, makeEvent, USER_A, USER_B } from '../testing/event-builder.ts';
import { folderCreated, uploaded } from '../testing/library-events.ts';
import { createProjectionHarness, type ProjectionHarness } from '../testing/projection-harness.ts';
import {
  type LibrarySearchTables,
  librarySearchProjection,
  searchLibrary,
} from './library-search.projection.ts';

let harness: ProjectionHarness<LibrarySearchTables>;
beforeAll(async () => {
  harness = await createProjectionHarness([librarySearchProjection]);
});
afterAll(() => harness.close());

const MOVIES = id(100);
const MUSIC = id(101);

const library = () => [
  folderCreated(MOVIES, 'Movies'),
  folderCreated(MUSIC, 'Music'),
  uploaded(id(1), { name: 'Interstellar (2014).mkv', folderId: MOVIES }),
  uploaded(id(2), { name: 'Stellar Dreams.mp3', kind: 'audio', mimeType: 'audio/mpeg', folderId: MUSIC }),
  uploaded(id(3), { name: 'stellar', kind: 'document', mimeType: 'text/plain' }),
  uploaded(id(4), { name: 'The Matrix.1999.1080p.mkv', folderId: MOVIES }),
  uploaded(id(5), { name: '100% Pure.mp4' }),
];

const search = async (userId: string, q: string, options = {}) =>
  (await searchLibrary(harness.db, userId, q, options)).map((result) => [result.name, result.match]);

describe('library_search projection', () => {
  it('ranks the exact name first, then prefixes, then substrings', async () => {
    const { result } = await harness.project(library(), () => search(USER_A, 'stellar'));
    expect(result).toEqual([
      ['stellar', 'exact'],
      ['Stellar Dreams.mp3', 'prefix'],
      ['Interstellar (2014).mkv', 'substring'],
    ]);
  });

  it('finds names despite a typo, after the substring matches', async () => {
    const { result } = await harness.project(library(), () => searchLibrary(harness.db, USER_A, 'matrx'));
    expect(result.map((hit) => [hit.name, hit.match])).toEqual([['The Matrix.1999.1080p.mkv', 'similar']]);
    expect(result[0]?.score).toBeGreaterThan(0.5);
  });

  it('describes where a result is and what it is', async () => {
    const { result } = await harness.project(library(), () => searchLibrary(harness.db, USER_A, 'inter'));
    expect(result).toEqual([
      {
        type: 'file',
        id: id(1),
        name: 'Interstellar (2014).mkv',
        kind: 'video',
        mimeType: 'video/mp4',
        size: 1000,
        parentId: MOVIES,
        parentName: 'Movies',
        match: 'prefix',
        score: expect.closeTo(0.83, 2),
      },
    ]);
  });

  it('filters by kind and by type', async () => {
    const { result } = await harness.project(library(), async () => ({
      audio: await search(USER_A, 'stellar', { kind: 'audio' }),
      folders: await search(USER_A, 'mu', { type: 'folder' }),
      files: await search(USER_A, 'movies', { type: 'file' }),
    }));
    expect(result).toEqual({
      audio: [['Stellar Dreams.mp3', 'prefix']],
      folders: [['Music', 'prefix']],
      files: [],
    });
  });

  it('takes LIKE wildcards in the query literally and finds nothing for a blank query', async () => {
    const { result } = await harness.project(library(), async () => ({
      percent: await search(USER_A, '100%'),
      underscore: await search(USER_A, '_'),
      blank: await search(USER_A, '   '),
    }));
    expect(result).toEqual({ percent: [['100% Pure.mp4', 'prefix']], underscore: [], blank: [] });
  });

  it('leaves trashed items out and brings restored ones back', async () => {
    const trashed = [
      ...library(),
      makeEvent('FileTrashed', { fileId: id(3) }),
      makeEvent('FolderTrashed', { folderId: MUSIC, descendantFolderIds: [], fileIds: [id(2)] }),
    ];
    const { result } = await harness.project(trashed, async () => ({
      stellar: await search(USER_A, 'stellar'),
      music: await search(USER_A, 'music'),
    }));
    expect(result).toEqual({ stellar: [['Interstellar (2014).mkv', 'substring']], music: [] });

    const restored = [
      ...trashed,
      makeEvent('FolderRestored', {
        folderId: MUSIC,
        parentId: null,
        descendantFolderIds: [],
        fileIds: [id(2)],
      }),
      makeEvent('FileRestored', { fileId: id(3), folderId: MOVIES }),
    ];
    const { result: back } = await harness.project(restored, () =>
      searchLibrary(harness.db, USER_A, 'stellar'),
    );
    expect(back.map((hit) => [hit.name, hit.parentName])).toEqual([
      ['stellar', 'Movies'],
      ['Stellar Dreams.mp3', 'Music'],
      ['Interstellar (2014).mkv', 'Movies'],
    ]);
  });

  it('follows renames and moves, and forgets deleted items', async () => {
    const location = { channelId: '-1001', messageId: 1, documentId: 'd', dcId: 2 };
    const events = [
      ...library(),
      makeEvent('FolderRenamed', { folderId: MOVIES, from: 'Movies', to: 'Films' }),
      makeEvent('FileRenamed', {
        fileId: id(4),
        from: 'The Matrix.1999.1080p.mkv',
        to: 'Matrix Reloaded.mkv',
      }),
      makeEvent('FileMoved', { fileId: id(5), fromFolderId: null, toFolderId: MOVIES }),
      makeEvent('FileTrashed', { fileId: id(3) }),
      makeEvent('FileDeleted', { fileId: id(3), telegram: location }),
      makeEvent('FolderTrashed', { folderId: MUSIC, descendantFolderIds: [], fileIds: [id(2)] }),
      makeEvent('FolderDeleted', {
        folderId: MUSIC,
        descendantFolderIds: [],
        files: [{ fileId: id(2), telegram: location }],
      }),
    ];
    const { result } = await harness.project(events, async () => ({
      reloaded: (await searchLibrary(harness.db, USER_A, 'reloaded')).map((hit) => [
        hit.name,
        hit.parentName,
      ]),
      pure: (await searchLibrary(harness.db, USER_A, 'pure')).map((hit) => [hit.name, hit.parentName]),
      rows: (await harness.rows()).library_search?.length,
    }));
    expect(result).toEqual({
      reloaded: [['Matrix Reloaded.mkv', 'Films']],
      pure: [['100% Pure.mp4', 'Films']],
      rows: 4,
    });
  });

  it("searches only the user's own library", async () => {
    const events = [...library(), uploaded(id(50), { name: 'Interstellar copy.mkv' }, { userId: USER_B })];
    const { result } = await harness.project(events, async () => ({
      a: await search(USER_A, 'interstellar'),
      b: await search(USER_B, 'interstellar'),
    }));
    expect(result).toEqual({
      a: [['Interstellar (2014).mkv', 'prefix']],
      b: [['Interstellar copy.mkv', 'prefix']],
    });
  });
});
