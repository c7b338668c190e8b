import type { FileKind, UserId } from '@teleplay/contracts';
import { type QueryCreator, sql } from 'kysely';
import type { ProjectedEvent, Projection, ProjectionContext } from '../projection.ts';
import { pageSize } from './pagination.ts';
import { positionType } from './read-model-support.ts';
import { TableRows } from './table-rows.ts';

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

  apply: (event, context) => projectSearch([event], context),
  applyMany: projectSearch,
};

type SearchRows = TableRows<SearchRow, 'user_id' | 'item_type' | 'id'>;
type ItemKey = Pick<SearchRow, 'user_id' | 'item_type' | 'id'>;

/**
 * Loads the rows the events touch (the items, the folders whose names they show, and the content
 * of renamed folders), folds the events over them in order, then writes the outcome.
 */
async function projectSearch(
  events: readonly ProjectedEvent[],
  context: ProjectionContext<LibrarySearchTables>,
): Promise<void> {
  const items: SearchRows = new TableRows('library_search', ['user_id', 'item_type', 'id']);
  await items.load(context.db, events.flatMap(itemsReadBy));
  const renamed = events.flatMap((event) =>
    event.type === 'FolderRenamed' ? [{ userId: event.userId, folderId: event.data.folderId }] : [],
  );
  if (renamed.length > 0)
    items.remember(
      await context.db
        .selectFrom('library_search')
        .selectAll()
        .where(
          sql<boolean>`(user_id, parent_id) in (select * from unnest(${renamed.map((folder) => folder.userId)}::text[], ${renamed.map((folder) => folder.folderId)}::text[]))`,
        )
        .execute(),
    );
  for (const event of events) foldSearchEvent(items, event);
  await items.save(context.db);
}

/** The items an event changes, and the folders whose names it reads. */
function itemsReadBy(event: ProjectedEvent): ItemKey[] {
  const item = (itemType: SearchItemType) => (id: string) => ({
    user_id: event.userId,
    item_type: itemType,
    id,
  });
  const file = item('file');
  const folder = item('folder');
  const folders = (...ids: (string | null)[]) => ids.filter((id) => id !== null).map(folder);
  switch (event.type) {
    case 'FileUploaded':
      return [file(event.data.fileId), ...folders(event.data.folderId)];
    case 'FolderCreated':
      return folders(event.data.folderId, event.data.parentId);
    case 'FileRenamed':
    case 'FileTrashed':
    case 'FileDeleted':
      return [file(event.data.fileId)];
    case 'FolderRenamed':
      return folders(event.data.folderId);
    case 'FileMoved':
      return [file(event.data.fileId), ...folders(event.data.toFolderId)];
    case 'FileRestored':
      return [file(event.data.fileId), ...folders(event.data.folderId)];
    case 'FolderMoved':
      return folders(event.data.folderId, event.data.toParentId);
    case 'FolderTrashed':
      return [
        ...folders(event.data.folderId, ...event.data.descendantFolderIds),
        ...event.data.fileIds.map(file),
      ];
    case 'FolderRestored':
      return [
        ...folders(event.data.folderId, event.data.parentId, ...event.data.descendantFolderIds),
        ...event.data.fileIds.map(file),
      ];
    case 'FolderDeleted':
      return [
        ...folders(event.data.folderId, ...event.data.descendantFolderIds),
        ...event.data.files.map((deleted) => file(deleted.fileId)),
      ];
    default:
      return [];
  }
}

type ItemFields = Omit<SearchRow, 'user_id' | 'trashed' | 'last_position'>;

/**
 * Applies one event to the rows in memory. Item changes apply only to rows the event is newer than
 * (`last_position`), so applying it again changes nothing; a renamed folder's new name is copied to
 * the items it holds whatever their position (a replay then replays the later renames too).
 */
function foldSearchEvent(items: SearchRows, event: ProjectedEvent) {
  const { userId } = event;
  const folderName = (folderId: string | null) =>
    folderId === null
      ? null
      : (items.get({ user_id: userId, item_type: 'folder', id: folderId })?.name ?? null);
  const upsert = (fields: ItemFields) => {
    const row = items.get({ user_id: userId, item_type: fields.item_type, id: fields.id });
    if (row !== null && row.last_position >= event.position) return;
    items.set({ user_id: userId, ...fields, trashed: false, last_position: event.position });
  };
  const update = (
    itemType: SearchItemType,
    ids: readonly string[],
    fields: Partial<Pick<SearchRow, 'name' | 'trashed' | 'parent_id' | 'parent_name'>>,
  ) => {
    for (const id of ids) {
      const row = items.get({ user_id: userId, item_type: itemType, id });
      if (row === null || row.last_position >= event.position) continue;
      items.set({ ...row, ...fields, last_position: event.position });
    }
  };
  const move = (
    itemType: SearchItemType,
    id: string,
    parentId: string | null,
    extra: Partial<Pick<SearchRow, 'trashed'>> = {},
  ) => update(itemType, [id], { ...extra, parent_id: parentId, parent_name: folderName(parentId) });
  const remove = (itemType: SearchItemType, ids: readonly string[]) => {
    for (const id of ids) items.delete({ user_id: userId, item_type: itemType, id });
  };

  switch (event.type) {
    case 'FileUploaded': {
      const { fileId, folderId, name, kind, mimeType, size } = event.data;
      return upsert({
        item_type: 'file',
        id: fileId,
        name,
        kind,
        mime_type: mimeType,
        size,
        parent_id: folderId,
        parent_name: folderName(folderId),
      });
    }
    case 'FolderCreated': {
      const { folderId, parentId, name } = event.data;
      return upsert({
        item_type: 'folder',
        id: folderId,
        name,
        kind: null,
        mime_type: null,
        size: null,
        parent_id: parentId,
        parent_name: folderName(parentId),
      });
    }
    case 'FileRenamed':
      return update('file', [event.data.fileId], { name: event.data.to });
    case 'FolderRenamed': {
      const { folderId, to } = event.data;
      update('folder', [folderId], { name: to });
      const content = [...items.rows()].filter((row) => row.user_id === userId && row.parent_id === folderId);
      for (const row of content) items.set({ ...row, parent_name: to });
      return;
    }
    case 'FileMoved':
      return move('file', event.data.fileId, event.data.toFolderId);
    case 'FolderMoved':
      return move('folder', event.data.folderId, event.data.toParentId);
    case 'FileTrashed':
      return update('file', [event.data.fileId], { trashed: true });
    case 'FileRestored':
      return move('file', event.data.fileId, event.data.folderId, { trashed: false });
    case 'FolderTrashed':
    case 'FolderRestored': {
      const trashed = event.type === 'FolderTrashed';
      const { folderId, descendantFolderIds, fileIds } = event.data;
      if (event.type === 'FolderRestored') move('folder', folderId, event.data.parentId, { trashed: false });
      else update('folder', [folderId], { trashed });
      update('folder', descendantFolderIds, { trashed });
      update('file', fileIds, { trashed });
      return;
    }
    case 'FileDeleted':
      return remove('file', [event.data.fileId]);
    case 'FolderDeleted': {
      const { folderId, descendantFolderIds, files } = event.data;
      remove('folder', [folderId, ...descendantFolderIds]);
      remove(
        'file',
        files.map((file) => file.fileId),
      );
      return;
    }
  }
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
