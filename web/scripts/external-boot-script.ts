// Moves SvelteKit's inline start-up script out of build/index.html into a file of its own, so the page
// runs under a Content-Security-Policy of `script-src 'self'` (the backend's helmet default) with no
// 'unsafe-inline' and no per-build hash for the server to learn. The script finds its place in the page
// through `document.currentScript`, which external classic scripts have too. Run after `vite build`.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const build = join(import.meta.dirname, '../build');
const indexPath = join(build, 'index.html');
const html = readFileSync(indexPath, 'utf8');

let moved = 0;
const rewritten = html.replace(/<script>([\s\S]*?)<\/script>/g, (_whole, code: string) => {
  const hash = createHash('sha256').update(code).digest('base64url').slice(0, 12);
  const file = `_app/immutable/boot.${hash}.js`;
  writeFileSync(join(build, file), code.trim());
  moved += 1;
  return `<script src="/${file}"></script>`;
});

if (/<script(?![^>]*\bsrc=)[^>]*>/.test(rewritten))
  throw new Error('build/index.html still has an inline script');
writeFileSync(indexPath, rewritten);
console.log(`index.html: ${moved} inline script(s) moved to files`);
