import { randomUUID } from 'node:crypto';
import { libraryStream, type TelegramLocation } from '@teleplay/contracts';
import { createPostgresEventStore, type EventStore, migratePostgresEventStore } from '@teleplay/eventstore';
import { createKysely, createPool } from '@teleplay/postgres';
import { createTestDatabase } from '@teleplay/postgres/testing';
import type { Kysely } from 'kysely';
import type pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeClock } from '../modules/auth/auth.testing.ts';
import { type BotTables, migrateBot } from './bot.migrations.ts';
import { type StorageCleanup, startStorageCleanup } from './bot.storage-cleanup.ts';
import { TelegramApiError } from './bot.transport.ts';
import { RecordingBotLog, STORAGE_CHANNEL } from './testing/bot-harness.ts';
import { FakeBotTransport, mediaOf } from './testing/fake-bot-transport.ts';

let pool: pg.Pool;
let store: EventStore;
let db: Kysely<BotTables>;
let drop: () => Promise<void>;

beforeAll(async () => {
  const database = await createTestDatabase('bot_cleanup');
  drop = database.drop;
  pool = createPool(database.url, { max: 5 });
  await migratePostgresEventStore(pool);
  store = createPostgresEventStore(pool, { pollIntervalMs: 50 });
  db = createKysely<BotTables>(pool);
  await migrateBot(db as unknown as Kysely<unknown>);
});

afterAll(async () => {
  await store.close();
  await pool.end();
  await drop();
});

let storage: FakeBotTransport;
let log: RecordingBotLog;
let running: StorageCleanup[] = [];

beforeEach(async () => {
  for (const cleanup of running) await cleanup.stop();
  running = [];
  // Each test starts where the last one left the store, as a deployed cleanup would.
  const head = await store.headPosition();
  await db.deleteFrom('bot_checkpoints').execute();
  await db
    .insertInto('bot_checkpoints')
    .values({ name: 'storage_cleanup', position: head, updated_at: new Date() })
    .execute();
  storage = new FakeBotTransport(STORAGE_CHANNEL);
  log = new RecordingBotLog();
});

function start(): StorageCleanup {
  const cleanup = startStorageCleanup({
    store,
    db,
    storage,
    storageChannelId: STORAGE_CHANNEL,
    clock: new FakeClock(),
    log,
    retry: { initialMs: 5, maxMs: 20 },
    checkpointEveryMs: 0,
  });
  running.push(cleanup);
  return cleanup;
}

/** A message in the fake storage channel; returns where it is. */
function stored(channelId = STORAGE_CHANNEL): TelegramLocation {
  const messageId = storage.storage.size + 1000 + Math.floor(Math.random() * 1_000_000);
  storage.storage.set(messageId, { media: mediaOf('video'), chatId: '1', messageId: 1 });
  return { channelId, messageId, documentId: '77', dcId: 2 };
}

const metadata = {
  actorId: '1',
  deviceId: null,
  source: 'web',
  correlationId: 'c',
  causationId: 'c',
  occurredAt: '2026-11-25T10:00:00Z',
};

async function record(type: 'FileDeleted' | 'FolderDeleted', data: object): Promise<void> {
  await store.append(libraryStream('1'), [{ id: randomUUID(), type, data, metadata }], {
    expectedRevision: 'any',
  });
}

const fileDeleted = (telegram: TelegramLocation) => record('FileDeleted', { fileId: randomUUID(), telegram });

describe('the storage cleanup', () => {
  it('deletes the message of a file deleted for good, and those of a deleted folder in batches of 100', async () => {
    start();
    const single = stored();
    const many = Array.from({ length: 150 }, () => stored());
    await fileDeleted(single);
    await record('FolderDeleted', {
      folderId: randomUUID(),
      descendantFolderIds: [],
      files: many.map((telegram) => ({ fileId: randomUUID(), telegram })),
    });

    await vi.waitFor(() => expect(storage.storage.size).toBe(0));
    expect(storage.storageDeletions.map((batch) => batch.length)).toEqual([1, 100, 50]);
  });

  it('retries until Telegram lets it', async () => {
    start();
    storage.deleteStorageFailures.push(
      new Error('connection reset'),
      new TelegramApiError(420, 'FLOOD_WAIT_0', 0),
    );
    const retried = stored();
    await fileDeleted(retried);

    await vi.waitFor(() => expect(storage.storage.has(retried.messageId)).toBe(false));
    expect(log.warnings).toHaveLength(2);
    expect(log.errors).toEqual([]);
  });

  it('gives up on messages Telegram refuses for good, and carries on', async () => {
    start();
    storage.deleteStorageFailures.push(new TelegramApiError(400, 'MESSAGE_DELETE_FORBIDDEN'));
    const refused = stored();
    const after = stored();
    await fileDeleted(refused);
    await fileDeleted(after);

    await vi.waitFor(() => expect(storage.storage.has(after.messageId)).toBe(false));
    expect(storage.storage.has(refused.messageId)).toBe(true);
    expect(log.errors.map((entry) => entry.message)).toEqual([
      'Telegram refused to delete storage messages; leaving them',
    ]);
  });

  it('leaves messages of another channel alone', async () => {
    start();
    const foreign = stored('1122334455');
    const ours = stored();
    await fileDeleted(foreign);
    await fileDeleted(ours);

    await vi.waitFor(() => expect(storage.storage.has(ours.messageId)).toBe(false));
    expect(storage.storage.has(foreign.messageId)).toBe(true);
    expect(storage.storageDeletions).toEqual([[ours.messageId]]);
  });

  it('resumes after a restart where it left off', async () => {
    const first = start();
    const before = stored();
    await fileDeleted(before);
    await vi.waitFor(() => expect(storage.storage.has(before.messageId)).toBe(false));
    await first.stop();

    const later = stored();
    await fileDeleted(later);
    start();
    await vi.waitFor(() => expect(storage.storage.has(later.messageId)).toBe(false));
    expect(storage.storageDeletions.flat().filter((id) => id === before.messageId)).toHaveLength(1);
  });
});
