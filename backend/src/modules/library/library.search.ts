import { createHash } from 'node:crypto';
import type { FileKind, UserId } from '@teleplay/contracts';
import {
  DEFAULT_PAGE_SIZE,
  type FileDto,
  getFiles,
  InvalidCursorError,
  type LibraryFilesTables,
  type LibrarySearchTables,
  type Page,
  searchLibrary,
} from '@teleplay/projections';
import type { QueryCreator } from 'kysely';

export interface FileSearch {
  q: string;
  kind?: FileKind;
  /** Only matches in this folder (null: the top level). */
  folderId?: string | null;
  cursor?: string;
  limit?: number;
}

/**
 * Files whose name matches `q`, best first, as file DTOs. The search read model ranks at most its
 * page maximum of matches; pages are windows over that ranking, and the cursor is the offset of
 * the next window, bound to the query it was made for.
 */
export async function searchFiles(
  db: QueryCreator<LibrarySearchTables & LibraryFilesTables>,
  userId: UserId,
  search: FileSearch,
): Promise<Page<FileDto>> {
  const offset = search.cursor === undefined ? 0 : decodeSearchCursor(search.cursor, search.q);
  const size = search.limit ?? DEFAULT_PAGE_SIZE;
  const hits = await searchLibrary(db, userId, search.q, {
    type: 'file',
    ...(search.kind === undefined ? {} : { kind: search.kind }),
    limit: offset + size + 1,
  });
  const window = hits.slice(offset, offset + size);
  const files = new Map(
    (
      await getFiles(
        db,
        userId,
        window.map((hit) => hit.id),
      )
    ).map((file) => [file.id, file]),
  );
  // The search index and the files read model are separate projections: trust the files' state.
  const items = window.flatMap((hit) => {
    const file = files.get(hit.id);
    if (!file || file.trashed) return [];
    return search.folderId === undefined || file.folderId === search.folderId ? [file] : [];
  });
  const more = hits.length > offset + size;
  return { items, nextCursor: more ? encodeSearchCursor(search.q, offset + size) : null };
}

const queryTag = (q: string) => createHash('sha256').update(q.trim()).digest('base64url').slice(0, 11);

function encodeSearchCursor(q: string, offset: number): string {
  return Buffer.from(JSON.stringify({ t: 'search', q: queryTag(q), o: offset })).toString('base64url');
}

function decodeSearchCursor(cursor: string, q: string): number {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError('not a cursor');
  }
  const { t, q: tag, o } = (parsed ?? {}) as { t?: unknown; q?: unknown; o?: unknown };
  if (t !== 'search') throw new InvalidCursorError('it belongs to another list or sort order');
  if (tag !== queryTag(q)) throw new InvalidCursorError('it belongs to another search');
  if (typeof o !== 'number' || !Number.isSafeInteger(o) || o < 0)
    throw new InvalidCursorError('malformed key');
  return o;
}
