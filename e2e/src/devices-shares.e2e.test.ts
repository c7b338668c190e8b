import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser, newDevice, screenshot } from './harness/browser.ts';
import { waitUntilLive } from './harness/library-page.ts';
import { SandboxControl } from './harness/sandbox-control.ts';
import { signInThroughBot } from './harness/sign-in.ts';

// The account pages: the signed-in devices, and public share links.
describe('devices and share links', () => {
  const baseUrl = inject('baseUrl');
  const fixtures = inject('fixtures');
  const sandbox = new SandboxControl(baseUrl);
  let browser: Browser;
  let laptop: BrowserContext;
  let tablet: BrowserContext;

  beforeAll(async () => {
    browser = await launchBrowser();
    const userId = (await sandbox.createUser('Omar')).id;
    laptop = await newDevice(browser, baseUrl, {
      session: await signInThroughBot(baseUrl, sandbox, userId, 'Laptop'),
    });
    tablet = await newDevice(browser, baseUrl, {
      session: await signInThroughBot(baseUrl, sandbox, userId, 'Old tablet'),
    });
    await sandbox.sendFile(userId, fixtures.audio, 'Voice memo.wav');
  });
  afterAll(async () => {
    await browser.close();
  });

  it('signs another device out, and that device leaves at once', async () => {
    const tabletPage = await tablet.newPage();
    await tabletPage.goto('/library');
    await waitUntilLive(tabletPage);

    const page = await laptop.newPage();
    await page.goto('/devices');
    const tabletRow = page.getByTestId('device').filter({ hasText: 'Old tablet' });
    await tabletRow.waitFor();
    expect(await page.getByTestId('device').filter({ hasText: 'This browser' }).textContent()).toContain(
      'Laptop',
    );
    await screenshot(page, 'devices-1-list');

    await tabletRow.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Sign out' }).click();
    await tabletRow.waitFor({ state: 'detached' });

    await tabletPage.waitForURL('**/login**', { timeout: 10_000 });
    await tabletPage.getByText('This browser was signed out from another device.').waitFor();
    await screenshot(tabletPage, 'devices-2-signed-out-tablet');
  });

  it('creates a share link with an expiry, copies it, and revokes it', async () => {
    const page = await laptop.newPage();
    await page.goto('/shares');
    await page.getByLabel('Share a file').fill('voice');
    await page.getByRole('option', { name: 'Voice memo.wav' }).click();
    await page.getByLabel('Expires after').selectOption({ label: 'Expires in 1 day' });
    await page.getByRole('button', { name: 'Create link' }).click();

    const link = page.getByTestId('share-link').filter({ hasText: 'Voice memo.wav' });
    await link.waitFor();
    const url = (await link.locator('code').textContent())!;
    expect(await link.textContent()).toContain('expires tomorrow');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(url);
    expect((await fetch(url, { redirect: 'manual' })).status).toBeLessThan(400);
    await screenshot(page, 'shares-1-created');

    await link.getByRole('button', { name: 'Revoke' }).click();
    await link.waitFor({ state: 'detached' });
    expect((await fetch(url, { redirect: 'manual' })).status).toBeGreaterThanOrEqual(400);
    await page.getByLabel('Show expired and revoked').check();
    await page.getByTestId('share-link').filter({ hasText: 'revoked' }).waitFor();
  });
});
