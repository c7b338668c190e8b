import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { type Fixtures, generateFixtures } from '../fixtures/media.ts';
import { launchBrowser } from './browser.ts';
import { repoRoot } from './paths.ts';
import { startServer } from './server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    fixtures: Fixtures;
  }
}

/**
 * Once per run: build the web app (the scenarios test what the backend serves), make the test media,
 * and start the backend in sandbox mode on a free port with a temporary DATA_DIR.
 * E2E_SKIP_BUILD=1 uses the existing build; E2E_BASE_URL=http://… uses a server already running.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (!process.env.E2E_SKIP_BUILD) {
    const build = spawnSync('npm', ['run', 'build', '-w', '@teleplay/web'], {
      cwd: repoRoot,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, npm_config_loglevel: 'error' },
    });
    if (build.status !== 0) throw new Error('building the web app failed');
  }

  const fixturesDir = mkdtempSync(join(tmpdir(), 'teleplay-e2e-media-'));
  const browser = await launchBrowser();
  let fixtures: Fixtures;
  try {
    fixtures = await generateFixtures(browser, fixturesDir);
  } finally {
    await browser.close();
  }

  // E2E_BASE_URL: run against a server started by hand (while debugging), instead of a fresh one.
  const server = process.env.E2E_BASE_URL ? null : await startServer();
  project.provide('baseUrl', server?.baseUrl ?? process.env.E2E_BASE_URL!);
  project.provide('fixtures', fixtures);
  return async () => {
    await server?.stop();
    rmSync(fixturesDir, { recursive: true, force: true });
  };
}
