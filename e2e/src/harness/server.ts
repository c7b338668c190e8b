import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, webBuild } from './paths.ts';

export interface RunningServer {
  baseUrl: string;
  /** The last lines the server logged, for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The backend as `make run` starts it: no Telegram settings, so it runs the sandbox Telegram DC and
 * mounts its control API under /sandbox/api; embedded PostgreSQL in a temporary DATA_DIR; the built
 * web app on the same port. Resolves once the API is ready and the bot is connected.
 */
export async function startServer(options: { readyTimeoutMs?: number } = {}): Promise<RunningServer> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'teleplay-e2e-'));
  // Run as root, embedded PostgreSQL drops to its own user, which must be able to enter the directory.
  chmodSync(dataDir, 0o755);
  const baseUrl = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('TELEGRAM_'))),
    HOST: '127.0.0.1',
    PORT: String(port),
    DATA_DIR: dataDir,
    PUBLIC_URL: baseUrl,
    WEB_ROOT: webBuild,
    LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'warn',
    // Every browser of every scenario comes from 127.0.0.1: one address, many users and devices.
    RATE_LIMIT_MAX: '100000',
  };
  const lines: string[] = [];
  const child: ChildProcess = spawn(process.execPath, ['backend/src/server.ts'], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const remember = (chunk: Buffer) => {
    lines.push(...chunk.toString().split('\n').filter(Boolean));
    if (lines.length > 200) lines.splice(0, lines.length - 200);
    if (process.env.E2E_SERVER_LOG) process.stderr.write(chunk);
  };
  child.stdout?.on('data', remember);
  child.stderr?.on('data', remember);
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));

  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dataDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 120_000);
  const ready = async (path: string) => {
    try {
      return (await fetch(`${baseUrl}${path}`)).ok;
    } catch {
      return false;
    }
  };
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`the server exited with ${child.exitCode}:\n${lines.slice(-30).join('\n')}`);
    }
    if (
      (await ready('/readyz')) &&
      (await ready('/api/auth/bot-info')) &&
      (await ready('/sandbox/api/state'))
    )
      break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the server was not ready in time:\n${lines.slice(-30).join('\n')}`);
    }
    await sleep(250);
  }
  return { baseUrl, log: () => lines.join('\n'), stop };
}
