import { join } from 'node:path';
import { createPostgresEventStore, type EventStore, migratePostgresEventStore } from '@teleplay/eventstore';
import {
  createPool,
  type EmbeddedPostgresHandle,
  ensureDatabase,
  startEmbeddedPostgres,
  withDatabase,
} from '@teleplay/postgres';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { Config } from './config.ts';

export interface Infrastructure {
  databaseUrl: string;
  pool: pg.Pool;
  eventStore: EventStore;
  /** Throws with a reason when PostgreSQL or the event store is not usable right now. */
  check(): Promise<void>;
  close(): Promise<void>;
}

const DATABASE_NAME = 'teleplay';

/** Starts what the backend stands on: PostgreSQL (embedded unless configured) and the event store. */
export async function startInfrastructure(config: Config, log: Logger): Promise<Infrastructure> {
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const closer of closers.reverse())
      await closer().catch((error: unknown) => log.error({ err: error }));
  };
  try {
    let embedded: EmbeddedPostgresHandle | undefined;
    let databaseUrl = config.databaseUrl;
    if (!databaseUrl) {
      const dataDir = join(config.dataDir, 'postgres');
      log.info({ dataDir }, 'starting embedded PostgreSQL');
      embedded = await startEmbeddedPostgres({ dataDir, onLog: (line) => log.debug({ postgres: line }) });
      closers.push(() => embedded!.stop());
      databaseUrl = withDatabase(embedded.url, DATABASE_NAME);
      await ensureDatabase(databaseUrl);
    }
    const pool = createPool(databaseUrl, { max: 30 });
    closers.push(() => pool.end());

    let eventStore: EventStore;
    if (config.eventStoreUrl) {
      // Loaded only when configured: the KurrentDB client brings a native addon and gRPC.
      const { createKurrentDbEventStore } = await import('@teleplay/eventstore/kurrentdb');
      eventStore = createKurrentDbEventStore(config.eventStoreUrl);
      log.info('events go to KurrentDB');
    } else {
      await migratePostgresEventStore(pool);
      eventStore = createPostgresEventStore(pool);
      log.info('events go to the PostgreSQL event store');
    }
    closers.push(() => eventStore.close());

    return {
      databaseUrl,
      pool,
      eventStore,
      async check() {
        await pool.query('select 1').catch((error: unknown) => {
          throw new Error(`PostgreSQL is not reachable: ${(error as Error).message}`);
        });
        await eventStore.headPosition().catch((error: unknown) => {
          throw new Error(`the event store is not reachable: ${(error as Error).message}`);
        });
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
