import { createKysely, migrate } from '@teleplay/postgres';
import type pg from 'pg';
import { runnerMigrations } from './runner.migrations.ts';

/** Creates the projector's own tables (checkpoints, live change feed). */
export async function migrateProjections(pool: pg.Pool): Promise<void> {
  await migrate(createKysely<unknown>(pool), 'projections', runnerMigrations);
}
