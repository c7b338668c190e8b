import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser, newDevice, screenshot, watchProblems } from './harness/browser.ts';
import { dragOnto, item, layoutShift, waitUntilLive, watchLayoutShifts } from './harness/library-page.ts';
import { SandboxControl } from './harness/sandbox-control.ts';
import { signInThroughBot } from './harness/sign-in.ts';

// One user, two tabs of the library: what happens in one (or in Telegram) shows in the other at once.
describe('the library, live in two tabs', () => {
  const baseUrl = inject('baseUrl');
  const fixtures = inject('fixtures');
  const sandbox = new SandboxControl(baseUrl);
  let browser: Browser;
  let device: BrowserContext;
  let tab: Page;
  let otherTab: Page;
  let userId: number;
  let problems: string[][];

  beforeAll(async () => {
    browser = await launchBrowser();
    userId = (await sandbox.createUser('Max')).id;
    const session = await signInThroughBot(baseUrl, sandbox, userId, 'Laptop');
    device = await newDevice(browser, baseUrl, { session });
    tab = await device.newPage();
    otherTab = await device.newPage();
    problems = [watchProblems(tab), watchProblems(otherTab)];
    if (process.env.E2E_DEBUG_WS) {
      otherTab.on('websocket', (socket) => {
        socket.on('framereceived', (frame) => console.info('B <=', String(frame.payload).slice(0, 160)));
        socket.on('close', () => console.info('B socket closed'));
      });
    }
    await Promise.all([tab.goto('/library'), otherTab.goto('/library')]);
    await Promise.all([waitUntilLive(tab), waitUntilLive(otherTab)]);
    // The user acts in the front tab; the other one only watches. (Playwright's first action on a
    // tab that is not in front waits about two seconds.)
    await tab.bringToFront();
  });
  afterAll(async () => {
    await browser.close();
  });

  it('shows a file sent to the bot within 2 seconds, without a reload', async () => {
    await tab.getByRole('heading', { name: 'Your library is empty' }).waitFor();
    await screenshot(tab, 'live-1-empty-library');
    await tab.evaluate(() => {
      (window as unknown as { __sameDocument: boolean }).__sameDocument = true;
    });

    const sent = Date.now();
    await sandbox.sendFile(userId, fixtures.video, 'Big Buck Test.webm');
    const accepted = Date.now();
    await item(tab, 'Big Buck Test.webm').waitFor({ timeout: 2000 });
    const shown = Date.now();
    console.info(`file sent → shown: ${shown - sent} ms (upload to the sandbox took ${accepted - sent} ms)`);
    expect(shown - accepted).toBeLessThan(2000);
    expect(await tab.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(
      true,
    );
    await item(otherTab, 'Big Buck Test.webm').waitFor({ timeout: 2000 });
    // Its preview (the first frame, which the sender's app made) comes from Telegram through the bots.
    const preview = item(tab, 'Big Buck Test.webm').locator('img');
    await expect
      .poll(() => preview.evaluate((image: HTMLImageElement) => image.complete && image.naturalWidth), {
        timeout: 5000,
      })
      .toBeGreaterThan(0);
    await screenshot(tab, 'live-1-file-arrived');

    // A second arrival sorts before the first: the grid makes room without a layout shift.
    await watchLayoutShifts(tab);
    await sandbox.sendFile(userId, fixtures.audio, 'Another Tone.wav');
    await item(tab, 'Another Tone.wav').waitFor({ timeout: 2000 });
    await tab.waitForTimeout(400);
    const shift = await layoutShift(tab);
    console.info(`layout shift while a live item arrived: ${shift.toFixed(4)}`);
    expect(shift).toBeLessThan(0.1);
    await screenshot(tab, 'live-1-second-arrival');
  });

  it('reflects a new folder, rename, moves, batch delete, trash and restore in the other tab', async () => {
    for (const name of ['Clip A.wav', 'Clip B.wav']) await sandbox.sendFile(userId, fixtures.audio, name);
    await sandbox.sendFile(userId, fixtures.brokenMkv);
    await item(otherTab, 'Broken Episode.mkv').waitFor();

    // New folder.
    await tab.getByRole('button', { name: 'New folder' }).click();
    await tab.getByLabel('Name').fill('Movies');
    await tab.getByRole('button', { name: 'Create' }).click();
    await item(otherTab, 'Movies').waitFor({ timeout: 2000 });

    // Rename, from the context menu.
    await item(tab, 'Big Buck Test.webm').click({ button: 'right' });
    await tab.getByRole('menuitem', { name: 'Rename' }).click();
    await tab.getByLabel('New name').fill('Test Pattern (renamed).webm');
    await tab.getByRole('button', { name: 'Rename' }).click();
    await item(otherTab, 'Test Pattern (renamed).webm').waitFor({ timeout: 2000 });
    expect(await item(otherTab, 'Big Buck Test.webm').count()).toBe(0);
    await screenshot(otherTab, 'live-2-renamed-in-other-tab');
    await tab.bringToFront();

    // Move, by dragging onto the folder.
    await dragOnto(tab, item(tab, 'Test Pattern (renamed).webm'), item(tab, 'Movies'));
    await item(otherTab, 'Test Pattern (renamed).webm').waitFor({ state: 'detached', timeout: 2000 });
    await expect.poll(() => item(otherTab, 'Movies').textContent()).toContain('1 file');

    // Move, with the folder picker.
    await item(tab, 'Broken Episode.mkv').click({ button: 'right' });
    await tab.getByRole('menuitem', { name: 'Move to…' }).click();
    await tab.getByRole('button', { name: 'Movies' }).click();
    await tab.getByRole('button', { name: 'Move to Movies' }).click();
    await item(otherTab, 'Broken Episode.mkv').waitFor({ state: 'detached', timeout: 2000 });
    await expect.poll(() => item(otherTab, 'Movies').textContent()).toContain('2 files');
    await screenshot(otherTab, 'live-2-moved-in-other-tab');
    await tab.bringToFront();

    // Batch delete: click, then Shift+click for the range.
    await item(tab, 'Clip A.wav').click();
    await item(tab, 'Clip B.wav').click({ modifiers: ['Shift'] });
    await tab.getByText('2 selected').waitFor();
    await screenshot(tab, 'live-2-two-selected');
    await tab
      .getByRole('toolbar', { name: 'Selected items' })
      .getByRole('button', { name: 'Move to trash' })
      .click();
    await item(otherTab, 'Clip A.wav').waitFor({ state: 'detached', timeout: 2000 });
    await item(otherTab, 'Clip B.wav').waitFor({ state: 'detached', timeout: 2000 });

    // The trash has them; restoring one brings it back in the other tab.
    await tab.goto('/trash');
    await tab.getByTestId('trash-item').filter({ hasText: 'Clip A.wav' }).waitFor();
    await screenshot(tab, 'live-2-trash');
    await tab.getByRole('button', { name: 'Restore Clip A.wav' }).click();
    await item(otherTab, 'Clip A.wav').waitFor({ timeout: 2000 });
    await tab.getByTestId('trash-item').filter({ hasText: 'Clip A.wav' }).waitFor({ state: 'detached' });
    await screenshot(otherTab, 'live-2-restored-in-other-tab');
    await tab.bringToFront();
  });

  it('keeps the history of all of it, and undoes a trashing from there', async () => {
    await tab.goto('/history');
    const types = () =>
      tab
        .getByTestId('history-entry')
        .evaluateAll((entries) => entries.map((entry) => entry.getAttribute('data-type')));
    await expect
      .poll(types)
      .toEqual(
        expect.arrayContaining([
          'FileUploaded',
          'FolderCreated',
          'FileRenamed',
          'FileMoved',
          'FileTrashed',
          'FileRestored',
        ]),
      );
    await screenshot(tab, 'live-3-history');

    const trashing = tab
      .getByTestId('history-entry')
      .filter({ hasText: 'Clip B.wav' })
      .filter({ has: tab.getByRole('button', { name: 'Undo' }) });
    await trashing.getByRole('button', { name: 'Undo' }).click();
    await item(otherTab, 'Clip B.wav').waitFor({ timeout: 2000 });
    expect(problems.flat()).toEqual([]);
  });
});
