import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser, newDevice, screenshot, watchProblems } from './harness/browser.ts';
import { eventually } from './harness/eventually.ts';
import { SandboxControl } from './harness/sandbox-control.ts';
import { apiFor, signInThroughBot } from './harness/sign-in.ts';

const formatDuration = (seconds: number) => {
  const whole = Math.floor(seconds);
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = String(whole % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
};

/** The player's state, read from the vidstack element. */
const playerState = (page: Page) =>
  page.evaluate(() => {
    const player = document.querySelector('media-player') as unknown as {
      currentTime: number;
      paused: boolean;
      state: { canPlay: boolean; duration: number };
    } | null;
    return player
      ? {
          time: player.currentTime,
          paused: player.paused,
          canPlay: player.state.canPlay,
          duration: player.state.duration,
        }
      : null;
  });

// Watching on one device, continuing on another.
describe('playback across devices', () => {
  const baseUrl = inject('baseUrl');
  const fixtures = inject('fixtures');
  const sandbox = new SandboxControl(baseUrl);
  let browser: Browser;
  let laptop: BrowserContext;
  let tv: BrowserContext;
  let fileId: string;
  let userId: number;

  beforeAll(async () => {
    browser = await launchBrowser();
    userId = (await sandbox.createUser('Nora')).id;
    const laptopSession = await signInThroughBot(baseUrl, sandbox, userId, 'Laptop');
    const tvSession = await signInThroughBot(baseUrl, sandbox, userId, 'Living room TV');
    laptop = await newDevice(browser, baseUrl, { session: laptopSession });
    tv = await newDevice(browser, baseUrl, { session: tvSession });
    await sandbox.sendFile(userId, fixtures.video);
    const api = apiFor(baseUrl, laptopSession);
    const files = await eventually(
      async () => (await api.listFiles({ params: { query: {} } })).data?.items ?? [],
      (items) => items.length > 0,
      'the video in the library',
    );
    fileId = files[0]!.id;
  });
  afterAll(async () => {
    await browser.close();
  });

  it('plays, seeks and pauses; another device then offers to continue from there', async () => {
    const page = await laptop.newPage();
    const problems = watchProblems(page);
    await page.goto(`/play/${fileId}`);
    await expect.poll(async () => (await playerState(page))?.canPlay, { timeout: 15_000 }).toBe(true);
    expect((await playerState(page))?.duration).toBe(3000);

    // Play (autoplay may be refused without a gesture: the play button is the user's gesture).
    if ((await playerState(page))?.paused)
      await page.getByRole('button', { name: 'Play', exact: true }).first().click();
    await expect.poll(async () => (await playerState(page))?.paused).toBe(false);

    // Seek: a click on the time slider at 82 % of 50 minutes.
    const slider = page.locator('media-time-slider').first();
    const box = (await slider.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.click(box.x + box.width * 0.822, box.y + box.height / 2);
    await expect
      .poll(async () => (await playerState(page))?.time ?? 0, { timeout: 10_000 })
      .toBeGreaterThan(2400);

    // Pause with the keyboard shortcut.
    await page.keyboard.press('k');
    await expect.poll(async () => (await playerState(page))?.paused).toBe(true);
    const pausedAt = (await playerState(page))!.time;
    await screenshot(page, 'playback-1-paused');

    // The TV's home page: continue watching, at that position.
    const home = await tv.newPage();
    await home.goto('/');
    const resume = home.getByTestId('continue-item').filter({ hasText: fixtures.video.fileName });
    await expect
      .poll(() => resume.getByTestId('continue-position').textContent(), { timeout: 10_000 })
      .toBe(formatDuration(pausedAt));
    await expect.poll(() => resume.textContent()).toContain('Laptop');
    await screenshot(home, 'playback-2-continue-watching-on-tv');

    // Both open: the TV opens the film (it resumes there); the laptop jumps back to 20:00.
    await home.goto(`/play/${fileId}`);
    await expect
      .poll(async () => (await playerState(home))?.time ?? 0, { timeout: 15_000 })
      .toBeGreaterThan(pausedAt - 1);
    await page.locator('media-player').evaluate((player) => {
      (player as unknown as { currentTime: number }).currentTime = 1200;
    });
    await page.keyboard.press('k');
    await page.keyboard.press('k');
    const offer = home.getByTestId('continue-offer');
    await offer.waitFor({ timeout: 15_000 });
    expect(await offer.textContent()).toMatch(/Continue from 20:0\d \(Laptop\)/);
    await screenshot(home, 'playback-3-continue-offer');
    await offer.getByRole('button', { name: /Continue from/ }).click();
    await expect.poll(async () => (await playerState(home))?.time ?? 0).toBeLessThan(1300);
    expect(problems).toEqual([]);
  });

  it('offers a download and external players for a file the browser cannot play', async () => {
    await sandbox.sendFile(userId, fixtures.brokenMkv);
    const page = await laptop.newPage();
    await page.goto('/library');
    await page.getByRole('option', { name: fixtures.brokenMkv.fileName }).dblclick();
    const fallback = page.getByTestId('playback-fallback').first();
    await fallback.waitFor({ timeout: 15_000 });
    expect(await fallback.getByRole('link', { name: 'Download' }).getAttribute('href')).toContain(
      '/download',
    );
    expect(await fallback.getByRole('link', { name: 'Open in VLC' }).getAttribute('href')).toMatch(
      /^vlc:\/\/http/,
    );
    await screenshot(page, 'playback-4-cannot-play-mkv');
  });
});
