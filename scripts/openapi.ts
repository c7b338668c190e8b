/**
 * Writes the OpenAPI document of the HTTP API (`docs/openapi.json`) and the typed client generated
 * from it (`api-client/src/*.generated.ts`), from the routes' zod schemas. Builds the app without
 * any I/O: nothing listens and no database is needed.
 *
 *   node scripts/openapi.ts           write the files
 *   node scripts/openapi.ts --check   exit 1 when a committed file differs from what the code gives
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { clientSources } from '../api-client/scripts/client-sources.ts';
import { buildApp } from '../backend/src/app.ts';

const root = join(import.meta.dirname, '..');
const { values } = parseArgs({ options: { check: { type: 'boolean', default: false } } });

const app = await buildApp({
  logger: pino({ level: 'silent' }),
  readiness: { check: async () => {} },
  services: () => undefined,
  botInfo: async () => null,
  security: { corsOrigins: [] },
});
await app.ready();
const document = app.swagger();
await app.close();

const files: Record<string, string> = {
  'docs/openapi.json': `${JSON.stringify(document, null, 2)}\n`,
};
for (const [path, source] of Object.entries(await clientSources(document as never)))
  files[join('api-client', path)] = source;

if (values.check) {
  const stale: string[] = [];
  for (const [path, expected] of Object.entries(files)) {
    const committed = await readFile(join(root, path), 'utf8').catch(() => null);
    if (committed !== expected) stale.push(path);
  }
  if (stale.length > 0) {
    console.error(
      `The generated API files are not up to date with the routes' schemas:\n${stale.map((path) => `  ${path}`).join('\n')}\nRun \`npm run openapi\` and commit the result.`,
    );
    process.exit(1);
  }
  console.log('docs/openapi.json and the API client are up to date');
} else {
  for (const [path, source] of Object.entries(files)) await writeFile(join(root, path), source);
  console.log(`wrote ${Object.keys(files).join(', ')}`);
}
