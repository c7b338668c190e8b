import type { EventSource, UserId } from '@teleplay/contracts';
import { type QueryCreator, sql } from 'kysely';
import type { Projection } from '../projection.ts';
import {
  HISTORY_EVENT_TYPES,
  type HistoryEvent,
  type HistoryEventType,
  type HistoryNames,
  isHistoryEvent,
  summarizeEvent,
} from './history-summary.ts';
import { decodeCursor, encodeCursor, type Page, pageSize, toPage } from './pagination.ts';
import { occurredAt, positionType, toIso } from './read-model-support.ts';

export { HISTORY_EVENT_TYPES, type HistoryEventType };

// ---------------------------------------------------------------------------------------------
// Rows
// ---------------------------------------------------------------------------------------------

/** One row per recorded event, keyed by its global position (unique per event). */
export interface HistoryTable {
  user_id: string;
  position: string;
  event_type: HistoryEventType;
  occurred_at: Date;
  source: EventSource;
  /** The device that did it (null: the bot or the system). */
  device_id: string | null;
  actor_id: string;
  /** The file or folder the line is about, and the share link. */
  file_id: string | null;
  folder_id: string | null;
  share_id: string | null;
  /** Every file the event touched (a folder cascade touches many): a file's timeline reads this. */
  file_ids: string[];
  summary: string;
}

/** Names as of the last recorded event, to render later lines (“moved x from Movies to Series”). */
export interface HistoryNamesTable {
  user_id: string;
  kind: 'file' | 'folder' | 'device';
  id: string;
  name: string;
}

export interface HistoryTables {
  history: HistoryTable;
  history_names: HistoryNamesTable;
}

type Db = QueryCreator<HistoryTables>;

// ---------------------------------------------------------------------------------------------
// Projection
// ---------------------------------------------------------------------------------------------

export const historyProjection: Projection<HistoryTables> = {
  name: 'history',
  version: 1,
  tables: ['history', 'history_names'],
  eventTypes: HISTORY_EVENT_TYPES,

  async createTables(db, schema) {
    const builder = db.schema.withSchema(schema);
    await builder
      .createTable('history')
      .addColumn('user_id', 'text', (column) => column.notNull())
      .addColumn('position', positionType, (column) => column.notNull())
      .addColumn('event_type', 'text', (column) => column.notNull())
      .addColumn('occurred_at', 'timestamptz', (column) => column.notNull())
      .addColumn('source', 'text', (column) => column.notNull())
      .addColumn('device_id', 'text')
      .addColumn('actor_id', 'text', (column) => column.notNull())
      .addColumn('file_id', 'text')
      .addColumn('folder_id', 'text')
      .addColumn('share_id', 'text')
      .addColumn('file_ids', sql`text[]`, (column) => column.notNull())
      .addColumn('summary', 'text', (column) => column.notNull())
      .addPrimaryKeyConstraint('history_pkey', ['user_id', 'position'])
      .execute();
    await builder.createIndex('history_by_file').on('history').using('gin').column('file_ids').execute();
    await builder
      .createIndex('history_by_share')
      .on('history')
      .columns(['user_id', 'share_id'])
      .where(sql.ref('share_id'), 'is not', null)
      .execute();
    await builder
      .createTable('history_names')
      .addColumn('user_id', 'text', (column) => column.notNull())
      .addColumn('kind', 'text', (column) => column.notNull())
      .addColumn('id', 'text', (column) => column.notNull())
      .addColumn('name', 'text', (column) => column.notNull())
      .addPrimaryKeyConstraint('history_names_pkey', ['user_id', 'kind', 'id'])
      .execute();
  },

  async apply(event, { db }) {
    if (!isHistoryEvent(event)) return;
    const { userId } = event;
    // The line is rendered once, with the names as they were: an event applied again is skipped whole.
    const recorded = await db
      .selectFrom('history')
      .select('position')
      .where('user_id', '=', userId)
      .where('position', '=', event.position)
      .executeTakeFirst();
    if (recorded) return;

    const subject = await subjectOf(db, event);
    await db
      .insertInto('history')
      .values({
        user_id: userId,
        position: event.position,
        event_type: event.type,
        occurred_at: occurredAt(event),
        source: event.metadata.source,
        device_id: event.metadata.deviceId,
        actor_id: event.metadata.actorId,
        file_id: subject.fileId,
        folder_id: subject.folderId,
        share_id: subject.shareId,
        file_ids: subject.fileIds,
        summary: await summarizeEvent(event, namesOf(db, userId)),
      })
      .onConflict((conflict) => conflict.columns(['user_id', 'position']).doNothing())
      .execute();

    const named = nameSetBy(event);
    if (named)
      await db
        .insertInto('history_names')
        .values({ user_id: userId, ...named })
        .onConflict((conflict) =>
          conflict.columns(['user_id', 'kind', 'id']).doUpdateSet({ name: named.name }),
        )
        .execute();
  },
};

interface Subject {
  fileId: string | null;
  folderId: string | null;
  shareId: string | null;
  fileIds: string[];
}

async function subjectOf(db: Db, event: HistoryEvent): Promise<Subject> {
  const none: Subject = { fileId: null, folderId: null, shareId: null, fileIds: [] };
  const file = (fileId: string): Subject => ({ ...none, fileId, fileIds: [fileId] });
  switch (event.type) {
    case 'FileUploaded':
    case 'FileRenamed':
    case 'FileMoved':
    case 'FileTrashed':
    case 'FileRestored':
    case 'FileDeleted':
    case 'PlaybackCompleted':
      return file(event.data.fileId);
    case 'FolderCreated':
    case 'FolderRenamed':
    case 'FolderMoved':
      return { ...none, folderId: event.data.folderId };
    case 'FolderTrashed':
    case 'FolderRestored':
      return { ...none, folderId: event.data.folderId, fileIds: event.data.fileIds };
    case 'FolderDeleted':
      return { ...none, folderId: event.data.folderId, fileIds: event.data.files.map((f) => f.fileId) };
    case 'ShareLinkCreated':
      return { ...file(event.data.fileId), shareId: event.data.shareId };
    case 'ShareLinkRevoked': {
      const fileId = await sharedFileId(db, event.userId, event.data.shareId);
      return fileId === null
        ? { ...none, shareId: event.data.shareId }
        : { ...file(fileId), shareId: event.data.shareId };
    }
    case 'UserRegistered':
    case 'DeviceSignedIn':
    case 'DeviceSignedOut':
      return none;
  }
}

function nameSetBy(event: HistoryEvent): Omit<HistoryNamesTable, 'user_id'> | null {
  switch (event.type) {
    case 'FileUploaded':
      return { kind: 'file', id: event.data.fileId, name: event.data.name };
    case 'FileRenamed':
      return { kind: 'file', id: event.data.fileId, name: event.data.to };
    case 'FolderCreated':
      return { kind: 'folder', id: event.data.folderId, name: event.data.name };
    case 'FolderRenamed':
      return { kind: 'folder', id: event.data.folderId, name: event.data.to };
    case 'DeviceSignedIn':
      return { kind: 'device', id: event.data.deviceId, name: event.data.name };
    default:
      return null;
  }
}

/** The file a share link was created for, from the line that recorded its creation. */
async function sharedFileId(db: Db, userId: UserId, shareId: string): Promise<string | null> {
  const row = await db
    .selectFrom('history')
    .select('file_id')
    .where('user_id', '=', userId)
    .where('share_id', '=', shareId)
    .where('event_type', '=', 'ShareLinkCreated')
    .executeTakeFirst();
  return row?.file_id ?? null;
}

function namesOf(db: Db, userId: UserId): HistoryNames {
  const lookup = async (kind: HistoryNamesTable['kind'], id: string) => {
    const row = await db
      .selectFrom('history_names')
      .select('name')
      .where('user_id', '=', userId)
      .where('kind', '=', kind)
      .where('id', '=', id)
      .executeTakeFirst();
    return row?.name ?? null;
  };
  return {
    file: (fileId) => lookup('file', fileId),
    folder: (folderId) => lookup('folder', folderId),
    device: (deviceId) => lookup('device', deviceId),
    sharedFile: async (shareId) => {
      const fileId = await sharedFileId(db, userId, shareId);
      return fileId === null ? null : lookup('file', fileId);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Queries
// ---------------------------------------------------------------------------------------------

export interface HistoryEntry {
  /** Global position of the event: orders the timeline and identifies the entry. */
  position: string;
  type: HistoryEventType;
  occurredAt: string;
  source: EventSource;
  deviceId: string | null;
  actorId: string;
  fileId: string | null;
  folderId: string | null;
  shareId: string | null;
  summary: string;
}

export interface HistoryOptions {
  types?: readonly HistoryEventType[];
  /** Events that occurred at or after `from` and before `to`. */
  from?: Date;
  to?: Date;
  cursor?: string;
  limit?: number;
}

const TAG = 'history';

type HistoryReader = QueryCreator<HistoryTables>;

/** The user's audit timeline, newest first. */
export async function listHistory(
  db: HistoryReader,
  userId: UserId,
  options: HistoryOptions = {},
): Promise<Page<HistoryEntry>> {
  return timeline(db, userId, options, null);
}

/** A file's timeline, newest first, including the folder cascades that took it along. */
export async function listFileHistory(
  db: HistoryReader,
  userId: UserId,
  fileId: string,
  options: Pick<HistoryOptions, 'cursor' | 'limit'> = {},
): Promise<Page<HistoryEntry>> {
  return timeline(db, userId, options, fileId);
}

async function timeline(
  db: HistoryReader,
  userId: UserId,
  options: HistoryOptions,
  fileId: string | null,
): Promise<Page<HistoryEntry>> {
  const limit = pageSize(options.limit);
  let query = db.selectFrom('history').selectAll().where('user_id', '=', userId);
  if (fileId !== null) query = query.where(sql<boolean>`file_ids @> array[${fileId}]::text[]`);
  if (options.types !== undefined) {
    if (options.types.length === 0) return { items: [], nextCursor: null };
    query = query.where('event_type', 'in', options.types);
  }
  if (options.from !== undefined) query = query.where('occurred_at', '>=', options.from);
  if (options.to !== undefined) query = query.where('occurred_at', '<', options.to);
  if (options.cursor !== undefined) {
    const [position] = decodeCursor(options.cursor, TAG, ['string']);
    query = query.where('position', '<', position);
  }
  const rows = await query
    .orderBy('position', 'desc')
    .limit(limit + 1)
    .execute();
  return toPage(
    rows,
    limit,
    (row) => ({
      position: row.position,
      type: row.event_type,
      occurredAt: toIso(row.occurred_at),
      source: row.source,
      deviceId: row.device_id,
      actorId: row.actor_id,
      fileId: row.file_id,
      folderId: row.folder_id,
      shareId: row.share_id,
      summary: row.summary,
    }),
    (row) => encodeCursor(TAG, [row.position]),
  );
}
