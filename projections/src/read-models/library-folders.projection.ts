import type { UserId } from '@teleplay/contracts';
import { type QueryCreator, sql } from 'kysely';
import type { LiveChange, ProjectedEvent, Projection, ProjectionContext } from '../projection.ts';
import {
  type FileDto,
  type LibraryFilesTables,
  type ListFilesOptions,
  listFiles,
} from './library-files.projection.ts';
import { nameSortKey } from './name-sort-key.ts';
import type { Page } from './pagination.ts';
import {
  LiveChangeLog,
  occurredAt,
  positionType,
  sortKeyType,
  toIso,
  toIsoOrNull,
} from './read-model-support.ts';
import { TableRows } from './table-rows.ts';

// ---------------------------------------------------------------------------------------------
// Rows
// ---------------------------------------------------------------------------------------------

/**
 * One row per folder with its aggregates. The counts and sizes cover the items in the same state
 * as the folder: for a live folder its live content; for a trashed one what went to the trash with
 * it (items trashed on their own earlier are listed separately in the trash and not counted).
 */
export interface LibraryFoldersTable {
  user_id: string;
  id: string;
  parent_id: string | null;
  name: string;
  sort_name: string;
  trashed: boolean;
  trashed_at: Date | null;
  /** The folder whose trashing took this one along, or null (not trashed, or trashed on its own). */
  trashed_with: string | null;
  created_at: Date;
  updated_at: Date;
  /** Direct subfolders. */
  folder_count: number;
  /** Files directly in the folder and their total size in bytes. */
  file_count: number;
  size: number;
  /** All subfolders and files below, recursively, and the size of those files. */
  total_folder_count: number;
  total_file_count: number;
  total_size: number;
  last_position: string;
}

/** What the folder aggregates need to know of each file. */
export interface LibraryFolderFilesTable {
  user_id: string;
  id: string;
  folder_id: string | null;
  size: number;
  trashed: boolean;
  trashed_with: string | null;
  last_position: string;
}

export interface LibraryFoldersTables {
  library_folders: LibraryFoldersTable;
  library_folder_files: LibraryFolderFilesTable;
}

type FolderRow = LibraryFoldersTable;
type Db = QueryCreator<LibraryFoldersTables>;

// ---------------------------------------------------------------------------------------------
// Projection
// ---------------------------------------------------------------------------------------------

export const libraryFoldersProjection: Projection<LibraryFoldersTables> = {
  name: 'library_folders',
  version: 1,
  tables: ['library_folders', 'library_folder_files'],
  eventTypes: [
    'FileUploaded',
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
    const builder = db.schema.withSchema(schema);
    await builder
      .createTable('library_folders')
      .addColumn('user_id', 'text', (column) => column.notNull())
      .addColumn('id', 'text', (column) => column.notNull())
      .addColumn('parent_id', 'text')
      .addColumn('name', 'text', (column) => column.notNull())
      .addColumn('sort_name', sortKeyType, (column) => column.notNull())
      .addColumn('trashed', 'boolean', (column) => column.notNull())
      .addColumn('trashed_at', 'timestamptz')
      .addColumn('trashed_with', 'text')
      .addColumn('created_at', 'timestamptz', (column) => column.notNull())
      .addColumn('updated_at', 'timestamptz', (column) => column.notNull())
      .addColumn('folder_count', 'integer', (column) => column.notNull())
      .addColumn('file_count', 'integer', (column) => column.notNull())
      .addColumn('size', 'bigint', (column) => column.notNull())
      .addColumn('total_folder_count', 'integer', (column) => column.notNull())
      .addColumn('total_file_count', 'integer', (column) => column.notNull())
      .addColumn('total_size', 'bigint', (column) => column.notNull())
      .addColumn('last_position', positionType, (column) => column.notNull())
      .addPrimaryKeyConstraint('library_folders_pkey', ['user_id', 'id'])
      .execute();
    await builder
      .createIndex('library_folders_by_parent_name')
      .on('library_folders')
      .columns(['user_id', 'parent_id', 'sort_name', 'id'])
      .execute();
    await builder
      .createIndex('library_folders_trash')
      .on('library_folders')
      .columns(['user_id', 'trashed_at', 'id'])
      .where(sql.ref('trashed'), '=', true)
      .execute();
    await builder
      .createTable('library_folder_files')
      .addColumn('user_id', 'text', (column) => column.notNull())
      .addColumn('id', 'text', (column) => column.notNull())
      .addColumn('folder_id', 'text')
      .addColumn('size', 'bigint', (column) => column.notNull())
      .addColumn('trashed', 'boolean', (column) => column.notNull())
      .addColumn('trashed_with', 'text')
      .addColumn('last_position', positionType, (column) => column.notNull())
      .addPrimaryKeyConstraint('library_folder_files_pkey', ['user_id', 'id'])
      .execute();
    await builder
      .createIndex('library_folder_files_by_folder')
      .on('library_folder_files')
      .columns(['user_id', 'folder_id'])
      .execute();
  },

  apply: (event, context) => projectFolders([event], context),
  applyMany: projectFolders,
};

type FolderRows = TableRows<FolderRow, 'user_id' | 'id'>;
type FolderFileRows = TableRows<LibraryFolderFilesTable, 'user_id' | 'id'>;

/**
 * Loads the folder and file rows the events touch, folds the events over them in order and writes
 * the outcome; then recomputes, once for the whole batch, the aggregates of the folders whose
 * content changed (and of their ancestors).
 */
async function projectFolders(
  events: readonly ProjectedEvent[],
  context: ProjectionContext<LibraryFoldersTables>,
): Promise<void> {
  const { db } = context;
  const folders: FolderRows = new TableRows('library_folders', ['user_id', 'id']);
  const files: FolderFileRows = new TableRows('library_folder_files', ['user_id', 'id']);
  await folders.load(
    db,
    events.flatMap((event) => folderIdsOf(event).map((id) => ({ user_id: event.userId, id }))),
  );
  await files.load(
    db,
    events.flatMap((event) => fileIdsOf(event).map((id) => ({ user_id: event.userId, id }))),
  );
  const changes = new LiveChangeLog();
  const refresh = new Map<UserId, (string | null)[]>();
  for (const event of events) {
    const folderIds = refresh.get(event.userId) ?? [];
    refresh.set(event.userId, folderIds);
    foldFolderEvent(folders, files, event, changes, folderIds);
  }
  await files.save(db);
  await folders.save(db);
  for (const [userId, folderIds] of refresh)
    for (const id of await refreshAggregates(db, userId, folderIds)) changes.add(folderChange(userId, id));
  changes.emitTo(context);
}

/** The folders whose rows an event reads or changes. */
function folderIdsOf(event: ProjectedEvent): readonly string[] {
  switch (event.type) {
    case 'FolderCreated':
    case 'FolderRenamed':
    case 'FolderMoved':
      return [event.data.folderId];
    case 'FolderTrashed':
    case 'FolderRestored':
    case 'FolderDeleted':
      return [event.data.folderId, ...event.data.descendantFolderIds];
    default:
      return [];
  }
}

/** The files whose rows an event reads or changes. */
function fileIdsOf(event: ProjectedEvent): readonly string[] {
  switch (event.type) {
    case 'FileUploaded':
    case 'FileMoved':
    case 'FileTrashed':
    case 'FileRestored':
    case 'FileDeleted':
      return [event.data.fileId];
    case 'FolderTrashed':
    case 'FolderRestored':
      return event.data.fileIds;
    case 'FolderDeleted':
      return event.data.files.map((file) => file.fileId);
    default:
      return [];
  }
}

const folderChange = (userId: UserId, id: string, removed = false): LiveChange =>
  removed ? { userId, kind: 'folder', id, removed: true } : { userId, kind: 'folder', id };

/**
 * Applies one event to the rows in memory, and adds to `refresh` the folders whose content it
 * changed (their aggregates are recomputed after the batch). Rows change only for events newer than
 * them (`last_position`), so applying an event again changes nothing; deleting is final.
 */
function foldFolderEvent(
  folders: FolderRows,
  files: FolderFileRows,
  event: ProjectedEvent,
  changes: LiveChangeLog,
  refresh: (string | null)[],
): void {
  const { userId } = event;
  const at = occurredAt(event);
  const fileRow = (id: string) => files.get({ user_id: userId, id });
  const folderRow = (id: string) => folders.get({ user_id: userId, id });
  const folderOf = (fileId: string) => {
    const row = fileRow(fileId);
    return row === null ? [] : [row.folder_id];
  };
  const parentOf = (folderId: string) => {
    const row = folderRow(folderId);
    return row === null ? [] : [row.parent_id];
  };
  const updateFiles = (
    fileIds: readonly string[],
    fields: Partial<Pick<LibraryFolderFilesTable, 'folder_id' | 'trashed' | 'trashed_with'>>,
  ) => {
    for (const id of fileIds) {
      const row = fileRow(id);
      if (row === null || row.last_position >= event.position) continue;
      files.set({ ...row, ...fields, last_position: event.position });
    }
  };
  /** Deletes the files; returns the folders they were in. */
  const deleteFiles = (fileIds: readonly string[]) =>
    fileIds.flatMap((id) => {
      const row = fileRow(id);
      if (row === null) return [];
      files.delete(row);
      return [row.folder_id];
    });
  const updateFolders = (
    folderIds: readonly string[],
    fields: Partial<
      Pick<FolderRow, 'parent_id' | 'name' | 'sort_name' | 'trashed' | 'trashed_at' | 'trashed_with'>
    >,
  ) => {
    for (const id of folderIds) {
      const row = folderRow(id);
      if (row === null || row.last_position >= event.position) continue;
      folders.set({ ...row, ...fields, updated_at: at, last_position: event.position });
      changes.add(folderChange(userId, id));
    }
  };

  switch (event.type) {
    case 'FileUploaded': {
      const { fileId, folderId, size } = event.data;
      const row = fileRow(fileId);
      if (row === null || row.last_position < event.position)
        files.set({
          user_id: userId,
          id: fileId,
          folder_id: folderId,
          size,
          trashed: false,
          trashed_with: null,
          last_position: event.position,
        });
      refresh.push(folderId);
      return;
    }
    case 'FileMoved':
      updateFiles([event.data.fileId], { folder_id: event.data.toFolderId });
      refresh.push(event.data.fromFolderId, event.data.toFolderId);
      return;
    case 'FileTrashed':
      refresh.push(...folderOf(event.data.fileId));
      updateFiles([event.data.fileId], { trashed: true, trashed_with: null });
      return;
    case 'FileRestored':
      refresh.push(...folderOf(event.data.fileId), event.data.folderId);
      updateFiles([event.data.fileId], {
        folder_id: event.data.folderId,
        trashed: false,
        trashed_with: null,
      });
      return;
    case 'FileDeleted':
      refresh.push(...deleteFiles([event.data.fileId]));
      return;
    case 'FolderCreated': {
      const { folderId, parentId, name } = event.data;
      const row = folderRow(folderId);
      if (row === null || row.last_position < event.position) {
        folders.set({
          user_id: userId,
          id: folderId,
          parent_id: parentId,
          name,
          sort_name: nameSortKey(name),
          trashed: false,
          trashed_at: null,
          trashed_with: null,
          created_at: at,
          updated_at: at,
          folder_count: 0,
          file_count: 0,
          size: 0,
          total_folder_count: 0,
          total_file_count: 0,
          total_size: 0,
          last_position: event.position,
        });
        changes.add(folderChange(userId, folderId));
      }
      // A replayed creation resets the aggregates: they are recomputed from the rows.
      refresh.push(parentId, folderId);
      return;
    }
    case 'FolderRenamed': {
      const { folderId, to } = event.data;
      updateFolders([folderId], { name: to, sort_name: nameSortKey(to) });
      return;
    }
    case 'FolderMoved': {
      const { folderId, fromParentId, toParentId } = event.data;
      updateFolders([folderId], { parent_id: toParentId });
      refresh.push(fromParentId, toParentId);
      return;
    }
    case 'FolderTrashed': {
      const { folderId, descendantFolderIds, fileIds } = event.data;
      refresh.push(...parentOf(folderId), folderId, ...descendantFolderIds);
      updateFolders([folderId], { trashed: true, trashed_at: at, trashed_with: null });
      updateFolders(descendantFolderIds, { trashed: true, trashed_at: at, trashed_with: folderId });
      updateFiles(fileIds, { trashed: true, trashed_with: folderId });
      return;
    }
    case 'FolderRestored': {
      const { folderId, parentId, descendantFolderIds, fileIds } = event.data;
      const live = { trashed: false, trashed_at: null, trashed_with: null } as const;
      refresh.push(...parentOf(folderId), parentId, folderId, ...descendantFolderIds);
      updateFolders([folderId], { ...live, parent_id: parentId });
      updateFolders(descendantFolderIds, live);
      updateFiles(fileIds, { trashed: false, trashed_with: null });
      return;
    }
    case 'FolderDeleted': {
      const { folderId, descendantFolderIds, files: deleted } = event.data;
      refresh.push(...parentOf(folderId));
      deleteFiles(deleted.map((file) => file.fileId));
      for (const id of [folderId, ...descendantFolderIds]) {
        const row = folderRow(id);
        if (row === null) continue;
        folders.delete(row);
        changes.add(folderChange(userId, id, true));
      }
      return;
    }
  }
}

/** Deeper than any real tree: stops the ancestor walk should the rows ever hold a cycle. */
const MAX_DEPTH = 1000;

const AGGREGATES = [
  'folder_count',
  'file_count',
  'size',
  'total_folder_count',
  'total_file_count',
  'total_size',
] as const;
type Aggregates = Pick<FolderRow, (typeof AGGREGATES)[number]>;

/**
 * Recomputes from the rows the aggregates of the given folders and of all their ancestors (the
 * affected set), exact and idempotent: nothing is incremented. One query reads, for each affected
 * folder, its direct content and the totals of its children outside the affected set (whose stored
 * totals are current); the totals are then summed up the affected chains here, and the folders
 * whose values changed are written in one statement. Returns those folders.
 */
async function refreshAggregates(
  db: Db,
  userId: UserId,
  folderIds: readonly (string | null)[],
): Promise<string[]> {
  const start = [...new Set(folderIds.filter((id): id is string => id !== null))];
  if (start.length === 0) return [];
  const affected = await db
    .withRecursive('chain(id, parent_id, steps)', (qb) =>
      qb
        .selectFrom('library_folders')
        .select(['id', 'parent_id', sql<number>`0`.as('steps')])
        .where('user_id', '=', userId)
        .where('id', 'in', start)
        .unionAll((union) =>
          union
            .selectFrom('library_folders as f')
            .innerJoin('chain', 'chain.parent_id', 'f.id')
            .select(['f.id', 'f.parent_id', sql<number>`chain.steps + 1`.as('steps')])
            .where('f.user_id', '=', userId)
            .where('chain.steps', '<', MAX_DEPTH),
        ),
    )
    .with('affected', (qb) => qb.selectFrom('chain').select('id').distinct())
    .selectFrom('library_folders as f')
    .innerJoin('affected', 'affected.id', 'f.id')
    .innerJoinLateral(
      (eb) =>
        eb
          .selectFrom('library_folders as c')
          .select([
            sql<number>`count(*)::integer`.as('child_folders'),
            sql<number>`coalesce(sum(c.total_folder_count) filter (where ${outside('c')}), 0)::integer`.as(
              'outside_folders',
            ),
            sql<number>`coalesce(sum(c.total_file_count) filter (where ${outside('c')}), 0)::integer`.as(
              'outside_files',
            ),
            sql<number>`coalesce(sum(c.total_size) filter (where ${outside('c')}), 0)::bigint`.as(
              'outside_size',
            ),
          ])
          .whereRef('c.user_id', '=', 'f.user_id')
          .whereRef('c.parent_id', '=', 'f.id')
          .where(inSameState('c'))
          .as('folders'),
      (join) => join.onTrue(),
    )
    .innerJoinLateral(
      (eb) =>
        eb
          .selectFrom('library_folder_files as x')
          .select([
            sql<number>`count(*)::integer`.as('child_files'),
            sql<number>`coalesce(sum(x.size), 0)::bigint`.as('child_size'),
          ])
          .whereRef('x.user_id', '=', 'f.user_id')
          .whereRef('x.folder_id', '=', 'f.id')
          .where(inSameState('x'))
          .as('files'),
      (join) => join.onTrue(),
    )
    .selectAll('f')
    .select([
      'folders.child_folders',
      'folders.outside_folders',
      'folders.outside_files',
      'folders.outside_size',
      'files.child_files',
      'files.child_size',
    ])
    .where('f.user_id', '=', userId)
    .execute();

  type AffectedRow = (typeof affected)[number];
  const byId = new Map(affected.map((row) => [row.id, row]));
  const affectedChildren = new Map<string, AffectedRow[]>();
  for (const row of affected) {
    if (row.parent_id === null || !byId.has(row.parent_id)) continue;
    affectedChildren.set(row.parent_id, [...(affectedChildren.get(row.parent_id) ?? []), row]);
  }
  const computed = new Map<string, Aggregates>();
  const compute = (row: AffectedRow, depth: number): Aggregates => {
    const known = computed.get(row.id);
    if (known) return known;
    const below = (affectedChildren.get(row.id) ?? [])
      .filter((child) => depth < MAX_DEPTH && sameState(row, child))
      .map((child) => compute(child, depth + 1));
    const sum = (pick: (value: Aggregates) => number) =>
      below.reduce((total, value) => total + pick(value), 0);
    const result: Aggregates = {
      folder_count: row.child_folders,
      file_count: row.child_files,
      size: row.child_size,
      total_folder_count: row.child_folders + row.outside_folders + sum((value) => value.total_folder_count),
      total_file_count: row.child_files + row.outside_files + sum((value) => value.total_file_count),
      total_size: row.child_size + row.outside_size + sum((value) => value.total_size),
    };
    computed.set(row.id, result);
    return result;
  };

  const changed = affected
    .map((row) => ({ id: row.id, ...compute(row, 0), row }))
    .filter(({ row, ...next }) => AGGREGATES.some((key) => row[key] !== next[key]))
    .map(({ row: _row, ...next }) => next);
  if (changed.length === 0) return [];
  const values = sql<
    Aggregates & { id: string }
  >`jsonb_to_recordset(${JSON.stringify(changed)}::jsonb)`.as<'v'>(
    sql`v(id text, folder_count integer, file_count integer, size bigint, total_folder_count integer, total_file_count integer, total_size bigint)`,
  );
  await db
    .updateTable('library_folders as f')
    .from(values)
    .set((eb) => ({
      folder_count: eb.ref('v.folder_count'),
      file_count: eb.ref('v.file_count'),
      size: eb.ref('v.size'),
      total_folder_count: eb.ref('v.total_folder_count'),
      total_file_count: eb.ref('v.total_file_count'),
      total_size: eb.ref('v.total_size'),
    }))
    .where('f.user_id', '=', userId)
    .whereRef('f.id', '=', 'v.id')
    .execute();
  return changed.map((folder) => folder.id);
}

/** A child folder (alias) that is not in the affected set: its stored totals are current. */
function outside(alias: string) {
  return sql`${sql.ref(`${alias}.id`)} not in (select id from affected)`;
}

/**
 * A child (alias `child`) is counted in a folder (alias `f`) when it shares the folder's state:
 * both live, or the child went to the trash with the same folder (or with this very folder).
 */
function inSameState(child: string) {
  return sql<boolean>`((not f.trashed and not ${sql.ref(`${child}.trashed`)}) or (f.trashed and ${sql.ref(`${child}.trashed_with`)} = coalesce(f.trashed_with, f.id)))`;
}

/** `inSameState` for rows already read. */
function sameState(
  folder: Pick<FolderRow, 'id' | 'trashed' | 'trashed_with'>,
  child: Pick<FolderRow, 'trashed' | 'trashed_with'>,
): boolean {
  return folder.trashed ? child.trashed_with === (folder.trashed_with ?? folder.id) : !child.trashed;
}

// ---------------------------------------------------------------------------------------------
// Queries
// ---------------------------------------------------------------------------------------------

export interface FolderDto {
  id: string;
  parentId: string | null;
  name: string;
  trashed: boolean;
  trashedAt: string | null;
  trashedWith: string | null;
  createdAt: string;
  updatedAt: string;
  /** Direct subfolders and files (in the folder's own state: live, or trashed with it). */
  folderCount: number;
  fileCount: number;
  /** Bytes of the files directly in the folder. */
  size: number;
  /** Everything below, recursively. */
  totalFolderCount: number;
  totalFileCount: number;
  totalSize: number;
}

export interface BreadcrumbItem {
  id: string;
  name: string;
}

export interface FolderTreeNode {
  id: string;
  name: string;
  children: FolderTreeNode[];
}

export interface FolderContents {
  /** Null for the root. */
  folder: FolderDto | null;
  /** From the top-level folder down to this one (empty for the root). */
  path: BreadcrumbItem[];
  /** Subfolders in the folder's state, by name. */
  folders: FolderDto[];
  /** The first page of its files; more with `listFiles` and the cursor. */
  files: Page<FileDto>;
}

/** Read side: a `Kysely` (or transaction) on the public schema. */
type FoldersReader = QueryCreator<LibraryFoldersTables>;

export async function getFolder(
  db: FoldersReader,
  userId: UserId,
  folderId: string,
): Promise<FolderDto | null> {
  const row = await db
    .selectFrom('library_folders')
    .selectAll()
    .where('user_id', '=', userId)
    .where('id', '=', folderId)
    .executeTakeFirst();
  return row ? toFolderDto(row) : null;
}

/** The folders among `folderIds` that exist, in no particular order. */
export async function getFolders(
  db: FoldersReader,
  userId: UserId,
  folderIds: readonly string[],
): Promise<FolderDto[]> {
  if (folderIds.length === 0) return [];
  const rows = await db
    .selectFrom('library_folders')
    .selectAll()
    .where('user_id', '=', userId)
    .where('id', 'in', folderIds)
    .execute();
  return rows.map(toFolderDto);
}

/** Live folders by name: those under `parentId` (`null`: top level), or all of them when omitted. */
export async function listFolders(
  db: FoldersReader,
  userId: UserId,
  options: { parentId?: string | null } = {},
): Promise<FolderDto[]> {
  let query = db
    .selectFrom('library_folders')
    .selectAll()
    .where('user_id', '=', userId)
    .where('trashed', '=', false);
  if (options.parentId !== undefined)
    query =
      options.parentId === null
        ? query.where('parent_id', 'is', null)
        : query.where('parent_id', '=', options.parentId);
  const rows = await query.orderBy('sort_name').orderBy('id').execute();
  return rows.map(toFolderDto);
}

/** The breadcrumb of a folder, top-level folder first; empty when the folder does not exist. */
export async function getFolderPath(
  db: FoldersReader,
  userId: UserId,
  folderId: string,
): Promise<BreadcrumbItem[]> {
  const rows = await db
    .withRecursive('path(id, parent_id, name, steps)', (qb) =>
      qb
        .selectFrom('library_folders')
        .select(['id', 'parent_id', 'name', sql<number>`0`.as('steps')])
        .where('user_id', '=', userId)
        .where('id', '=', folderId)
        .unionAll((union) =>
          union
            .selectFrom('library_folders as f')
            .innerJoin('path', 'path.parent_id', 'f.id')
            .select(['f.id', 'f.parent_id', 'f.name', sql<number>`path.steps + 1`.as('steps')])
            .where('f.user_id', '=', userId)
            .where('path.steps', '<', MAX_DEPTH),
        ),
    )
    .selectFrom('path')
    .select(['id', 'name'])
    .orderBy('steps', 'desc')
    .execute();
  return rows;
}

/**
 * A folder (or the root, `folderId` null) with its breadcrumb, subfolders and first page of files.
 * A trashed folder shows what went to the trash with it. Null when the folder does not exist.
 */
export async function getFolderContents(
  db: QueryCreator<LibraryFoldersTables & LibraryFilesTables>,
  userId: UserId,
  folderId: string | null,
  fileOptions: Pick<ListFilesOptions, 'kind' | 'sort' | 'direction' | 'limit'> = {},
): Promise<FolderContents | null> {
  const folder = folderId === null ? null : await getFolder(db, userId, folderId);
  if (folderId !== null && folder === null) return null;
  const trashRoot = folder?.trashed ? (folder.trashedWith ?? folder.id) : null;

  let subfolders = db.selectFrom('library_folders').selectAll().where('user_id', '=', userId);
  subfolders =
    folderId === null
      ? subfolders.where('parent_id', 'is', null)
      : subfolders.where('parent_id', '=', folderId);
  subfolders =
    trashRoot === null
      ? subfolders.where('trashed', '=', false)
      : subfolders.where('trashed_with', '=', trashRoot);

  const [path, folders, files] = await Promise.all([
    folderId === null ? Promise.resolve([]) : getFolderPath(db, userId, folderId),
    subfolders.orderBy('sort_name').orderBy('id').execute(),
    listFiles(db, userId, {
      ...fileOptions,
      folderId,
      trashed: trashRoot !== null,
      ...(trashRoot === null ? {} : { trashedWith: trashRoot }),
    }),
  ]);
  return { folder, path, folders: folders.map(toFolderDto), files };
}

/** Every live folder as a tree, siblings by name: for a "move to…" picker. */
export async function getFolderTree(db: FoldersReader, userId: UserId): Promise<FolderTreeNode[]> {
  const folders = await listFolders(db, userId);
  const nodes = new Map(
    folders.map((folder) => [
      folder.id,
      { id: folder.id, name: folder.name, children: [] as FolderTreeNode[] },
    ]),
  );
  const roots: FolderTreeNode[] = [];
  for (const folder of folders) {
    const node = nodes.get(folder.id)!;
    const parent = folder.parentId === null ? undefined : nodes.get(folder.parentId);
    (parent ? parent.children : roots).push(node);
  }
  return roots;
}

export function toFolderDto(row: FolderRow): FolderDto {
  return {
    id: row.id,
    parentId: row.parent_id,
    name: row.name,
    trashed: row.trashed,
    trashedAt: toIsoOrNull(row.trashed_at),
    trashedWith: row.trashed_with,
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
    folderCount: row.folder_count,
    fileCount: row.file_count,
    size: row.size,
    totalFolderCount: row.total_folder_count,
    totalFileCount: row.total_file_count,
    totalSize: row.total_size,
  };
}
