import type { EventSource, UserId } from '@teleplay/contracts';
import { type QueryCreator, sql } from 'kysely';
import type { ProjectedEvent, Projection, ProjectionContext } from '../projection.ts';
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
import { TableRows } from './table-rows.ts';

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

  apply: (event, context) => projectHistory([event], context),
  applyMany: projectHistory,
};

/**
 * Loads what the events' lines need (whether they are recorded already, the names and share links
 * their summaries read), folds the events in order, then writes the new lines and names in a
 * statement each.
 */
async function projectHistory(
  events: readonly ProjectedEvent[],
  context: ProjectionContext<HistoryTables>,
): Promise<void> {
  const history = new HistoryBatch(context.db);
  const lines = events.filter(isHistoryEvent);
  await history.loadLines(lines);
  const fresh = lines.filter(
    (event) => history.lines.get({ user_id: event.userId, position: event.position }) === null,
  );
  const read = await namesRead(fresh);
  await history.loadSharedFiles(read.shares);
  const sharedFiles = read.shares.flatMap(({ userId, shareId }) => {
    const fileId = history.knownSharedFileId(userId, shareId);
    return fileId ? [{ user_id: userId, kind: 'file' as const, id: fileId }] : [];
  });
  await history.names.load(context.db, [...read.names, ...sharedFiles]);
  for (const event of lines) await recordLine(history, event);
  await history.lines.save(context.db);
  await history.names.save(context.db);
}

type LineRows = TableRows<HistoryTable, 'user_id' | 'position'>;
type NameRows = TableRows<HistoryNamesTable, 'user_id' | 'kind' | 'id'>;
type NameKey = Pick<HistoryNamesTable, 'user_id' | 'kind' | 'id'>;
type ShareKey = { userId: UserId; shareId: string };

/**
 * What a batch folds over: the lines and names it touches, and the file each share link was created
 * for. Loaded up front; a name or share link missed there is read when first asked for.
 */
class HistoryBatch {
  readonly lines: LineRows = new TableRows('history', ['user_id', 'position']);
  readonly names: NameRows = new TableRows('history_names', ['user_id', 'kind', 'id']);
  readonly #sharedFiles = new Map<string, string | null>();
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  /**
   * Loads the lines these events may have recorded already. Positions only grow, so an event past
   * its user's newest line is not recorded: only the others are looked up (a replay's).
   */
  async loadLines(events: readonly HistoryEvent[]): Promise<void> {
    const users = [...new Set(events.map((event) => event.userId))];
    if (users.length === 0) return;
    // A function scan aliased `owner` yields one column named `owner` too.
    const newest = await this.#db
      .selectFrom(sql<{ owner: string }>`unnest(${users}::text[])`.as('owner'))
      .select((eb) => [
        'owner.owner as user_id',
        eb
          .selectFrom('history')
          .select('history.position')
          .where(sql<boolean>`history.user_id = owner.owner`)
          .orderBy('history.position', 'desc')
          .limit(1)
          .as('position'),
      ])
      .execute();
    const newestOf = new Map(newest.map((row) => [row.user_id, row.position ?? '']));
    const key = (event: HistoryEvent) => ({ user_id: event.userId, position: event.position });
    const past = (event: HistoryEvent) => event.position > (newestOf.get(event.userId) ?? '');
    this.lines.absent(events.filter(past).map(key));
    await this.lines.load(this.#db, events.filter((event) => !past(event)).map(key));
  }

  /** The file a share link was created for, from the line that recorded its creation. */
  async sharedFileId(userId: UserId, shareId: string): Promise<string | null> {
    await this.loadSharedFiles([{ userId, shareId }]);
    return this.knownSharedFileId(userId, shareId);
  }

  knownSharedFileId(userId: UserId, shareId: string): string | null {
    return this.#sharedFiles.get(shareKey(userId, shareId)) ?? null;
  }

  async loadSharedFiles(shares: readonly ShareKey[]): Promise<void> {
    const missing = shares.filter(({ userId, shareId }) => !this.#sharedFiles.has(shareKey(userId, shareId)));
    if (missing.length === 0) return;
    const rows = await this.#db
      .selectFrom('history')
      .select(['user_id', 'share_id', 'file_id'])
      .where('event_type', '=', 'ShareLinkCreated')
      .where(
        sql<boolean>`(user_id, share_id) in (select * from unnest(${missing.map((share) => share.userId)}::text[], ${missing.map((share) => share.shareId)}::text[]))`,
      )
      .orderBy('position')
      .execute();
    for (const row of rows) this.shareCreated(row.user_id as UserId, row.share_id!, row.file_id);
    for (const { userId, shareId } of missing) this.shareCreated(userId, shareId, null);
  }

  /** Records where a share link points unless known already (its first creation counts). */
  shareCreated(userId: UserId, shareId: string, fileId: string | null): void {
    const key = shareKey(userId, shareId);
    if (!this.#sharedFiles.get(key)) this.#sharedFiles.set(key, fileId);
  }

  namesOf(userId: UserId): HistoryNames {
    const lookup = async (kind: HistoryNamesTable['kind'], id: string) => {
      const key = { user_id: userId, kind, id };
      await this.names.load(this.#db, [key]);
      return this.names.get(key)?.name ?? null;
    };
    return {
      file: (fileId) => lookup('file', fileId),
      folder: (folderId) => lookup('folder', folderId),
      device: (deviceId) => lookup('device', deviceId),
      sharedFile: async (shareId) => {
        const fileId = await this.sharedFileId(userId, shareId);
        return fileId === null ? null : lookup('file', fileId);
      },
    };
  }
}

const shareKey = (userId: UserId, shareId: string) => `${userId}\u0000${shareId}`;

/** The names and share links the lines of these events read: a dry run of their summaries records them. */
async function namesRead(events: readonly HistoryEvent[]): Promise<{ names: NameKey[]; shares: ShareKey[] }> {
  const names: NameKey[] = [];
  const shares: ShareKey[] = [];
  for (const event of events) {
    const { userId } = event;
    const record = (kind: HistoryNamesTable['kind']) => async (id: string) => {
      names.push({ user_id: userId, kind, id });
      return null;
    };
    await summarizeEvent(event, {
      file: record('file'),
      folder: record('folder'),
      device: record('device'),
      sharedFile: async (shareId) => {
        shares.push({ userId, shareId });
        return null;
      },
    });
  }
  return { names, shares };
}

/**
 * Records the event's line, rendered with the names as they were just before it, and the name it
 * sets. The line is rendered once: an event applied again is skipped whole.
 */
async function recordLine(history: HistoryBatch, event: HistoryEvent): Promise<void> {
  const { userId } = event;
  if (history.lines.get({ user_id: userId, position: event.position }) !== null) return;
  const subject = await subjectOf(event, (shareId) => history.sharedFileId(userId, shareId));
  history.lines.set({
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
    summary: await summarizeEvent(event, history.namesOf(userId)),
  });
  if (event.type === 'ShareLinkCreated') history.shareCreated(userId, event.data.shareId, event.data.fileId);
  const named = nameSetBy(event);
  if (named) history.names.set({ user_id: userId, ...named });
}

interface Subject {
  fileId: string | null;
  folderId: string | null;
  shareId: string | null;
  fileIds: string[];
}

async function subjectOf(
  event: HistoryEvent,
  sharedFileId: (shareId: string) => Promise<string | null>,
): Promise<Subject> {
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
      const fileId = await sharedFileId(event.data.shareId);
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
