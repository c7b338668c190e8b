import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { artifactsDir } from './paths.ts';
import type { AuthTokens } from './sign-in.ts';

/** Debian's Chromium, headless, with nothing that reaches the network on its own. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

export interface ContextOptions {
  /** Signed in from the start: the tokens are in localStorage before the app loads. */
  session?: AuthTokens;
  viewport?: { width: number; height: number };
  colorScheme?: 'dark' | 'light';
}

/** A browser profile of its own (another device): its own localStorage, hence its own session. */
export async function newDevice(
  browser: Browser,
  baseUrl: string,
  options: ContextOptions = {},
): Promise<BrowserContext> {
  const context = await browser.newContext({
    baseURL: baseUrl,
    viewport: options.viewport ?? { width: 1280, height: 800 },
    colorScheme: options.colorScheme ?? 'dark',
    permissions: ['clipboard-read', 'clipboard-write'],
  });
  if (options.session) {
    const session = JSON.stringify(options.session);
    await context.addInitScript((value) => {
      if (!localStorage.getItem('teleplay.session')) localStorage.setItem('teleplay.session', value);
    }, session);
  }
  return context;
}

/** Problems the page reports (uncaught errors, console errors other than failed requests). */
export function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !/Failed to load resource/.test(message.text())) {
      problems.push(`console: ${message.text()}`);
    }
  });
  return problems;
}

/** A screenshot kept as a test artifact: e2e/artifacts/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(artifactsDir, { recursive: true });
  const path = join(artifactsDir, `${name}.png`);
  // Finite CSS animations are shown at their end: the picture does not depend on timing.
  await page.screenshot({ path, animations: 'disabled' });
  return path;
}
