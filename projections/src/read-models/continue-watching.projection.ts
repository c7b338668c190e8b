import type { DeviceKind, FileKind, UserId } from '@teleplay/contracts';
import { type QueryCreator, sql } from 'kysely';
import type { ProjectedEvent, Projection, ProjectionContext } from '../projection.ts';
import { pageSize } from './pagination.ts';
import {
  type FileThumbnail,
  occurredAt,
  positionType,
  type ThumbnailColumns,
  thumbnailColumns,
  thumbnailOf,
  toIso,
  withThumbnailColumns,
} from './read-model-support.ts';
import { TableRows } from './table-rows.ts';

// ---------------------------------------------------------------------------------------------
// Rows
// ---------------------------------------------------------------------------------------------

/**
 * One row per file of the library: what the row shows of the file (kept here from the library
 * events, since a projection reads only its own tables) and its playback state.
 */
export interface ContinueWatchingTable extends ThumbnailColumns {
  user_id: string;
  file_id: string;
  name: string;
  kind: FileKind;
  mime_type: string;
  trashed: boolean;
  /** Playback state; null until the file is first played. */
  position_seconds: number | null;
  duration_seconds: number | null;
  resume_at_seconds: number | null;
  played: boolean;
  last_device_id: string | null;
  last_played_at: Date | null;
  last_position: string;
}

/** Device names, to say where the file was last watched. */
export interface ContinueWatchingDevicesTable {
  user_id: string;
  device_id: string;
  name: string;
  kind: DeviceKind;
  last_position: string;
}

export interface ContinueWatchingTables {
  continue_watching: ContinueWatchingTable;
  continue_watching_devices: ContinueWatchingDevicesTable;
}

// ---------------------------------------------------------------------------------------------
// Projection
// ---------------------------------------------------------------------------------------------

export const continueWatchingProjection: Projection<ContinueWatchingTables> = {
  name: 'continue_watching',
  version: 1,
  tables: ['continue_watching', 'continue_watching_devices'],
  eventTypes: [
    'FileUploaded',
    'FileRenamed',
    'FileTrashed',
    'FileRestored',
    'FileDeleted',
    'FolderTrashed',
    'FolderRestored',
    'FolderDeleted',
    'PlaybackStarted',
    'PlaybackProgressed',
    'PlaybackStopped',
    'PlaybackCompleted',
    'DeviceSignedIn',
  ],

  async createTables(db, schema) {
    const builder = db.schema.withSchema(schema);
    await builder
      .createTable('continue_watching')
      .addColumn('user_id', 'text', (column) => column.notNull())
      .addColumn('file_id', 'text', (column) => column.notNull())
      .addColumn('name', 'text', (column) => column.notNull())
      .addColumn('kind', 'text', (column) => column.notNull())
      .addColumn('mime_type', 'text', (column) => column.notNull())
      .$call(withThumbnailColumns)
      .addColumn('trashed', 'boolean', (column) => column.notNull())
      .addColumn('position_seconds', 'double precision')
      .addColumn('duration_seconds', 'double precision')
      .addColumn('resume_at_seconds', 'double precision')
      .addColumn('played', 'boolean', (column) => column.notNull())
      .addColumn('last_device_id', 'text')
      .addColumn('last_played_at', 'timestamptz')
      .addColumn('last_position', positionType, (column) => column.notNull())
      .addPrimaryKeyConstraint('continue_watching_pkey', ['user_id', 'file_id'])
      .execute();
    // Only the resumable rows are indexed: the query reads nothing else.
    await builder
      .createIndex('continue_watching_resumable')
      .on('continue_watching')
      .columns(['user_id', 'last_played_at desc', 'file_id desc'])
      .where(sql.ref('resume_at_seconds'), 'is not', null)
      .where(sql.ref('played'), '=', false)
      .where(sql.ref('trashed'), '=', false)
      .execute();
    await builder
      .createTable('continue_watching_devices')
      .addColumn('user_id', 'text', (column) => column.notNull())
      .addColumn('device_id', 'text', (column) => column.notNull())
      .addColumn('name', 'text', (column) => column.notNull())
      .addColumn('kind', 'text', (column) => column.notNull())
      .addColumn('last_position', positionType, (column) => column.notNull())
      .addPrimaryKeyConstraint('continue_watching_devices_pkey', ['user_id', 'device_id'])
      .execute();
  },

  apply: (event, context) => projectContinueWatching([event], context),
  applyMany: projectContinueWatching,
};

type ItemRow = ContinueWatchingTable;
type ItemRows = TableRows<ItemRow, 'user_id' | 'file_id'>;
type DeviceRow = ContinueWatchingDevicesTable;
type DeviceRows = TableRows<DeviceRow, 'user_id' | 'device_id'>;

/** Loads the rows the events touch, folds the events over them in order, writes the outcome. */
async function projectContinueWatching(
  events: readonly ProjectedEvent[],
  context: ProjectionContext<ContinueWatchingTables>,
): Promise<void> {
  const items: ItemRows = new TableRows('continue_watching', ['user_id', 'file_id']);
  const devices: DeviceRows = new TableRows('continue_watching_devices', ['user_id', 'device_id']);
  await items.load(
    context.db,
    events.flatMap((event) => fileIdsOf(event).map((fileId) => ({ user_id: event.userId, file_id: fileId }))),
  );
  await devices.load(
    context.db,
    events.flatMap((event) =>
      event.type === 'DeviceSignedIn' ? [{ user_id: event.userId, device_id: event.data.deviceId }] : [],
    ),
  );
  for (const event of events) foldContinueWatchingEvent(items, devices, event);
  await items.save(context.db);
  await devices.save(context.db);
}

function fileIdsOf(event: ProjectedEvent): readonly string[] {
  switch (event.type) {
    case 'FileUploaded':
    case 'FileRenamed':
    case 'FileTrashed':
    case 'FileRestored':
    case 'FileDeleted':
    case 'PlaybackStarted':
    case 'PlaybackProgressed':
    case 'PlaybackStopped':
    case 'PlaybackCompleted':
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

type ItemUpdate = Partial<Omit<ItemRow, 'user_id' | 'file_id' | 'last_position'>>;

/**
 * Applies one event to the rows in memory, only to rows it is newer than (`last_position`), so that
 * applying it again changes nothing. Playback of a file this projection does not know (deleted
 * meanwhile) changes nothing.
 */
function foldContinueWatchingEvent(items: ItemRows, devices: DeviceRows, event: ProjectedEvent) {
  const { userId } = event;
  const update = (fileIds: readonly string[], fields: ItemUpdate) => {
    for (const fileId of fileIds) {
      const row = items.get({ user_id: userId, file_id: fileId });
      if (row === null || row.last_position >= event.position) continue;
      items.set({ ...row, ...fields, last_position: event.position });
    }
  };
  const remove = (fileIds: readonly string[]) => {
    for (const fileId of fileIds) items.delete({ user_id: userId, file_id: fileId });
  };
  switch (event.type) {
    case 'FileUploaded': {
      const { fileId, name, kind, mimeType, thumbnail } = event.data;
      const row = items.get({ user_id: userId, file_id: fileId });
      if (row !== null && row.last_position >= event.position) return;
      items.set({
        user_id: userId,
        file_id: fileId,
        name,
        kind,
        mime_type: mimeType,
        ...thumbnailColumns(thumbnail),
        trashed: false,
        position_seconds: null,
        duration_seconds: null,
        resume_at_seconds: null,
        played: false,
        last_device_id: null,
        last_played_at: null,
        last_position: event.position,
      });
      return;
    }
    case 'FileRenamed':
      return update([event.data.fileId], { name: event.data.to });
    case 'FileTrashed':
      return update([event.data.fileId], { trashed: true });
    case 'FileRestored':
      return update([event.data.fileId], { trashed: false });
    case 'FolderTrashed':
      return update(event.data.fileIds, { trashed: true });
    case 'FolderRestored':
      return update(event.data.fileIds, { trashed: false });
    case 'FileDeleted':
      return remove([event.data.fileId]);
    case 'FolderDeleted':
      return remove(event.data.files.map((file) => file.fileId));
    case 'PlaybackStarted':
    case 'PlaybackProgressed':
    case 'PlaybackStopped':
      return update([event.data.fileId], {
        position_seconds: event.data.positionSeconds,
        duration_seconds: event.data.durationSeconds,
        resume_at_seconds: event.data.resumeAtSeconds,
        last_device_id: event.data.deviceId,
        last_played_at: occurredAt(event),
        ...(event.type === 'PlaybackStarted' ? { played: false } : {}),
      });
    case 'PlaybackCompleted':
      return update([event.data.fileId], {
        position_seconds: event.data.durationSeconds,
        duration_seconds: event.data.durationSeconds,
        resume_at_seconds: null,
        played: true,
        last_device_id: event.data.deviceId,
        last_played_at: occurredAt(event),
      });
    case 'DeviceSignedIn': {
      const { deviceId, name, kind } = event.data;
      const row = devices.get({ user_id: userId, device_id: deviceId });
      if (row !== null && row.last_position >= event.position) return;
      devices.set({ user_id: userId, device_id: deviceId, name, kind, last_position: event.position });
      return;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Query
// ---------------------------------------------------------------------------------------------

export interface ContinueWatchingItem {
  fileId: string;
  name: string;
  kind: FileKind;
  mimeType: string;
  thumbnail: FileThumbnail | null;
  resumeAtSeconds: number;
  positionSeconds: number;
  durationSeconds: number;
  lastPlayedAt: string;
  /** The device that played it last; name and kind null if that device never signed in here. */
  lastDevice: { id: string; name: string | null; kind: DeviceKind | null };
}

/** What the user can resume (Jellyfin's "Continue watching"): newest first, trashed files left out. */
export async function listContinueWatching(
  db: QueryCreator<ContinueWatchingTables>,
  userId: UserId,
  options: { kind?: FileKind; limit?: number } = {},
): Promise<ContinueWatchingItem[]> {
  let query = db
    .selectFrom('continue_watching as item')
    .leftJoin('continue_watching_devices as device', (join) =>
      join.onRef('device.user_id', '=', 'item.user_id').onRef('device.device_id', '=', 'item.last_device_id'),
    )
    .selectAll('item')
    .select(['device.name as device_name', 'device.kind as device_kind'])
    .where('item.user_id', '=', userId)
    .where('item.resume_at_seconds', 'is not', null)
    .where('item.played', '=', false)
    .where('item.trashed', '=', false);
  if (options.kind !== undefined) query = query.where('item.kind', '=', options.kind);
  const rows = await query
    // A row with a resume point has been played, so its playback columns are set.
    .$narrowType<{
      resume_at_seconds: number;
      position_seconds: number;
      duration_seconds: number;
      last_played_at: Date;
      last_device_id: string;
    }>()
    .orderBy('item.last_played_at', 'desc')
    .orderBy('item.file_id', 'desc')
    .limit(pageSize(options.limit, 20))
    .execute();
  return rows.map((row) => ({
    fileId: row.file_id,
    name: row.name,
    kind: row.kind,
    mimeType: row.mime_type,
    thumbnail: thumbnailOf(row),
    resumeAtSeconds: row.resume_at_seconds,
    positionSeconds: row.position_seconds,
    durationSeconds: row.duration_seconds,
    lastPlayedAt: toIso(row.last_played_at),
    lastDevice: { id: row.last_device_id, name: row.device_name, kind: row.device_kind },
  }));
}
