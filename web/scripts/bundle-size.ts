// The JavaScript (and CSS) a browser loads to show a page of the built app, gzipped, from the build
// output: `node scripts/bundle-size.ts [route]` (default `/library/[[folderId]]`) after `vite build`.
// Prints JSON. Counted: SvelteKit's start and app entries with the runtime that `start` loads at once,
// the root layout and the route's page node, and everything they import statically. Chunks loaded
// later (the player's vidstack, other pages) are not. Sizes are zlib gzip at level 9, what a server
// with precompressed assets sends; on-the-fly compression at a lower level sends a few percent more.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

interface ManifestChunk {
  file: string;
  name?: string;
  isEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
  css?: string[];
}

const webRoot = join(import.meta.dirname, '..');
const route = process.argv[2] ?? '/library/[[folderId]]';
const clientDir = join(webRoot, '.svelte-kit/output/client');
const manifest = JSON.parse(readFileSync(join(clientDir, '.vite/manifest.json'), 'utf8')) as Record<
  string,
  ManifestChunk
>;
const generatedApp = readFileSync(
  join(webRoot, '.svelte-kit/generated/build/client-optimized/app.js'),
  'utf8',
);

/** The node indices of a route, from the generated client's `dictionary`. */
function routeNodes(id: string): number[] {
  const line = generatedApp.split('\n').find((text) => text.trim().startsWith(`${JSON.stringify(id)}:`));
  if (!line)
    throw new Error(
      `no route ${id} in the build; known: ${generatedApp.match(/"\/[^"]*"(?=:)/g)?.join(', ')}`,
    );
  return [...(line.split(':')[1]?.matchAll(/-?\d+/g) ?? [])].map((match) => Math.abs(Number(match[0])));
}

const nodeKey = (index: number) => `.svelte-kit/generated/build/client-optimized/nodes/${index}.js`;
const entryKeys = Object.entries(manifest)
  .filter(([, chunk]) => chunk.isEntry && chunk.name?.startsWith('entry/'))
  .map(([key]) => key);
const roots = [...entryKeys, nodeKey(0), ...routeNodes(route).map(nodeKey)];

const seen = new Set<string>();
function visit(key: string, followDynamic: boolean): void {
  if (seen.has(key)) return;
  const chunk = manifest[key];
  if (!chunk) throw new Error(`${key} is not in the build manifest`);
  seen.add(key);
  for (const next of chunk.imports ?? []) visit(next, false);
  // SvelteKit's start entry loads its runtime with a dynamic import right away.
  if (followDynamic) for (const next of chunk.dynamicImports ?? []) visit(next, false);
}
for (const key of roots) visit(key, manifest[key]?.name === 'entry/start');

const measure = (file: string) => {
  const bytes = readFileSync(join(clientDir, file));
  return { file, bytes: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
};
const js = [...seen].map((key) => measure(manifest[key]!.file)).sort((a, b) => b.gzip - a.gzip);
const css = [...new Set([...seen].flatMap((key) => manifest[key]!.css ?? []))].map(measure);
const sum = (files: { bytes: number; gzip: number }[]) => ({
  bytes: files.reduce((total, file) => total + file.bytes, 0),
  gzip: files.reduce((total, file) => total + file.gzip, 0),
});
const budgetGzip = 250 * 1024;
const total = sum(js);

console.log(
  JSON.stringify(
    {
      route,
      js: { ...total, files: js.length, budgetGzip, withinBudget: total.gzip <= budgetGzip },
      css: { ...sum(css), files: css.length },
      largest: js.slice(0, 5),
    },
    null,
    2,
  ),
);
if (total.gzip > budgetGzip) process.exitCode = 1;
