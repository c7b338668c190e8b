export * from './event-store.ts';
export { createInMemoryEventStore } from './memory/memory-event-store.ts';
export {
  createPostgresEventStore,
  migratePostgresEventStore,
  type PostgresEventStoreOptions,
} from './postgres/postgres-event-store.ts';
