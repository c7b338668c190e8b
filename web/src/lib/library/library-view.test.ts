import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { feedPosition, makeFile, makeFolder } from '../testing/library-fixtures.ts';
import type { LibraryFile, LibraryFolder } from './library-order.ts';
import {
  type FolderContentsPage,
  fileKey,
  folderKey,
  type LibrarySource,
  LibraryView,
} from './library-view.svelte.ts';

/** The server's side: the contents of each folder, and what searches find. */
class FakeLibrary implements LibrarySource {
  pages = new Map<string | null, FolderContentsPage>();
  found: { folders: LibraryFolder[]; files: LibraryFile[] } = { folders: [], files: [] };
  searches: string[] = [];
  async contents(folderId: string | null) {
    const page = this.pages.get(folderId);
    if (!page) throw new Error(`no folder ${folderId}`);
    return structuredClone(page);
  }
  async moreFiles() {
    return { items: [], nextCursor: null };
  }
  async search(text: string) {
    this.searches.push(text);
    return structuredClone(this.found);
  }
}

const fileChanged = (file: LibraryFile) =>
  ({ type: 'LibraryFileChanged', position: feedPosition(1), fileId: file.id, removed: false, file }) as const;
const folderChanged = (folder: LibraryFolder) =>
  ({
    type: 'LibraryFolderChanged',
    position: feedPosition(1),
    folderId: folder.id,
    removed: false,
    folder,
  }) as const;

describe('LibraryView', () => {
  let library: FakeLibrary;
  let view: LibraryView;
  const movies = makeFolder({ name: 'Movies' });
  const series = makeFolder({ name: 'Series' });
  const b = makeFile({ name: 'b.mp4' });
  const d = makeFile({ name: 'd.mp4' });

  beforeEach(async () => {
    vi.useFakeTimers();
    library = new FakeLibrary();
    library.pages.set(null, {
      folder: null,
      path: [],
      folders: [series, movies],
      files: { items: [b, d], nextCursor: null },
    });
    view = new LibraryView({ source: library, highlightMs: 5000, searchDelayMs: 200 });
    await view.open(null);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const names = () =>
    view.items.map((item) => (item.type === 'file' ? item.file.name : `${item.folder.name}/`));

  it('lists folders by name, then the files', () => {
    expect(names()).toEqual(['Movies/', 'Series/', 'b.mp4', 'd.mp4']);
  });

  it('puts a file that arrives live in its place and highlights it for a moment', () => {
    const c = makeFile({ name: 'c.mp4' });
    view.apply(fileChanged(c));
    expect(names()).toEqual(['Movies/', 'Series/', 'b.mp4', 'c.mp4', 'd.mp4']);
    expect(view.fresh.has(fileKey(c.id))).toBe(true);
    vi.advanceTimersByTime(5000);
    expect(view.fresh.has(fileKey(c.id))).toBe(false);
  });

  it('leaves out files of other folders and of other kinds', () => {
    view.apply(fileChanged(makeFile({ name: 'elsewhere.mp4', folderId: movies.id })));
    expect(names()).toHaveLength(4);
    void view.setKind('audio');
    view.apply(fileChanged(makeFile({ name: 'clip.mp4', kind: 'video' })));
    expect(view.items.some((item) => item.type === 'file' && item.file.name === 'clip.mp4')).toBe(false);
  });

  it('follows renames, moves and the trash', () => {
    view.apply(fileChanged({ ...b, name: 'z.mp4' }));
    expect(names()).toEqual(['Movies/', 'Series/', 'd.mp4', 'z.mp4']);
    expect(view.fresh.size).toBe(0);
    view.apply(fileChanged({ ...d, folderId: movies.id }));
    view.apply(folderChanged({ ...series, trashed: true }));
    expect(names()).toEqual(['Movies/', 'z.mp4']);
    view.apply({ type: 'LibraryFileChanged', position: feedPosition(2), fileId: b.id, removed: true });
    expect(names()).toEqual(['Movies/']);
  });

  it('leaves a live file for a later page when it sorts after the loaded ones', async () => {
    library.pages.set(null, {
      folder: null,
      path: [],
      folders: [],
      files: { items: [b, d], nextCursor: 'next' },
    });
    await view.load();
    view.apply(fileChanged(makeFile({ name: 'x.mp4' })));
    view.apply(fileChanged(makeFile({ name: 'c.mp4' })));
    expect(names()).toEqual(['b.mp4', 'c.mp4', 'd.mp4']);
  });

  it('says so when the open folder goes to the trash, and keeps breadcrumbs current', async () => {
    const season = makeFolder({ name: 'Season 1', parentId: series.id });
    library.pages.set(season.id, {
      folder: season,
      path: [
        { id: series.id, name: 'Series' },
        { id: season.id, name: 'Season 1' },
      ],
      folders: [],
      files: { items: [], nextCursor: null },
    });
    await view.open(season.id);
    view.apply(folderChanged({ ...series, name: 'TV shows' }));
    expect(view.path.map((crumb) => crumb.name)).toEqual(['TV shows', 'Season 1']);
    view.apply(folderChanged({ ...season, trashed: true }));
    expect(view.gone).toBe('trashed');
  });

  it('searches once typing pauses, and adds matching live arrivals to the results', async () => {
    library.found = { folders: [], files: [d] };
    view.setSearch('d');
    view.setSearch('d.m');
    await vi.advanceTimersByTimeAsync(200);
    expect(library.searches).toEqual(['d.m']);
    expect(names()).toEqual(['d.mp4']);
    view.apply(fileChanged(makeFile({ name: 'Odd.mkv' })));
    view.apply(fileChanged(makeFile({ name: 'other.mkv' })));
    expect(names()).toEqual(['d.mp4', 'Odd.mkv']);
    expect(view.fresh.has(folderKey(movies.id))).toBe(false);
  });
});
