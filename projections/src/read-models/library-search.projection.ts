import type { FileKind, UserId } from '@teleplay/contracts';
import { type QueryCreator, sql } from 'kysely';
import type { Projection } from '../projection.ts';
import { pageSize } from './pagination.ts';
import { type Projected, positionType } from './read-model-support.ts';

// ---------------------------------------------------------------------------------------------
// Rows
// ---------------------------------------------------------------------------------------------

export type SearchItemType = 'file' | 'folder';

/** One row per file and per folder, trashed ones included (restores bring them back). */
export interface LibrarySearchTable {
  user_id: string;
  item_type: SearchItemType;
  id: string;
  name: string;
  /** Files only. */
  kind: FileKind | null;
  mime_type: string | null;
  size: number | null;
  /** The folder holding the item, and its name (to show where a result is). */
  parent_id: string | null;
  parent_name: string | null;
  trashed: boolean;
  last_position: string;
}

export interface LibrarySearchTables {
  library_search: LibrarySearchTable;
}

type Db = QueryCreator<LibrarySearchTables>;
type SearchRow = LibrarySearchTable;

// ---------------------------------------------------------------------------------------------
// Projection
// ---------------------------------------------------------------------------------------------

export const librarySearchProjection: Projection<LibrarySearchTables> = {
  name: 'library_search',
  version: 1,
  tables: ['library_search'],
  eventTypes: [
    'FileUploaded',
    'FileRenamed',
    'FileMoved',
    'FileTrashed',
    'FileRestored',
    'FileDeleted',
    'FolderCreated',
    'FolderRenamed',
    'FolderMoved',
    'FolderTrashed',
    'FolderRestored',
    'FolderDeleted',
  ],

  async createTables(db, schema) {
    // Extensions are database-wide; created in public so that dropping a scratch schema keeps it.
    await sql`create extension if not exists pg_trgm with schema public`.execute(db);
    const builder = db.schema.withSchema(schema);
    await builder
      .createTable('library_search')
      .addColumn('user_id', 'text', (column) => column.notNull())
      .addColumn('item_type', 'text', (column) => column.notNull())
      .addColumn('id', 'text', (column) => column.notNull())
      .addColumn('name', 'text', (column) => column.notNull())
      .addColumn('kind', 'text')
      .addColumn('mime_type', 'text')
      .addColumn('size', 'bigint')
      .addColumn('parent_id', 'text')
      .addColumn('parent_name', 'text')
      .addColumn('trashed', 'boolean', (column) => column.notNull())
      .addColumn('last_position', positionType, (column) => column.notNull())
      .addPrimaryKeyConstraint('library_search_pkey', ['user_id', 'item_type', 'id'])
      .execute();
    await builder
      .createIndex('library_search_name_trigrams')
      .on('library_search')
      .using('gin')
      .expression(sql`name gin_trgm_ops`)
      .execute();
    await builder
      .createIndex('library_search_by_parent')
      .on('library_search')
      .columns(['user_id', 'parent_id'])
      .execute();
  },

  async apply(event, { db }) {
    switch (event.type) {
      case 'FileUploaded': {
        const { fileId, folderId, name, kind, mimeType, size } = event.data;
        return upsertItem(db, event, {
          item_type: 'file',
          id: fileId,
          name,
          kind,
          mime_type: mimeType,
          size,
          parent_id: folderId,
          parent_name: await folderName(db, event.userId, folderId),
        });
      }
      case 'FolderCreated': {
        const { folderId, parentId, name } = event.data;
        return upsertItem(db, event, {
          item_type: 'folder',
          id: folderId,
          name,
          kind: null,
          mime_type: null,
          size: null,
          parent_id: parentId,
          parent_name: await folderName(db, event.userId, parentId),
        });
      }
      case 'FileRenamed':
        return updateItems(db, event, 'file', [event.data.fileId], { name: event.data.to });
      case 'FolderRenamed': {
        const { folderId, to } = event.data;
        await updateItems(db, event, 'folder', [folderId], { name: to });
        await db
          .updateTable('library_search')
          .set({ parent_name: to })
          .where('user_id', '=', event.userId)
          .where('parent_id', '=', folderId)
          .execute();
        return;
      }
      case 'FileMoved':
        return moveItem(db, event, 'file', event.data.fileId, event.data.toFolderId);
      case 'FolderMoved':
        return moveItem(db, event, 'folder', event.data.folderId, event.data.toParentId);
      case 'FileTrashed':
        return updateItems(db, event, 'file', [event.data.fileId], { trashed: true });
      case 'FileRestored':
        return moveItem(db, event, 'file', event.data.fileId, event.data.folderId, { trashed: false });
      case 'FolderTrashed':
      case 'FolderRestored': {
        const trashed = event.type === 'FolderTrashed';
        const { folderId, descendantFolderIds, fileIds } = event.data;
        if (event.type === 'FolderRestored')
          await moveItem(db, event, 'folder', folderId, event.data.parentId, { trashed: false });
        else await updateItems(db, event, 'folder', [folderId], { trashed });
        await updateItems(db, event, 'folder', descendantFolderIds, { trashed });
        await updateItems(db, event, 'file', fileIds, { trashed });
        return;
      }
      case 'FileDeleted':
        return deleteItems(db, event.userId, 'file', [event.data.fileId]);
      case 'FolderDeleted': {
        const { folderId, descendantFolderIds, files } = event.data;
        await deleteItems(db, event.userId, 'folder', [folderId, ...descendantFolderIds]);
        await deleteItems(
          db,
          event.userId,
          'file',
          files.map((file) => file.fileId),
        );
        return;
      }
    }
  },
};

type LibraryEventOf = Projected<
  | 'FileUploaded'
  | 'FileRenamed'
  | 'FileMoved'
  | 'FileTrashed'
  | 'FileRestored'
  | 'FolderCreated'
  | 'FolderRenamed'
  | 'FolderMoved'
  | 'FolderTrashed'
  | 'FolderRestored'
>;

async function folderName(db: Db, userId: UserId, folderId: string | null): Promise<string | null> {
  if (folderId === null) return null;
  const row = await db
    .selectFrom('library_search')
    .select('name')
    .where('user_id', '=', userId)
    .where('item_type', '=', 'folder')
    .where('id', '=', folderId)
    .executeTakeFirst();
  return row?.name ?? null;
}

async function upsertItem(
  db: Db,
  event: LibraryEventOf,
  item: Omit<SearchRow, 'user_id' | 'trashed' | 'last_position'>,
): Promise<void> {
  const update = { ...item, trashed: false, last_position: event.position };
  await db
    .insertInto('library_search')
    .values({ user_id: event.userId, ...update })
    .onConflict((conflict) =>
      conflict
        .columns(['user_id', 'item_type', 'id'])
        .doUpdateSet(update)
        .where('library_search.last_position', '<', event.position),
    )
    .execute();
}

async function moveItem(
  db: Db,
  event: LibraryEventOf,
  type: SearchItemType,
  id: string,
  parentId: string | null,
  extra: Partial<Pick<SearchRow, 'trashed'>> = {},
): Promise<void> {
  const parent_name = await folderName(db, event.userId, parentId);
  await updateItems(db, event, type, [id], { ...extra, parent_id: parentId, parent_name });
}

async function updateItems(
  db: Db,
  event: LibraryEventOf,
  type: SearchItemType,
  ids: readonly string[],
  update: Partial<Pick<SearchRow, 'name' | 'trashed' | 'parent_id' | 'parent_name'>>,
): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('library_search')
    .set({ ...update, last_position: event.position })
    .where('user_id', '=', event.userId)
    .where('item_type', '=', type)
    .where('id', 'in', ids)
    .where('last_position', '<', event.position)
    .execute();
}

async function deleteItems(
  db: Db,
  userId: UserId,
  type: SearchItemType,
  ids: readonly string[],
): Promise<void> {
  if (ids.length === 0) return;
  await db
    .deleteFrom('library_search')
    .where('user_id', '=', userId)
    .where('item_type', '=', type)
    .where('id', 'in', ids)
    .execute();
}

// ---------------------------------------------------------------------------------------------
// Query
// ---------------------------------------------------------------------------------------------

export interface SearchResult {
  type: SearchItemType;
  id: string;
  name: string;
  kind: FileKind | null;
  mimeType: string | null;
  size: number | null;
  /** Where the item is: its folder (null: the root). */
  parentId: string | null;
  parentName: string | null;
  /** How it matched: the whole name, its start, inside it, or by similarity (typos). */
  match: 'exact' | 'prefix' | 'substring' | 'similar';
  /** pg_trgm word similarity of the query to the name, 0..1. */
  score: number;
}

export interface SearchOptions {
  /** Only files of this kind (folders excluded). */
  kind?: FileKind;
  /** Only files or only folders. */
  type?: SearchItemType;
  /** Default 20, at most 200. */
  limit?: number;
}

/** Longer queries are cut: names are at most 255 characters and trigram work grows with length. */
export const SEARCH_QUERY_MAX_LENGTH = 100;

const MATCH_RANKS = ['exact', 'prefix', 'substring', 'similar'] as const;

/**
 * Files and folders (not in the trash) whose name contains the query or resembles it (pg_trgm
 * word similarity, which tolerates typos). Exact names first, then prefixes, then substrings, then
 * similar names; by similarity within each group. A blank query finds nothing.
 */
export async function searchLibrary(
  db: QueryCreator<LibrarySearchTables>,
  userId: UserId,
  query: string,
  options: SearchOptions = {},
): Promise<SearchResult[]> {
  const q = query.trim().slice(0, SEARCH_QUERY_MAX_LENGTH);
  if (q.length === 0) return [];
  const escaped = q.replace(/[\\%_]/g, (character) => `\\${character}`);
  const rank = sql<number>`case
    when lower(name) = lower(${q}) then 0
    when name ilike ${`${escaped}%`} then 1
    when name ilike ${`%${escaped}%`} then 2
    else 3 end`;
  const score = sql<number>`word_similarity(${q}, name)`;

  let search = db
    .selectFrom('library_search')
    .select([
      'item_type',
      'id',
      'name',
      'kind',
      'mime_type',
      'size',
      'parent_id',
      'parent_name',
      rank.as('rank'),
      score.as('score'),
    ])
    .where('user_id', '=', userId)
    .where('trashed', '=', false)
    .where(sql<boolean>`(name ilike ${`%${escaped}%`} or ${q} <% name)`);
  if (options.kind !== undefined)
    search = search.where('item_type', '=', 'file').where('kind', '=', options.kind);
  if (options.type !== undefined) search = search.where('item_type', '=', options.type);
  const rows = await search
    .orderBy('rank')
    .orderBy('score', 'desc')
    .orderBy('name')
    .orderBy('id')
    .limit(pageSize(options.limit, 20))
    .execute();
  return rows.map((row) => ({
    type: row.item_type,
    id: row.id,
    name: row.name,
    kind: row.kind,
    mimeType: row.mime_type,
    size: row.size,
    parentId: row.parent_id,
    parentName: row.parent_name,
    match: MATCH_RANKS[row.rank] ?? 'similar',
    score: row.score,
  }));
}
