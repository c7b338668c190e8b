import type { EventStore } from '@teleplay/eventstore';
import {
  type CheckpointWatcher,
  createCheckpointWatcher,
  migrateProjections,
  type Projector,
  type RunnerLog,
  readModels,
  startProjector,
} from '@teleplay/projections';
import type pg from 'pg';

export interface ReadModelsRuntime {
  /** Read-your-writes: waits until the named read models include `position` (bounded). */
  watcher: CheckpointWatcher;
  projectors: readonly Projector[];
  stop(): Promise<void>;
}

/**
 * Connections {@link startReadModels} may use at once: per projector its lock's session, a write
 * transaction and the wake-up it sends after each commit; the watcher's LISTEN and one query.
 */
export const READ_MODELS_POOL_SIZE = 3 * readModels.length + 2;

/**
 * Runs every read model's projector in this process. With several backend instances on one
 * database each projection is active in exactly one of them; the others stand by.
 */
export async function startReadModels(
  pool: pg.Pool,
  store: EventStore,
  log: RunnerLog,
): Promise<ReadModelsRuntime> {
  await migrateProjections(pool);
  const projectors = readModels.map((projection) => startProjector({ pool, store, projection, log }));
  const watcher = createCheckpointWatcher(pool);
  return {
    watcher,
    projectors,
    async stop() {
      await watcher.close();
      await Promise.all(projectors.map((projector) => projector.stop()));
    },
  };
}
