// Builds the AES-NI IGE addon (aes-ige.c) into native/build/aes-ige.node with the system C compiler and
// the headers of the running Node. Where it cannot be built (not x86-64, no compiler, no headers) it says
// why and exits 0: the gateway then uses @mtcute/crypto-node's IGE, slower but complete (mtproto-crypto.ts).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

const here = import.meta.dirname;
const source = join(here, 'aes-ige.c');
const output = join(here, 'build', 'aes-ige.node');
const headers = join(dirname(process.execPath), '..', 'include', 'node');
const compiler = process.env.CC ?? 'cc';

function skip(reason: string): never {
  console.warn(`aes-ige addon not built: ${reason}; the slower portable IGE will be used`);
  process.exit(0);
}

if (process.arch !== 'x64') skip(`AES-NI is x86-64 only and this is ${process.arch}`);
if (!existsSync(join(headers, 'node_api.h'))) skip(`no Node headers at ${headers}`);
if (spawnSync(compiler, ['--version'], { stdio: 'ignore' }).error) skip(`no C compiler (${compiler})`);

mkdirSync(dirname(output), { recursive: true });
const flags = ['-O2', '-std=c11', '-Wall', '-Wextra', '-Werror', '-fPIC', '-shared', `-I${headers}`];
if (process.platform === 'darwin') flags.push('-undefined', 'dynamic_lookup');
const result = spawnSync(compiler, [...flags, source, '-o', output], { stdio: 'inherit' });
if (result.status !== 0) {
  console.error(`aes-ige addon: ${compiler} failed (exit ${result.status})`);
  process.exit(1);
}
console.log(`aes-ige addon built: ${output}`);
