import { api } from '../api/api.ts';
import { unwrap } from '../api/api-errors.ts';
import type { LibrarySource } from './library-view.svelte.ts';

const PAGE_SIZE = 100;

/** The library as the API serves it. */
export const apiLibrarySource: LibrarySource = {
  async contents(folderId, { kind, sort, direction }, signal) {
    return unwrap(
      api.getFolderContents({
        params: {
          path: { folderId: folderId ?? 'root' },
          query: { kind: kind ?? undefined, sort, direction, limit: PAGE_SIZE },
        },
        signal,
      }),
    );
  },
  async moreFiles(folderId, { kind, sort, direction }, cursor, signal) {
    return unwrap(
      api.listFiles({
        params: {
          query: {
            folderId: folderId ?? 'root',
            kind: kind ?? undefined,
            sort,
            direction,
            cursor,
            limit: PAGE_SIZE,
          },
        },
        signal,
      }),
    );
  },
  async search(text, signal) {
    // The TV search answers folders and files in one call, best matches first.
    const found = await unwrap(api.tvSearch({ params: { query: { q: text, limit: PAGE_SIZE } }, signal }));
    return { folders: found.folders, files: found.files.map(({ progress: _progress, ...file }) => file) };
  },
};
