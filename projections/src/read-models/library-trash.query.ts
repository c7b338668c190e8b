import type { UserId } from '@teleplay/contracts';
import { type QueryCreator, sql } from 'kysely';
import { type FileDto, getFiles, type LibraryFilesTables } from './library-files.projection.ts';
import { type FolderDto, getFolders, type LibraryFoldersTables } from './library-folders.projection.ts';
import { decodeCursor, encodeCursor, InvalidCursorError, type Page, pageSize, toPage } from './pagination.ts';

/** A top-level entry of the trash: a file or a folder trashed on its own (not with a folder). */
export type TrashItem =
  | { type: 'file'; trashedAt: string; file: FileDto }
  | { type: 'folder'; trashedAt: string; folder: FolderDto };

const TAG = 'trash';

/**
 * The trash, newest first. Reads the two library read models (both fed by the same library
 * stream); what a trashed folder holds is browsed with `getFolderContents`.
 */
export async function listTrash(
  db: QueryCreator<LibraryFilesTables & LibraryFoldersTables>,
  userId: UserId,
  options: { cursor?: string; limit?: number } = {},
): Promise<Page<TrashItem>> {
  const limit = pageSize(options.limit);
  let after: { trashedAt: Date; id: string } | null = null;
  if (options.cursor !== undefined) {
    const [at, id] = decodeCursor(options.cursor, TAG, ['string', 'string']);
    const trashedAt = new Date(at);
    if (Number.isNaN(trashedAt.getTime())) throw new InvalidCursorError('malformed key');
    after = { trashedAt, id };
  }
  const beforeCursor =
    after === null ? sql<boolean>`true` : sql<boolean>`(trashed_at, id) < (${after.trashedAt}, ${after.id})`;

  const files = db
    .selectFrom('library_files')
    .select([sql<'file' | 'folder'>`'file'`.as('type'), 'id', 'trashed_at'])
    .where('user_id', '=', userId)
    .where('trashed', '=', true)
    .where('trashed_with', 'is', null)
    .where(beforeCursor);
  const folders = db
    .selectFrom('library_folders')
    .select([sql<'file' | 'folder'>`'folder'`.as('type'), 'id', 'trashed_at'])
    .where('user_id', '=', userId)
    .where('trashed', '=', true)
    .where('trashed_with', 'is', null)
    .where(beforeCursor);
  const entries = await db
    .selectFrom(files.unionAll(folders).as('trash'))
    .selectAll()
    .$narrowType<{ trashed_at: Date }>()
    .orderBy('trashed_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  const page = toPage(
    entries,
    limit,
    (entry) => entry,
    (entry) => encodeCursor(TAG, [entry.trashed_at.toISOString(), entry.id]),
  );

  const idsOf = (type: 'file' | 'folder') =>
    page.items.filter((entry) => entry.type === type).map((entry) => entry.id);
  const [fileDtos, folderDtos] = await Promise.all([
    getFiles(db, userId, idsOf('file')),
    getFolders(db, userId, idsOf('folder')),
  ]);
  const filesById = new Map(fileDtos.map((file) => [file.id, file]));
  const foldersById = new Map(folderDtos.map((folder) => [folder.id, folder]));
  // An entry deleted for good between the two reads is left out.
  const items = page.items.flatMap((entry): TrashItem[] => {
    const trashedAt = entry.trashed_at.toISOString();
    const file = entry.type === 'file' ? filesById.get(entry.id) : undefined;
    const folder = entry.type === 'folder' ? foldersById.get(entry.id) : undefined;
    if (file) return [{ type: 'file', trashedAt, file }];
    if (folder) return [{ type: 'folder', trashedAt, folder }];
    return [];
  });
  return { items, nextCursor: page.nextCursor };
}
