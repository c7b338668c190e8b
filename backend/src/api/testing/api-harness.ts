import { randomUUID } from 'node:crypto';
import {
  accountStream,
  type DeviceKind,
  type FileKind,
  libraryStream,
  type UserId,
} from '@teleplay/contracts';
import {
  createPostgresEventStore,
  type EventStore,
  makePosition,
  migratePostgresEventStore,
  START,
} from '@teleplay/eventstore';
import { createKysely, createPool } from '@teleplay/postgres';
import { createTestDatabase } from '@teleplay/postgres/testing';
import { type ReadModelTables, readModels } from '@teleplay/projections';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import type pg from 'pg';
import { pino } from 'pino';
import { type App, buildApp } from '../../app.ts';
import { createAggregateCache } from '../../commands/aggregate-cache.ts';
import { handleCommand } from '../../commands/handle-command.ts';
import { accountDecider } from '../../modules/account/account.decide.ts';
import { createAccountDeviceSessions } from '../../modules/account/account.device-sessions.ts';
import { migrateAuth } from '../../modules/auth/auth.migrations.ts';
import { createAuthService } from '../../modules/auth/auth.service.ts';
import { FakeClock, RecordingLog } from '../../modules/auth/auth.testing.ts';
import { type LibraryCommand, libraryDecider } from '../../modules/library/library.decide.ts';
import { createShareIds } from '../../modules/shares/share-ids.ts';
import { type ReadModelsRuntime, startReadModels } from '../../projections/read-models.runtime.ts';
import { type ApiServices, randomIds } from '../api-context.ts';

export const TEST_SECRET = 'api-test-secret-0123456789-abcdefghijklmnop';
export const PUBLIC_URL = 'https://teleplay.test';

const silent = pino({ level: 'silent' });

export interface SignedIn {
  userId: UserId;
  deviceId: string;
  accessToken: string;
  headers: { authorization: string };
}

export interface UploadOptions {
  name?: string;
  folderId?: string | null;
  kind?: FileKind;
  mimeType?: string;
  size?: number;
  durationSeconds?: number | null;
  thumbnail?: { width: number; height: number; size: number } | null;
}

export type ApiHarness = Awaited<ReturnType<typeof startApiHarness>>;

/**
 * The real app on a fresh test database: the PostgreSQL event store, the real projectors, the auth
 * service wired to the account stream. One per test file; users and files are made through the
 * same commands the bot issues.
 */
export async function startApiHarness(options: { readYourWritesTimeoutMs?: number } = {}) {
  const database = await createTestDatabase('api');
  const pool: pg.Pool = createPool(database.url, { max: 40 });
  await migratePostgresEventStore(pool);
  await migrateAuth(pool);
  const store: EventStore = createPostgresEventStore(pool);
  const cache = createAggregateCache();
  const clock = new FakeClock(new Date('2026-03-01T12:00:00Z'));
  const auth = createAuthService({
    pool,
    secret: TEST_SECRET,
    allowedUsers: [],
    deviceSessions: createAccountDeviceSessions({ store, cache, clock }),
    log: new RecordingLog(),
    clock,
  });
  let runtime: ReadModelsRuntime = await startReadModels(pool, store, silent);
  const db = createKysely<ReadModelTables>(pool);
  let services: ApiServices = {
    store,
    cache,
    readModels: db,
    watcher: runtime.watcher,
    auth,
    clock,
    ids: randomIds,
    publicUrl: PUBLIC_URL,
    shareIds: createShareIds(TEST_SECRET),
    readYourWritesTimeoutMs: options.readYourWritesTimeoutMs ?? 5000,
  };
  const app: App = await buildApp({
    logger: silent,
    readiness: { check: async () => {} },
    services: () => services,
    botInfo: async () => ({ username: 'teleplay_bot', deepLinkBase: 'https://t.me/teleplay_bot' }),
    security: { corsOrigins: [], rateLimit: { max: 1_000_000, timeWindowMs: 60_000 } },
    authRateLimits: { generate: 1_000_000, verify: 1_000_000, webLogin: 1_000_000, refresh: 1_000_000 },
  });
  await app.ready();

  const system = (userId: UserId) => ({
    actorId: userId,
    deviceId: null,
    source: 'bot' as const,
    occurredAt: clock.now().toISOString(),
  });

  /**
   * Waits until every read model has projected every event committed so far. Not `headPosition()`:
   * that is the head readers may see, which stays behind while any older transaction is open.
   */
  async function caughtUp(): Promise<void> {
    const { rows } = await pool.query<{ commit_id: string; global_position: number }>(
      `select transaction_id::text as commit_id, global_position from es_events
        order by transaction_id desc, global_position desc limit 1`,
    );
    const last = rows[0];
    const position = last ? makePosition(BigInt(last.commit_id), BigInt(last.global_position)) : START;
    const names = readModels.map((projection) => projection.name);
    if (!(await runtime.watcher.waitFor(names, position, 10_000)))
      throw new Error('the read models did not catch up');
  }

  /** A library command from the bot, a second after the previous one: orders by time are stable. */
  async function library(userId: UserId, command: LibraryCommand): Promise<void> {
    clock.advance(1000);
    const result = await handleCommand({
      store,
      cache,
      streamName: libraryStream(userId),
      decider: libraryDecider,
      command,
      commandId: randomUUID(),
      metadata: system(userId),
    });
    if (result.status === 'refused') throw new Error(result.refusal.message);
  }

  let nextMessageId = 1;
  // The projectors install their tables as they start: the API reads them from the first request.
  await caughtUp();

  return {
    app,
    pool,
    db,
    store,
    auth,
    clock,

    /** A user who has talked to the bot, signed in on a device. */
    async signIn(userId: UserId, deviceKind: DeviceKind = 'web', firstName = 'Tester'): Promise<SignedIn> {
      await handleCommand({
        store,
        cache,
        streamName: accountStream(userId),
        decider: accountDecider,
        command: { type: 'RegisterUser', data: { userId, firstName, username: null } },
        commandId: `register-${userId}`,
        metadata: system(userId),
      });
      const { code, secret } = await auth.generateLoginCode({
        deviceName: `${firstName}'s ${deviceKind}`,
        deviceKind,
        clientAddress: '127.0.0.1',
      });
      await auth.confirmLoginCode({ code, userId, firstName });
      const poll = await auth.pollLoginCode({ code, secret, clientAddress: '127.0.0.1' });
      if (poll.status !== 'approved') throw new Error(`sign-in not approved: ${poll.status}`);
      const { accessToken, deviceId } = poll.tokens;
      return { userId, deviceId, accessToken, headers: { authorization: `Bearer ${accessToken}` } };
    },

    /** A file sent to the bot, as the bot records it; resolves once the read models show it. */
    async upload(userId: UserId, file: UploadOptions = {}): Promise<string> {
      const fileId = randomUUID();
      const messageId = nextMessageId++;
      await library(userId, {
        type: 'UploadFile',
        data: {
          fileId,
          folderId: file.folderId ?? null,
          name: file.name ?? `file ${messageId}.mp4`,
          size: file.size ?? 1_000_000,
          mimeType: file.mimeType ?? 'video/mp4',
          kind: file.kind ?? 'video',
          durationSeconds: file.durationSeconds === undefined ? 3600 : file.durationSeconds,
          width: 1920,
          height: 1080,
          thumbnail: file.thumbnail ?? null,
          origin: { chatId: userId, messageId },
          telegram: { channelId: '-1001', messageId, documentId: `doc${messageId}`, dcId: 2 },
        },
      });
      await caughtUp();
      return fileId;
    },

    /** A folder made through the bot's command path; resolves once the read models show it. */
    async createFolder(userId: UserId, name: string, parentId: string | null = null): Promise<string> {
      const folderId = randomUUID();
      await library(userId, { type: 'CreateFolder', data: { folderId, parentId, name } });
      await caughtUp();
      return folderId;
    },

    caughtUp,

    /** `app.inject` with a user's token (or none). */
    request(user: SignedIn | null, options: InjectOptions): Promise<LightMyRequestResponse> {
      return app.inject({
        ...options,
        headers: { ...(user ? user.headers : {}), ...(options.headers ?? {}) },
      });
    },

    /** Changes services of the running app (the handlers see them from the next request on). */
    configure(change: Partial<ApiServices>): void {
      services = { ...services, ...change };
    },

    /** Stops the projectors (the watcher keeps answering): writes then wait in vain. */
    async pauseReadModels(): Promise<void> {
      await Promise.all(runtime.projectors.map((projector) => projector.stop()));
    },

    /** Projectors and watcher anew, after `pauseReadModels`. */
    async resumeReadModels(): Promise<void> {
      const paused = runtime;
      runtime = await startReadModels(pool, store, silent);
      services = { ...services, watcher: runtime.watcher };
      await paused.stop();
      await caughtUp();
    },

    async close(): Promise<void> {
      await app.close();
      await runtime.stop();
      await store.close();
      await pool.end();
      await database.drop();
    },
  };
}
