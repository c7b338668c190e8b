import { parseArgs } from 'node:util';
import { createKysely } from '@teleplay/postgres';
import { migrateProjections, readCheckpoint, readModels, rebuildProjections } from '@teleplay/projections';
import { pino } from 'pino';
import { ConfigError, loadConfig } from '../config.ts';
import { startInfrastructure } from '../infrastructure.ts';

const usage = `usage: npm run projections -- <command>
  rebuild [name]   rebuild a read model (or all) from position zero into fresh tables, then swap them in
  status           each read model's version and checkpoint
read models: ${readModels.map((projection) => projection.name).join(', ')}`;

const { positionals } = parseArgs({ allowPositionals: true });
const [command, name] = positionals;
if (command !== 'rebuild' && command !== 'status') {
  console.error(usage);
  process.exit(2);
}
const selected = name ? readModels.filter((projection) => projection.name === name) : readModels;
if (selected.length === 0) {
  console.error(`no read model named "${name}"\n${usage}`);
  process.exit(2);
}

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(2);
}
const log = pino({ level: config.logLevel === 'info' ? 'warn' : config.logLevel });
const infrastructure = await startInfrastructure(config, log);
try {
  await migrateProjections(infrastructure.pool);
  const db = createKysely<unknown>(infrastructure.pool);
  if (command === 'status') {
    for (const projection of selected) {
      const checkpoint = await readCheckpoint(db, projection.name);
      console.log(
        `${projection.name}: code version ${projection.version}, ${checkpoint ? `built version ${checkpoint.version} at ${checkpoint.position}` : 'not built yet'}`,
      );
    }
  } else {
    // All selected models from one read of the store, applied side by side.
    const started = performance.now();
    const results = await rebuildProjections({
      db,
      store: infrastructure.eventStore,
      projections: selected,
      log,
    });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    for (const [n, projection] of selected.entries()) {
      console.log(`${projection.name}: rebuilt from ${results[n]!.events} events and swapped in`);
    }
    console.log(`${selected.length} read model(s) rebuilt in ${seconds} s`);
  }
} finally {
  await infrastructure.close();
}
