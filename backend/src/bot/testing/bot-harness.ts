import { libraryStream, type UserId } from '@teleplay/contracts';
import {
  createPostgresEventStore,
  migratePostgresEventStore,
  type RecordedEvent,
} from '@teleplay/eventstore';
import { createKysely, createPool } from '@teleplay/postgres';
import { createTestDatabase } from '@teleplay/postgres/testing';
import type { ReadModelTables } from '@teleplay/projections';
import { createAggregateCache } from '../../commands/aggregate-cache.ts';
import { migrateAuth } from '../../modules/auth/auth.migrations.ts';
import { createAuthService } from '../../modules/auth/auth.service.ts';
import { FakeClock, RecordingDeviceSessions, RecordingLog } from '../../modules/auth/auth.testing.ts';
import { startReadModels } from '../../projections/read-models.runtime.ts';
import type { BotLog } from '../bot.context.ts';
import { migrateBot } from '../bot.migrations.ts';
import type { BotUser } from '../bot.transport.ts';
import { type CreateBotOptions, createBot } from '../bot.ts';
import { FakeBotTransport } from './fake-bot-transport.ts';

export const STORAGE_CHANNEL = '1987654321';
export const WEB_APP_URL = 'https://teleplay.example';

/** Keeps what the bot logged; tests check that nothing went wrong unnoticed. */
export class RecordingBotLog implements BotLog {
  readonly errors: { details: object; message: string | undefined }[] = [];
  readonly warnings: { details: object; message: string | undefined }[] = [];
  info(): void {}
  warn(details: object, message?: string): void {
    this.warnings.push({ details, message });
  }
  error(details: object, message?: string): void {
    this.errors.push({ details, message });
  }
}

let nextUserId = 4000;

/** A Telegram user; each call a new one, so tests never see each other's libraries. */
export function newUser(firstName = 'Alice'): BotUser {
  nextUserId += 1;
  return { id: String(nextUserId), firstName, username: firstName.toLowerCase() };
}

export type BotHarness = Awaited<ReturnType<typeof startBotHarness>>;

/**
 * The bot as the backend runs it, on a fresh database: the Postgres event store, the real projectors,
 * the real auth service, and the fake Telegram.
 */
export async function startBotHarness(
  options: { allowedUsers?: string[]; bot?: Partial<CreateBotOptions> } = {},
) {
  const database = await createTestDatabase('bot');
  const pool = createPool(database.url, { max: 30 });
  await migratePostgresEventStore(pool);
  await migrateAuth(pool);
  await migrateBot(createKysely(pool));
  const store = createPostgresEventStore(pool, { pollIntervalMs: 50 });
  const readModels = await startReadModels(pool, store, { info() {}, warn() {}, error() {} });
  // The projectors build their tables first; replies wait for them only so long (see readYourWritesMs).
  const names = readModels.projectors.map((projector) => projector.name);
  if (!(await readModels.watcher.waitFor(names, await store.headPosition(), 30_000))) {
    throw new Error('the read models did not start within 30 s');
  }
  const clock = new FakeClock(new Date('2026-11-25T10:00:00Z'));
  const auth = createAuthService({
    pool,
    secret: 'bot-integration-test-secret-0123456789-abcdef',
    allowedUsers: options.allowedUsers ?? [],
    deviceSessions: new RecordingDeviceSessions(),
    log: new RecordingLog(),
    clock,
  });
  const transport = new FakeBotTransport(STORAGE_CHANNEL);
  const db = createKysely<ReadModelTables>(pool);
  const log = new RecordingBotLog();
  const bot = createBot({
    transport,
    store,
    cache: createAggregateCache(),
    readModelsDb: db,
    watcher: readModels.watcher,
    auth,
    storageChannelId: STORAGE_CHANNEL,
    webAppUrl: WEB_APP_URL,
    clock,
    log,
    storageCleanup: { retry: { initialMs: 10, maxMs: 40 }, checkpointEveryMs: 0 },
    // Generous: the machine running the tests may be busy, and a stale reply would fail a test.
    readYourWritesMs: 10_000,
    ...options.bot,
  });
  await bot.start();

  return {
    transport,
    store,
    db,
    auth,
    clock,
    log,
    pool,
    /** The events of a user's library stream. */
    libraryEvents(userId: UserId): Promise<RecordedEvent[]> {
      return store.readStream(libraryStream(userId));
    },
    async close() {
      await bot.stop();
      await readModels.stop();
      await store.close();
      await pool.end();
      await database.drop();
    },
  };
}
