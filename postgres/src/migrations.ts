import type { Kysely } from 'kysely';
import { type Migration, Migrator } from 'kysely/migration';

/**
 * Applies a package's migrations, tracked in its own table so that packages migrate independently.
 * Migrations are plain objects keyed by a sortable name (`0001-events`).
 */
export async function migrate(
  db: Kysely<unknown>,
  table: string,
  migrations: Record<string, Migration>,
): Promise<void> {
  const migrator = new Migrator({
    db,
    migrationTableName: `${table}_migrations`,
    migrationLockTableName: `${table}_migrations_lock`,
    provider: { getMigrations: async () => migrations },
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName;
    throw new Error(`migration ${failed ?? '(unknown)'} of ${table} failed: ${String(error)}`, {
      cause: error,
    });
  }
}
