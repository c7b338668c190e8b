import type { UserId } from '@teleplay/contracts';
import type { QueryCreator } from 'kysely';
import type { LiveChange, ProjectedEvent, Projection, ProjectionContext } from '../projection.ts';
import { LiveChangeLog, occurredAt, type Projected, positionType, toIso } from './read-model-support.ts';
import { TableRows } from './table-rows.ts';

// ---------------------------------------------------------------------------------------------
// Rows
// ---------------------------------------------------------------------------------------------

/** Playback state per (user, file), as Jellyfin's UserData: the decider already classified each report. */
export interface WatchProgressTable {
  user_id: string;
  file_id: string;
  position_seconds: number;
  duration_seconds: number;
  /** Where to resume; null when the last report was not resumable (too early, too late, short item). */
  resume_at_seconds: number | null;
  /** The last playthrough reached the end (over 90 %); a new start clears it, as in Jellyfin. */
  played: boolean;
  /** Playbacks started. */
  play_count: number;
  last_device_id: string;
  last_played_at: Date;
  /** Position of the last event applied: keeps `play_count` exact when an event is applied again. */
  last_position: string;
}

export interface WatchProgressTables {
  watch_progress: WatchProgressTable;
}

// ---------------------------------------------------------------------------------------------
// Projection
// ---------------------------------------------------------------------------------------------

export const watchProgressProjection: Projection<WatchProgressTables> = {
  name: 'watch_progress',
  version: 1,
  tables: ['watch_progress'],
  eventTypes: [
    'PlaybackStarted',
    'PlaybackProgressed',
    'PlaybackStopped',
    'PlaybackCompleted',
    'FileDeleted',
    'FolderDeleted',
  ],

  async createTables(db, schema) {
    await db.schema
      .withSchema(schema)
      .createTable('watch_progress')
      .addColumn('user_id', 'text', (column) => column.notNull())
      .addColumn('file_id', 'text', (column) => column.notNull())
      .addColumn('position_seconds', 'double precision', (column) => column.notNull())
      .addColumn('duration_seconds', 'double precision', (column) => column.notNull())
      .addColumn('resume_at_seconds', 'double precision')
      .addColumn('played', 'boolean', (column) => column.notNull())
      .addColumn('play_count', 'integer', (column) => column.notNull())
      .addColumn('last_device_id', 'text', (column) => column.notNull())
      .addColumn('last_played_at', 'timestamptz', (column) => column.notNull())
      .addColumn('last_position', positionType, (column) => column.notNull())
      .addPrimaryKeyConstraint('watch_progress_pkey', ['user_id', 'file_id'])
      .execute();
  },

  apply: (event, context) => projectProgress([event], context),
  applyMany: projectProgress,
};

type ProgressRow = WatchProgressTable;
type ProgressRows = TableRows<ProgressRow, 'user_id' | 'file_id'>;

/** Loads the rows the events touch, folds the events over them in order, writes the outcome. */
async function projectProgress(
  events: readonly ProjectedEvent[],
  context: ProjectionContext<WatchProgressTables>,
): Promise<void> {
  const progress: ProgressRows = new TableRows('watch_progress', ['user_id', 'file_id']);
  await progress.load(
    context.db,
    events.flatMap((event) => fileIdsOf(event).map((fileId) => ({ user_id: event.userId, file_id: fileId }))),
  );
  const changes = new LiveChangeLog();
  for (const event of events) foldProgressEvent(progress, event, changes);
  await progress.save(context.db);
  changes.emitTo(context);
}

function fileIdsOf(event: ProjectedEvent): readonly string[] {
  switch (event.type) {
    case 'PlaybackStarted':
    case 'PlaybackProgressed':
    case 'PlaybackStopped':
    case 'PlaybackCompleted':
    case 'FileDeleted':
      return [event.data.fileId];
    case 'FolderDeleted':
      return event.data.files.map((file) => file.fileId);
    default:
      return [];
  }
}

function foldProgressEvent(progress: ProgressRows, event: ProjectedEvent, changes: LiveChangeLog) {
  const change = (fileId: string, removed = false): LiveChange =>
    removed
      ? { userId: event.userId, kind: 'progress', id: fileId, removed: true }
      : { userId: event.userId, kind: 'progress', id: fileId };
  const forget = (fileIds: readonly string[]) => {
    for (const fileId of fileIds) {
      const row = progress.get({ user_id: event.userId, file_id: fileId });
      if (row === null) continue;
      progress.delete(row);
      changes.add(change(fileId, true));
    }
  };
  switch (event.type) {
    case 'PlaybackStarted':
    case 'PlaybackProgressed':
    case 'PlaybackStopped':
    case 'PlaybackCompleted':
      if (recordPlayback(progress, event)) changes.add(change(event.data.fileId));
      return;
    case 'FileDeleted':
      return forget([event.data.fileId]);
    case 'FolderDeleted':
      return forget(event.data.files.map((file) => file.fileId));
  }
}

type PlaybackEventOf = Projected<
  'PlaybackStarted' | 'PlaybackProgressed' | 'PlaybackStopped' | 'PlaybackCompleted'
>;

/**
 * Records the file's playback state; false when the row has seen this event already (its
 * `last_position` is not older), which keeps `play_count` exact when an event is applied again.
 */
function recordPlayback(progress: ProgressRows, event: PlaybackEventOf): boolean {
  const { data } = event;
  const row = progress.get({ user_id: event.userId, file_id: data.fileId });
  if (row !== null && row.last_position >= event.position) return false;
  const report =
    event.type === 'PlaybackCompleted'
      ? {
          position_seconds: data.durationSeconds,
          duration_seconds: data.durationSeconds,
          resume_at_seconds: null,
          played: true,
        }
      : {
          position_seconds: event.data.positionSeconds,
          duration_seconds: event.data.durationSeconds,
          resume_at_seconds: event.data.resumeAtSeconds,
        };
  const started = event.type === 'PlaybackStarted';
  const common = {
    ...report,
    last_device_id: data.deviceId,
    last_played_at: occurredAt(event),
    last_position: event.position,
  };
  progress.set(
    row === null
      ? { user_id: event.userId, file_id: data.fileId, played: false, play_count: started ? 1 : 0, ...common }
      : {
          ...row,
          ...common,
          // Jellyfin: a new start counts a play and clears "played" until the end is reached again.
          ...(started ? { played: false, play_count: row.play_count + 1 } : {}),
        },
  );
  return true;
}

// ---------------------------------------------------------------------------------------------
// Queries
// ---------------------------------------------------------------------------------------------

export interface WatchProgress {
  fileId: string;
  positionSeconds: number;
  durationSeconds: number;
  /** Offer "resume at …" from here; null: start from the beginning. */
  resumeAtSeconds: number | null;
  played: boolean;
  playCount: number;
  lastDeviceId: string;
  lastPlayedAt: string;
}

type ProgressReader = QueryCreator<WatchProgressTables>;

export async function getProgress(
  db: ProgressReader,
  userId: UserId,
  fileId: string,
): Promise<WatchProgress | null> {
  const [progress] = await getProgressOfFiles(db, userId, [fileId]);
  return progress ?? null;
}

/** Progress of the files that have been played; files never played are absent. */
export async function getProgressOfFiles(
  db: ProgressReader,
  userId: UserId,
  fileIds: readonly string[],
): Promise<WatchProgress[]> {
  if (fileIds.length === 0) return [];
  const rows = await db
    .selectFrom('watch_progress')
    .selectAll()
    .where('user_id', '=', userId)
    .where('file_id', 'in', fileIds)
    .orderBy('file_id')
    .execute();
  return rows.map((row) => ({
    fileId: row.file_id,
    positionSeconds: row.position_seconds,
    durationSeconds: row.duration_seconds,
    resumeAtSeconds: row.resume_at_seconds,
    played: row.played,
    playCount: row.play_count,
    lastDeviceId: row.last_device_id,
    lastPlayedAt: toIso(row.last_played_at),
  }));
}
