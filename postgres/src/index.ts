export {
  createKysely,
  createPool,
  ensureDatabase,
  type PoolOptions,
  quoteIdentifier,
  withDatabase,
} from './database.ts';
export {
  type EmbeddedPostgresHandle,
  type EmbeddedPostgresOptions,
  startEmbeddedPostgres,
} from './embedded-postgres.ts';
export { type ListenHandlers, type Listening, listen } from './listen.ts';
export { migrate } from './migrations.ts';
export { createNotifier, type Notifier } from './notifier.ts';
