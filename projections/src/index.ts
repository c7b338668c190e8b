export type { LiveChange, ProjectedEvent, Projection, ProjectionContext } from './projection.ts';
export * from './read-models/index.ts';
export { applyBatch } from './runner/apply-batch.ts';
export { type CheckpointWatcher, createCheckpointWatcher } from './runner/checkpoint-watcher.ts';
export { CHECKPOINT_CHANNEL, LIVE_CHANGES_CHANNEL } from './runner/checkpoints.ts';
export type { RunnerLog } from './runner/log.ts';
export { migrateProjections } from './runner/migrate.ts';
export { toProjectedEvent } from './runner/projected-event.ts';
export { type Projector, type ProjectorOptions, readCheckpoint, startProjector } from './runner/projector.ts';
export {
  type RebuildAllOptions,
  type RebuildOptions,
  type RebuildResult,
  rebuildProjection,
  rebuildProjections,
} from './runner/rebuild.ts';
