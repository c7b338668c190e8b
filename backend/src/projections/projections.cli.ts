import { parseArgs } from 'node:util';
import { createKysely } from '@teleplay/postgres';
import { migrateProjections, readCheckpoint, readModels, rebuildProjection } from '@teleplay/projections';
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
  for (const projection of selected) {
    if (command === 'status') {
      const checkpoint = await readCheckpoint(db, projection.name);
      console.log(
        `${projection.name}: code version ${projection.version}, ${checkpoint ? `built version ${checkpoint.version} at ${checkpoint.position}` : 'not built yet'}`,
      );
      continue;
    }
    const started = performance.now();
    const result = await rebuildProjection({ db, store: infrastructure.eventStore, projection, log });
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `${projection.name}: rebuilt from ${result.events} events in ${seconds.toFixed(1)} s and swapped in`,
    );
  }
} finally {
  await infrastructure.close();
}
