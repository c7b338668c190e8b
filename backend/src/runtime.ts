import { join } from 'node:path';
import { createKysely, createPool } from '@teleplay/postgres';
import { getDevice, getFile, getFolder, getShareLink, type ReadModelTables } from '@teleplay/projections';
import type { Sandbox } from '@teleplay/sandbox';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import { type ApiServices, randomIds } from './api/api-context.ts';
import { migrateBot } from './bot/bot.migrations.ts';
import { type Bot, createBot } from './bot/bot.ts';
import { createAggregateCache } from './commands/aggregate-cache.ts';
import type { Config } from './config.ts';
import type { Infrastructure } from './infrastructure.ts';
import { createAccountDeviceSessions } from './modules/account/account.device-sessions.ts';
import { migrateAuth } from './modules/auth/auth.migrations.ts';
import { systemClock } from './modules/auth/auth.ports.ts';
import { loadOrCreateAuthSecret } from './modules/auth/auth.secret.ts';
import { type AuthService, createAuthService } from './modules/auth/auth.service.ts';
import { toDeviceDto } from './modules/devices/devices.routes.ts';
import { readWatchProgress } from './modules/playback/playback.read.ts';
import { createShareIds } from './modules/shares/share-ids.ts';
import {
  READ_MODELS_POOL_SIZE,
  type ReadModelsRuntime,
  startReadModels,
} from './projections/read-models.runtime.ts';
import { createChangeFeed, schedulePruning } from './realtime/change-feed.ts';
import { createChangeLoader } from './realtime/change-loader.ts';
import { migrateRealtime } from './realtime/realtime.migrations.ts';
import { createRealtimeHub, type RealtimeHub } from './realtime/realtime-hub.ts';
import { createStreamMetrics, StreamEngine } from './stream/index.ts';
import {
  createPostgresSessionStore,
  createTelegramGateway,
  migrateTelegram,
  sandboxTelegramSettings,
  type TelegramGateway,
  type TelegramSettings,
} from './telegram/index.ts';

/** Everything the running backend is made of once PostgreSQL and the event store are up. */
export interface Runtime {
  services: ApiServices;
  auth: AuthService;
  hub: RealtimeHub;
  engine: StreamEngine;
  metrics: Registry;
  gateway: TelegramGateway;
  readModels: ReadModelsRuntime;
  stop(): Promise<void>;
}

/**
 * The composition root: migrations first (projectors create and swap schemas, which the migrator
 * must not race), then the read models, auth, Telegram (real, or the sandbox DC), the bot, the
 * stream engine and the live channel.
 */
export async function startRuntime(
  config: Config,
  infrastructure: Infrastructure,
  sandbox: Sandbox | null,
  log: Logger,
  metrics: Registry = new Registry(),
): Promise<Runtime> {
  const { pool, eventStore: store } = infrastructure;
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const step of stops.reverse())
      await step().catch((error: unknown) => log.error({ err: error }, 'stopping'));
  };
  try {
    await migrateAuth(pool);
    await migrateTelegram(pool);
    await migrateBot(createKysely(pool));
    await migrateRealtime(pool);

    // Each projector holds its lock's connection and writes in transactions of its own: a pool apart,
    // so catching up can never take the connections the API and the bot answer with.
    const projectorPool = createPool(infrastructure.databaseUrl, {
      max: READ_MODELS_POOL_SIZE,
      applicationName: 'teleplay-projectors',
    });
    stops.push(() => projectorPool.end());
    const readModels = await startReadModels(projectorPool, store, log);
    stops.push(() => readModels.stop());
    const readModelsDb = createKysely<ReadModelTables>(pool);
    const allReadModels = readModels.projectors.map((projector) => projector.name);
    if (!(await readModels.watcher.waitFor(allReadModels, await store.headPosition(), 120_000))) {
      throw new Error('the read models did not catch up within 2 minutes');
    }

    const cache = createAggregateCache();
    const clock = systemClock;
    const secret =
      config.authJwtSecret ?? (await loadOrCreateAuthSecret(join(config.dataDir, 'auth-secret')));
    const auth = createAuthService({
      pool,
      secret,
      allowedUsers: config.authUsers,
      deviceSessions: createAccountDeviceSessions({ store, cache, clock }),
      log,
    });

    const telegram: TelegramSettings = config.telegram ?? sandboxTelegramSettings(sandbox!.state());
    const gateway = createTelegramGateway({
      ...telegram,
      sessions: createPostgresSessionStore(pool),
      logger: log,
    });
    const bot: Bot = createBot({
      transport: gateway,
      store,
      cache,
      readModelsDb,
      watcher: readModels.watcher,
      auth,
      storageChannelId: telegram.storageChannelId,
      webAppUrl: config.publicUrl,
      log,
    });
    await bot.start();
    stops.push(() => bot.stop());

    const engine = new StreamEngine(gateway.fileParts, {}, createStreamMetrics(metrics));

    const feed = createChangeFeed(pool);
    stops.push(() => feed.close());
    const hub = createRealtimeHub({
      feed,
      log,
      loadChange: createChangeLoader({
        file: (userId, fileId) => getFile(readModelsDb, userId, fileId),
        folder: (userId, folderId) => getFolder(readModelsDb, userId, folderId),
        progress: async (userId, fileId) =>
          (await readWatchProgress(readModelsDb, userId, [fileId])).get(fileId) ?? null,
        device: async (userId, deviceId) => {
          const device = await getDevice(readModelsDb, userId, deviceId);
          return device && toDeviceDto(device);
        },
        share: async (userId, shareId) => {
          const link = await getShareLink(readModelsDb, shareId, clock.now());
          if (!link || link.userId !== userId) return null;
          const { fileId, createdAt, expiresAt, revokedAt } = link;
          return { id: shareId, fileId, createdAt, expiresAt, revokedAt };
        },
      }),
    });
    await hub.start();
    stops.push(() => hub.close());
    const pruning = schedulePruning(feed, {
      retention: { maxAgeMs: 24 * 60 * 60 * 1000, maxRows: 1_000_000 },
      intervalMs: 60_000,
      onError: (error) => log.warn({ err: error }, 'pruning the live change feed failed'),
    });
    stops.push(() => pruning.stop());

    const services: ApiServices = {
      store,
      cache,
      readModels: readModelsDb,
      watcher: readModels.watcher,
      auth,
      clock,
      ids: randomIds,
      publicUrl: config.publicUrl,
      shareIds: createShareIds(secret),
    };
    return { services, auth, hub, engine, metrics, gateway, readModels, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
