import type { UserId } from '@teleplay/contracts';
import { type QueryCreator, sql } from 'kysely';
import type { Projection } from '../projection.ts';
import { occurredAt, positionType, toIso, toIsoOrNull } from './read-model-support.ts';

// ---------------------------------------------------------------------------------------------
// Rows
// ---------------------------------------------------------------------------------------------

/** Share ids are random and global: the public link route finds a share by id alone. */
export interface ShareLinksTable {
  share_id: string;
  user_id: string;
  file_id: string;
  created_at: Date;
  expires_at: Date | null;
  revoked_at: Date | null;
  last_position: string;
}

export interface ShareLinksTables {
  share_links: ShareLinksTable;
}

type Db = QueryCreator<ShareLinksTables>;

// ---------------------------------------------------------------------------------------------
// Projection
// ---------------------------------------------------------------------------------------------

export const shareLinksProjection: Projection<ShareLinksTables> = {
  name: 'share_links',
  version: 1,
  tables: ['share_links'],
  eventTypes: ['ShareLinkCreated', 'ShareLinkRevoked', 'FileDeleted', 'FolderDeleted'],

  async createTables(db, schema) {
    const builder = db.schema.withSchema(schema);
    await builder
      .createTable('share_links')
      .addColumn('share_id', 'text', (column) => column.primaryKey())
      .addColumn('user_id', 'text', (column) => column.notNull())
      .addColumn('file_id', 'text', (column) => column.notNull())
      .addColumn('created_at', 'timestamptz', (column) => column.notNull())
      .addColumn('expires_at', 'timestamptz')
      .addColumn('revoked_at', 'timestamptz')
      .addColumn('last_position', positionType, (column) => column.notNull())
      .execute();
    await builder
      .createIndex('share_links_by_user')
      .on('share_links')
      .columns(['user_id', 'created_at', 'share_id'])
      .execute();
    await builder
      .createIndex('share_links_by_file')
      .on('share_links')
      .columns(['user_id', 'file_id'])
      .execute();
  },

  async apply(event, { db, emit }) {
    const changed = (rows: { share_id: string }[], removed = false) => {
      for (const { share_id: id } of rows)
        emit(
          removed
            ? { userId: event.userId, kind: 'share', id, removed }
            : { userId: event.userId, kind: 'share', id },
        );
    };
    switch (event.type) {
      case 'ShareLinkCreated': {
        const { shareId, fileId, expiresAt } = event.data;
        const at = occurredAt(event);
        const link = {
          file_id: fileId,
          created_at: at,
          expires_at: expiresAt === null ? null : new Date(expiresAt),
          revoked_at: null,
          last_position: event.position,
        };
        return changed(
          await db
            .insertInto('share_links')
            .values({ share_id: shareId, user_id: event.userId, ...link })
            .onConflict((conflict) =>
              conflict
                .column('share_id')
                .doUpdateSet(link)
                // Another user's share id is never taken over.
                .where('share_links.user_id', '=', event.userId)
                .where('share_links.last_position', '<', event.position),
            )
            .returning('share_id')
            .execute(),
        );
      }
      case 'ShareLinkRevoked':
        return changed(
          await db
            .updateTable('share_links')
            .set({ revoked_at: occurredAt(event), last_position: event.position })
            .where('user_id', '=', event.userId)
            .where('share_id', '=', event.data.shareId)
            .where('last_position', '<', event.position)
            .returning('share_id')
            .execute(),
        );
      case 'FileDeleted':
        return changed(await deleteLinksOf(db, event.userId, [event.data.fileId]), true);
      case 'FolderDeleted':
        return changed(
          await deleteLinksOf(
            db,
            event.userId,
            event.data.files.map((file) => file.fileId),
          ),
          true,
        );
    }
  },
};

/** A file deleted forever takes its links along. */
async function deleteLinksOf(db: Db, userId: UserId, fileIds: readonly string[]) {
  if (fileIds.length === 0) return [];
  return db
    .deleteFrom('share_links')
    .where('user_id', '=', userId)
    .where('file_id', 'in', fileIds)
    .returning('share_id')
    .execute();
}

// ---------------------------------------------------------------------------------------------
// Queries
// ---------------------------------------------------------------------------------------------

export type ShareLinkStatus = 'active' | 'expired' | 'revoked';

export interface ShareLink {
  shareId: string;
  userId: string;
  fileId: string;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  /** As of the `now` given to the query. */
  status: ShareLinkStatus;
}

type ShareLinksReader = QueryCreator<ShareLinksTables>;

/** A share by its id alone, for the public link route; check `status` before serving it. */
export async function getShareLink(
  db: ShareLinksReader,
  shareId: string,
  now: Date,
): Promise<ShareLink | null> {
  const row = await db
    .selectFrom('share_links')
    .selectAll()
    .where('share_id', '=', shareId)
    .executeTakeFirst();
  return row ? toShareLink(row, now) : null;
}

/** The user's share links, newest first: of one file, and only the active ones, when asked. */
export async function listShareLinks(
  db: ShareLinksReader,
  userId: UserId,
  now: Date,
  options: { fileId?: string; activeOnly?: boolean } = {},
): Promise<ShareLink[]> {
  let query = db.selectFrom('share_links').selectAll().where('user_id', '=', userId);
  if (options.fileId !== undefined) query = query.where('file_id', '=', options.fileId);
  if (options.activeOnly)
    query = query
      .where('revoked_at', 'is', null)
      .where(sql<boolean>`(expires_at is null or expires_at > ${now})`);
  const rows = await query.orderBy('created_at', 'desc').orderBy('share_id', 'desc').execute();
  return rows.map((row) => toShareLink(row, now));
}

function toShareLink(row: ShareLinksTable, now: Date): ShareLink {
  const status: ShareLinkStatus =
    row.revoked_at !== null
      ? 'revoked'
      : row.expires_at !== null && row.expires_at <= now
        ? 'expired'
        : 'active';
  return {
    shareId: row.share_id,
    userId: row.user_id,
    fileId: row.file_id,
    createdAt: toIso(row.created_at),
    expiresAt: toIsoOrNull(row.expires_at),
    revokedAt: toIsoOrNull(row.revoked_at),
    status,
  };
}
