import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser, newDevice, screenshot } from './harness/browser.ts';
import { item, waitUntilLive } from './harness/library-page.ts';
import { SandboxControl } from './harness/sandbox-control.ts';
import type { AuthTokens } from './harness/sign-in.ts';
import { signInThroughBot } from './harness/sign-in.ts';

const overflowsSideways = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);

// From a phone to a TV, in both themes, and by keyboard alone.
describe('screens and keyboards', () => {
  const baseUrl = inject('baseUrl');
  const fixtures = inject('fixtures');
  const sandbox = new SandboxControl(baseUrl);
  let browser: Browser;
  let session: AuthTokens;

  beforeAll(async () => {
    browser = await launchBrowser();
    const userId = (await sandbox.createUser('Ivy')).id;
    session = await signInThroughBot(baseUrl, sandbox, userId, 'Desk');
    await sandbox.sendFile(userId, fixtures.video, 'Sintel Trailer.webm');
    await sandbox.sendFile(userId, fixtures.audio, 'Theme Song.wav');
    await sandbox.sendFile(userId, fixtures.brokenMkv, 'Episode 10.mkv');
    await sandbox.sendFile(userId, fixtures.brokenMkv, 'Episode 2.mkv');
    await sandbox.sendText(userId, '/newfolder Series');
  });
  afterAll(async () => {
    await browser.close();
  });

  for (const screen of [
    { name: 'phone-light', viewport: { width: 390, height: 844 }, colorScheme: 'light' as const },
    { name: 'tv-dark', viewport: { width: 1920, height: 1080 }, colorScheme: 'dark' as const },
  ]) {
    it(`fits a ${screen.name} screen`, async () => {
      const device = await newDevice(browser, baseUrl, {
        session,
        viewport: screen.viewport,
        colorScheme: screen.colorScheme,
      });
      const page = await device.newPage();
      await page.goto('/library');
      await item(page, 'Episode 10.mkv').waitFor();
      await item(page, 'Series').waitFor();
      expect(await overflowsSideways(page)).toBe(false);
      await screenshot(page, `screen-${screen.name}-library`);
      await page.goto('/');
      await page.getByRole('heading', { name: 'Recently added' }).waitFor();
      expect(await overflowsSideways(page)).toBe(false);
      await screenshot(page, `screen-${screen.name}-home`);
      await device.close();
    });
  }

  it('works by keyboard alone: arrows, selection, menu, rename, open', async () => {
    const device = await newDevice(browser, baseUrl, { session });
    const page = await device.newPage();
    await page.goto('/library');
    await waitUntilLive(page);
    // Natural order: Episode 2 before Episode 10.
    const names = await page
      .getByTestId('file-item')
      .evaluateAll((items) => items.map((node) => node.getAttribute('aria-label')));
    expect(names.indexOf('Episode 2.mkv')).toBeLessThan(names.indexOf('Episode 10.mkv'));

    await item(page, 'Series').focus();
    await page.keyboard.press('ArrowRight');
    const focused = () => page.evaluate(() => document.activeElement?.getAttribute('aria-label'));
    expect(await focused()).toBe(names[0]);
    await page.keyboard.press('Shift+ArrowRight');
    await page.getByText('2 selected').waitFor();
    await page.keyboard.press('Escape');

    await page.keyboard.press('F2');
    await page.getByLabel('New name').fill('Episode 1.mkv');
    await page.keyboard.press('Enter');
    await item(page, 'Episode 1.mkv').waitFor();

    await item(page, 'Series').focus();
    await page.keyboard.press('Shift+F10');
    await page.getByRole('menu').waitFor();
    await screenshot(page, 'keyboard-context-menu');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/library\/[0-9a-f-]{36}$/);
    await page.getByRole('heading', { name: 'This folder is empty' }).waitFor();
    await device.close();
  });

  it('searches as you type, filters by kind and sorts', async () => {
    const device = await newDevice(browser, baseUrl, { session });
    const page = await device.newPage();
    await page.goto('/library');
    await item(page, 'Theme Song.wav').waitFor();
    const shown = () =>
      page
        .getByTestId('file-item')
        .evaluateAll((items) => items.map((node) => node.getAttribute('aria-label')));

    await page.keyboard.press('/');
    await page.keyboard.type('episod');
    await expect.poll(shown).toEqual(['Episode 1.mkv', 'Episode 2.mkv']);
    await screenshot(page, 'library-search');
    await page.getByRole('button', { name: 'Clear the search' }).click();

    await page.getByRole('button', { name: 'Audio', exact: true }).click();
    await expect.poll(shown).toEqual(['Theme Song.wav']);
    await page.getByRole('button', { name: 'All', exact: true }).click();

    await page.getByLabel('Sort by').selectOption('size');
    await page.getByRole('button', { name: /Ascending/ }).click();
    await expect.poll(async () => (await shown())[0]).toBe('Sintel Trailer.webm');
    await device.close();
  });

  it('switches between the dark and the light theme', async () => {
    const device = await newDevice(browser, baseUrl, { session, colorScheme: 'dark' });
    const page = await device.newPage();
    await page.goto('/library');
    await page.getByRole('button', { name: 'Switch to the light theme' }).click();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
    await page.getByRole('button', { name: 'List' }).click();
    await item(page, 'Theme Song.wav').waitFor();
    await screenshot(page, 'screen-light-list-view');
    // Kept, and applied before the app has even loaded.
    await page.reload({ waitUntil: 'commit' });
    await page.waitForFunction(() => document.documentElement.dataset.theme !== undefined);
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
    await device.close();
  });
});
