import type { EventSource, FileKind, TelegramLocation, UploadOrigin, UserId } from '@teleplay/contracts';
import { type QueryCreator, sql } from 'kysely';
import type { LiveChange, ProjectedEvent, Projection, ProjectionContext } from '../projection.ts';
import { nameSortKey } from './name-sort-key.ts';
import {
  decodeCursor,
  encodeCursor,
  InvalidCursorError,
  type Page,
  pageSize,
  type SortDirection,
  toPage,
} from './pagination.ts';
import {
  type FileThumbnail,
  LiveChangeLog,
  occurredAt,
  type Projected,
  positionType,
  sortKeyType,
  type ThumbnailColumns,
  thumbnailColumns,
  thumbnailOf,
  toIso,
  toIsoOrNull,
  withThumbnailColumns,
} from './read-model-support.ts';
import { TableRows } from './table-rows.ts';

export type { FileThumbnail };

// ---------------------------------------------------------------------------------------------
// Rows
// ---------------------------------------------------------------------------------------------

export interface LibraryFilesTable extends ThumbnailColumns {
  user_id: string;
  id: string;
  folder_id: string | null;
  name: string;
  sort_name: string;
  size: number;
  mime_type: string;
  kind: FileKind;
  duration_seconds: number | null;
  width: number | null;
  height: number | null;
  telegram_channel_id: string;
  telegram_message_id: number;
  telegram_document_id: string;
  telegram_dc_id: number;
  origin_chat_id: string;
  origin_message_id: number;
  uploaded_from: EventSource;
  trashed: boolean;
  trashed_at: Date | null;
  /** The folder whose trashing took this file along, or null (not trashed, or trashed on its own). */
  trashed_with: string | null;
  uploaded_at: Date;
  updated_at: Date;
  /** Position of the last event applied to the row: older events are not applied again. */
  last_position: string;
}

export interface LibraryFilesTables {
  library_files: LibraryFilesTable;
}

type FileRow = LibraryFilesTable;

// ---------------------------------------------------------------------------------------------
// Projection
// ---------------------------------------------------------------------------------------------

export const libraryFilesProjection: Projection<LibraryFilesTables> = {
  name: 'library_files',
  version: 1,
  tables: ['library_files'],
  eventTypes: [
    'FileUploaded',
    'FileRenamed',
    'FileMoved',
    'FileTrashed',
    'FileRestored',
    'FileDeleted',
    'FolderTrashed',
    'FolderRestored',
    'FolderDeleted',
  ],

  async createTables(db, schema) {
    const builder = db.schema.withSchema(schema);
    await builder
      .createTable('library_files')
      .addColumn('user_id', 'text', (column) => column.notNull())
      .addColumn('id', 'text', (column) => column.notNull())
      .addColumn('folder_id', 'text')
      .addColumn('name', 'text', (column) => column.notNull())
      .addColumn('sort_name', sortKeyType, (column) => column.notNull())
      .addColumn('size', 'bigint', (column) => column.notNull())
      .addColumn('mime_type', 'text', (column) => column.notNull())
      .addColumn('kind', 'text', (column) => column.notNull())
      .addColumn('duration_seconds', 'double precision')
      .addColumn('width', 'integer')
      .addColumn('height', 'integer')
      .$call(withThumbnailColumns)
      .addColumn('telegram_channel_id', 'text', (column) => column.notNull())
      .addColumn('telegram_message_id', 'bigint', (column) => column.notNull())
      .addColumn('telegram_document_id', 'text', (column) => column.notNull())
      .addColumn('telegram_dc_id', 'integer', (column) => column.notNull())
      .addColumn('origin_chat_id', 'text', (column) => column.notNull())
      .addColumn('origin_message_id', 'bigint', (column) => column.notNull())
      .addColumn('uploaded_from', 'text', (column) => column.notNull())
      .addColumn('trashed', 'boolean', (column) => column.notNull())
      .addColumn('trashed_at', 'timestamptz')
      .addColumn('trashed_with', 'text')
      .addColumn('uploaded_at', 'timestamptz', (column) => column.notNull())
      .addColumn('updated_at', 'timestamptz', (column) => column.notNull())
      .addColumn('last_position', positionType, (column) => column.notNull())
      .addPrimaryKeyConstraint('library_files_pkey', ['user_id', 'id'])
      .execute();
    await builder
      .createIndex('library_files_by_folder_name')
      .on('library_files')
      .columns(['user_id', 'folder_id', 'sort_name', 'id'])
      .execute();
    await builder
      .createIndex('library_files_by_uploaded_at')
      .on('library_files')
      .columns(['user_id', 'uploaded_at', 'id'])
      .execute();
    await builder
      .createIndex('library_files_trash')
      .on('library_files')
      .columns(['user_id', 'trashed_at', 'id'])
      .where(sql.ref('trashed'), '=', true)
      .execute();
    await builder
      .createIndex('library_files_by_origin')
      .on('library_files')
      .columns(['user_id', 'origin_chat_id', 'origin_message_id'])
      .execute();
  },

  apply: (event, context) => projectFiles([event], context),
  applyMany: projectFiles,
};

const NOT_TRASHED = { trashed: false, trashed_at: null, trashed_with: null } as const;

type FileRows = TableRows<FileRow, 'user_id' | 'id'>;

/**
 * Loads the rows the events touch in one query, folds the events over them in order, then writes
 * the outcome back in a statement or two. One event at a time (live) is the same with a batch of one.
 */
async function projectFiles(
  events: readonly ProjectedEvent[],
  context: ProjectionContext<LibraryFilesTables>,
): Promise<void> {
  const files: FileRows = new TableRows('library_files', ['user_id', 'id']);
  await files.load(
    context.db,
    events.flatMap((event) => fileIdsOf(event).map((id) => ({ user_id: event.userId, id }))),
  );
  const changes = new LiveChangeLog();
  for (const event of events) foldFileEvent(files, event, changes);
  await files.save(context.db);
  changes.emitTo(context);
}

/** The files an event is about. */
function fileIdsOf(event: ProjectedEvent): readonly string[] {
  switch (event.type) {
    case 'FileUploaded':
    case 'FileRenamed':
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

/**
 * Applies one event to the rows in memory. Every row remembers the last event applied to it
 * (`last_position`): an event is applied only to rows it is newer than, so applying it again
 * changes nothing; deleting is final whatever the order.
 */
function foldFileEvent(files: FileRows, event: ProjectedEvent, changes: LiveChangeLog) {
  const { userId } = event;
  const update = (fileIds: readonly string[], fields: FileUpdate) => {
    for (const id of fileIds) {
      const row = files.get({ user_id: userId, id });
      if (row === null || row.last_position >= event.position) continue;
      files.set({ ...row, ...fields, updated_at: occurredAt(event), last_position: event.position });
      changes.add(fileChange(userId, id, false));
    }
  };
  const remove = (fileIds: readonly string[]) => {
    for (const id of fileIds) {
      const row = files.get({ user_id: userId, id });
      if (row === null) continue;
      files.delete(row);
      changes.add(fileChange(userId, id, true));
    }
  };
  switch (event.type) {
    case 'FileUploaded': {
      const row = files.get({ user_id: userId, id: event.data.fileId });
      if (row !== null && row.last_position >= event.position) return;
      files.set(uploadedRow(event));
      changes.add(fileChange(userId, event.data.fileId, false));
      return;
    }
    case 'FileRenamed': {
      const { to } = event.data;
      return update([event.data.fileId], { name: to, sort_name: nameSortKey(to) });
    }
    case 'FileMoved':
      return update([event.data.fileId], { folder_id: event.data.toFolderId });
    case 'FileTrashed':
      return update([event.data.fileId], {
        trashed: true,
        trashed_at: occurredAt(event),
        trashed_with: null,
      });
    case 'FileRestored':
      return update([event.data.fileId], { folder_id: event.data.folderId, ...NOT_TRASHED });
    case 'FileDeleted':
      return remove([event.data.fileId]);
    case 'FolderTrashed':
      return update(event.data.fileIds, {
        trashed: true,
        trashed_at: occurredAt(event),
        trashed_with: event.data.folderId,
      });
    case 'FolderRestored':
      return update(event.data.fileIds, NOT_TRASHED);
    case 'FolderDeleted':
      return remove(event.data.files.map((file) => file.fileId));
  }
}

function fileChange(userId: UserId, fileId: string, removed: boolean): LiveChange {
  return removed ? { userId, kind: 'file', id: fileId, removed: true } : { userId, kind: 'file', id: fileId };
}

function uploadedRow(event: Projected<'FileUploaded'>): FileRow {
  const { data } = event;
  const at = occurredAt(event);
  return {
    user_id: event.userId,
    id: data.fileId,
    folder_id: data.folderId,
    name: data.name,
    sort_name: nameSortKey(data.name),
    size: data.size,
    mime_type: data.mimeType,
    kind: data.kind,
    duration_seconds: data.durationSeconds,
    width: data.width,
    height: data.height,
    ...thumbnailColumns(data.thumbnail),
    telegram_channel_id: data.telegram.channelId,
    telegram_message_id: data.telegram.messageId,
    telegram_document_id: data.telegram.documentId,
    telegram_dc_id: data.telegram.dcId,
    origin_chat_id: data.origin.chatId,
    origin_message_id: data.origin.messageId,
    uploaded_from: event.metadata.source,
    ...NOT_TRASHED,
    uploaded_at: at,
    updated_at: at,
    last_position: event.position,
  };
}

type FileUpdate = Partial<Omit<FileRow, 'user_id' | 'id' | 'updated_at' | 'last_position'>>;

// ---------------------------------------------------------------------------------------------
// Queries
// ---------------------------------------------------------------------------------------------

export interface FileDto {
  id: string;
  folderId: string | null;
  name: string;
  size: number;
  mimeType: string;
  kind: FileKind;
  durationSeconds: number | null;
  width: number | null;
  height: number | null;
  thumbnail: FileThumbnail | null;
  telegram: TelegramLocation;
  origin: UploadOrigin;
  uploadedFrom: EventSource;
  trashed: boolean;
  trashedAt: string | null;
  /** The folder this file went to the trash with (it comes back only with that folder). */
  trashedWith: string | null;
  uploadedAt: string;
  updatedAt: string;
}

export type FileSort = 'name' | 'uploadedAt' | 'size';

export interface ListFilesOptions {
  /** A folder's files, `null` for the root; omitted: files of every folder. */
  folderId?: string | null;
  kind?: FileKind;
  /** Trashed files instead of live ones (default false). */
  trashed?: boolean;
  /** Only the files that went to the trash with this folder (browsing a trashed folder). */
  trashedWith?: string;
  /** Default `name` (natural, case-insensitive); ties break by id. */
  sort?: FileSort;
  /** Default `asc`. */
  direction?: SortDirection;
  cursor?: string;
  limit?: number;
}

/** Read side: a `Kysely` (or transaction) on the public schema. */
type LibraryFilesReader = QueryCreator<LibraryFilesTables>;

export async function getFile(
  db: LibraryFilesReader,
  userId: UserId,
  fileId: string,
): Promise<FileDto | null> {
  const row = await db
    .selectFrom('library_files')
    .selectAll()
    .where('user_id', '=', userId)
    .where('id', '=', fileId)
    .executeTakeFirst();
  return row ? toFileDto(row) : null;
}

/** The files among `fileIds` that exist, in no particular order. */
export async function getFiles(
  db: LibraryFilesReader,
  userId: UserId,
  fileIds: readonly string[],
): Promise<FileDto[]> {
  if (fileIds.length === 0) return [];
  const rows = await db
    .selectFrom('library_files')
    .selectAll()
    .where('user_id', '=', userId)
    .where('id', 'in', fileIds)
    .execute();
  return rows.map(toFileDto);
}

/** The file recorded for the message a user sent (chat id + message id), if any. */
export async function findFileByOrigin(
  db: LibraryFilesReader,
  userId: UserId,
  origin: UploadOrigin,
): Promise<FileDto | null> {
  const row = await db
    .selectFrom('library_files')
    .selectAll()
    .where('user_id', '=', userId)
    .where('origin_chat_id', '=', origin.chatId)
    .where('origin_message_id', '=', origin.messageId)
    .executeTakeFirst();
  return row ? toFileDto(row) : null;
}

const SORT_COLUMNS = { name: 'sort_name', uploadedAt: 'uploaded_at', size: 'size' } as const;

/** Files filtered, sorted and paginated by keyset: (sort key, id), so pages are stable with ties. */
export async function listFiles(
  db: LibraryFilesReader,
  userId: UserId,
  options: ListFilesOptions = {},
): Promise<Page<FileDto>> {
  const sort = options.sort ?? 'name';
  const direction = options.direction ?? 'asc';
  const limit = pageSize(options.limit);
  const column = SORT_COLUMNS[sort];
  const tag = `files:${sort}:${direction}`;

  let query = db
    .selectFrom('library_files')
    .selectAll()
    .where('user_id', '=', userId)
    .where('trashed', '=', options.trashed ?? false);
  if (options.folderId !== undefined)
    query =
      options.folderId === null
        ? query.where('folder_id', 'is', null)
        : query.where('folder_id', '=', options.folderId);
  if (options.kind !== undefined) query = query.where('kind', '=', options.kind);
  if (options.trashedWith !== undefined) query = query.where('trashed_with', '=', options.trashedWith);
  if (options.cursor !== undefined) {
    const after = decodeSortCursor(options.cursor, tag, sort);
    const comparison = sql.raw(direction === 'asc' ? '>' : '<');
    query = query.where(sql<boolean>`(${sql.ref(column)}, id) ${comparison} (${after.value}, ${after.id})`);
  }
  const rows = await query
    .orderBy(column, direction)
    .orderBy('id', direction)
    .limit(limit + 1)
    .execute();
  return toPage(rows, limit, toFileDto, (row) => encodeCursor(tag, [cursorValue(row, sort), row.id]));
}

/** The newest uploads that are not in the trash. */
export async function listRecentFiles(
  db: LibraryFilesReader,
  userId: UserId,
  options: { kind?: FileKind; limit?: number } = {},
): Promise<FileDto[]> {
  const page = await listFiles(db, userId, {
    ...options,
    sort: 'uploadedAt',
    direction: 'desc',
    limit: options.limit ?? 20,
  });
  return page.items;
}

function cursorValue(row: FileRow, sort: FileSort): string | number {
  switch (sort) {
    case 'name':
      return row.sort_name;
    case 'uploadedAt':
      return row.uploaded_at.toISOString();
    case 'size':
      return row.size;
  }
}

/** The sort key and id of the row a cursor points after, typed for the sort column. */
function decodeSortCursor(
  cursor: string,
  tag: string,
  sort: FileSort,
): { value: string | number | Date; id: string } {
  if (sort === 'size') {
    const [size, id] = decodeCursor(cursor, tag, ['number', 'string']);
    return { value: size, id };
  }
  const [key, id] = decodeCursor(cursor, tag, ['string', 'string']);
  if (sort === 'name') return { value: key, id };
  const uploadedAt = new Date(key);
  if (Number.isNaN(uploadedAt.getTime())) throw new InvalidCursorError('malformed key');
  return { value: uploadedAt, id };
}

export function toFileDto(row: FileRow): FileDto {
  return {
    id: row.id,
    folderId: row.folder_id,
    name: row.name,
    size: row.size,
    mimeType: row.mime_type,
    kind: row.kind,
    durationSeconds: row.duration_seconds,
    width: row.width,
    height: row.height,
    thumbnail: thumbnailOf(row),
    telegram: {
      channelId: row.telegram_channel_id,
      messageId: row.telegram_message_id,
      documentId: row.telegram_document_id,
      dcId: row.telegram_dc_id,
    },
    origin: { chatId: row.origin_chat_id, messageId: row.origin_message_id },
    uploadedFrom: row.uploaded_from,
    trashed: row.trashed,
    trashedAt: toIsoOrNull(row.trashed_at),
    trashedWith: row.trashed_with,
    uploadedAt: toIso(row.uploaded_at),
    updatedAt: toIso(row.updated_at),
  };
}
