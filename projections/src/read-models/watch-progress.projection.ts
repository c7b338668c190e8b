import type { UserId } from '@teleplay/contracts';
import type { QueryCreator } from 'kysely';
import type { LiveChange, Projection } from '../projection.ts';
import { occurredAt, type Projected, positionType, toIso } from './read-model-support.ts';

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

type Db = QueryCreator<WatchProgressTables>;

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

  async apply(event, { db, emit }) {
    const change = (fileId: string, removed = false): LiveChange =>
      removed
        ? { userId: event.userId, kind: 'progress', id: fileId, removed: true }
        : { userId: event.userId, kind: 'progress', id: fileId };
    switch (event.type) {
      case 'PlaybackStarted':
      case 'PlaybackProgressed':
      case 'PlaybackStopped':
      case 'PlaybackCompleted': {
        if (await recordPlayback(db, event)) emit(change(event.data.fileId));
        return;
      }
      case 'FileDeleted':
        for (const fileId of await forget(db, event.userId, [event.data.fileId])) emit(change(fileId, true));
        return;
      case 'FolderDeleted': {
        const fileIds = event.data.files.map((file) => file.fileId);
        for (const fileId of await forget(db, event.userId, fileIds)) emit(change(fileId, true));
        return;
      }
    }
  },
};

type PlaybackEventOf = Projected<
  'PlaybackStarted' | 'PlaybackProgressed' | 'PlaybackStopped' | 'PlaybackCompleted'
>;

/** Upserts the file's playback state; false when the event had been applied already. */
async function recordPlayback(db: Db, event: PlaybackEventOf): Promise<boolean> {
  const { data } = event;
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
  const written = await db
    .insertInto('watch_progress')
    .values({
      user_id: event.userId,
      file_id: data.fileId,
      played: false,
      play_count: started ? 1 : 0,
      ...common,
    })
    .onConflict((conflict) =>
      conflict
        .columns(['user_id', 'file_id'])
        .doUpdateSet((eb) => ({
          ...common,
          // Jellyfin: a new start counts a play and clears "played" until the end is reached again.
          ...(started ? { played: false, play_count: eb('watch_progress.play_count', '+', 1) } : {}),
        }))
        .where('watch_progress.last_position', '<', event.position),
    )
    .returning('file_id')
    .execute();
  return written.length > 0;
}

async function forget(db: Db, userId: UserId, fileIds: readonly string[]): Promise<string[]> {
  if (fileIds.length === 0) return [];
  const rows = await db
    .deleteFrom('watch_progress')
    .where('user_id', '=', userId)
    .where('file_id', 'in', fileIds)
    .returning('file_id')
    .execute();
  return rows.map((row) => row.file_id);
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
