import { createKysely, createPool } from '@teleplay/postgres';
import { createTestDatabase } from '@teleplay/postgres/testing';
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { id, makeEvent, USER_A } from '../testing/event-builder.ts';
import { folderCreated, uploaded } from '../testing/library-events.ts';
import { playbackStopped } from '../testing/playback-events.ts';
import {
  getShareLink,
  listContinueWatching,
  listDevices,
  listFiles,
  listFolders,
  listHistory,
  type ReadModelTables,
  readModels,
  searchLibrary,
} from './index.ts';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let db: Kysely<ReadModelTables>;
beforeAll(async () => {
  database = await createTestDatabase('read_models');
  db = createKysely<ReadModelTables>(createPool(database.url, { max: 2 }));
});
afterAll(async () => {
  await db.destroy();
  await database.drop();
});

const SCRATCH = 'rebuild_scratch';
const RETIRED = 'retired_tables';

const events = () => [
  makeEvent('DeviceSignedIn', { deviceId: 'tv-1', name: 'Living room', kind: 'tv' }),
  folderCreated(id(100), 'Movies'),
  uploaded(id(1), { name: 'Arrival.mkv', folderId: id(100) }),
  playbackStopped({ fileId: id(1), deviceId: 'tv-1', positionSeconds: 1200 }),
  makeEvent('ShareLinkCreated', { shareId: 'share-0000000000000001', fileId: id(1), expiresAt: null }),
];

describe('read models', () => {
  it('have distinct names and tables', () => {
    const names = readModels.map((projection) => projection.name);
    const tables = readModels.flatMap((projection) => projection.tables);
    expect(new Set(names).size).toBe(names.length);
    expect(new Set(tables).size).toBe(tables.length);
  });

  it('build in a scratch schema beside the live tables and work once swapped in, as a rebuild does', async () => {
    const unqualified = db as Kysely<unknown>;
    for (const projection of readModels) await projection.createTables(unqualified, 'public');
    await sql`create schema ${sql.id(SCRATCH)}`.execute(db);
    // Same table and index names in a second schema of the same database.
    for (const projection of readModels) await projection.createTables(unqualified, SCRATCH);

    for (const event of events())
      for (const projection of readModels)
        if (projection.eventTypes.includes(event.type))
          await db
            .transaction()
            .execute((trx) => projection.apply(event, { db: trx.withSchema(SCRATCH), emit: () => {} }));

    expect(await listFiles(db, USER_A)).toEqual({ items: [], nextCursor: null });

    await db.transaction().execute(async (trx) => {
      await sql`create schema ${sql.id(RETIRED)}`.execute(trx);
      for (const table of readModels.flatMap((projection) => projection.tables)) {
        await sql`alter table ${sql.id('public', table)} set schema ${sql.id(RETIRED)}`.execute(trx);
        await sql`alter table ${sql.id(SCRATCH, table)} set schema public`.execute(trx);
      }
      await sql`drop schema ${sql.id(RETIRED)} cascade`.execute(trx);
      await sql`drop schema ${sql.id(SCRATCH)} cascade`.execute(trx);
    });

    const now = new Date('2030-01-01T00:00:00.000Z');
    expect((await listFiles(db, USER_A)).items.map((file) => file.name)).toEqual(['Arrival.mkv']);
    expect((await listFolders(db, USER_A)).map((folder) => [folder.name, folder.fileCount])).toEqual([
      ['Movies', 1],
    ]);
    expect((await searchLibrary(db, USER_A, 'arival')).map((hit) => hit.name)).toEqual(['Arrival.mkv']);
    expect((await listContinueWatching(db, USER_A)).map((item) => item.lastDevice.name)).toEqual([
      'Living room',
    ]);
    expect((await listHistory(db, USER_A)).items).toHaveLength(4);
    expect((await listDevices(db, USER_A)).map((device) => device.name)).toEqual(['Living room']);
    expect((await getShareLink(db, 'share-0000000000000001', now))?.status).toBe('active');
  });
});
