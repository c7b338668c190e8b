import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser, newDevice, screenshot, watchProblems } from './harness/browser.ts';
import { buttonUrl, SandboxControl } from './harness/sandbox-control.ts';
import { signInThroughBot } from './harness/sign-in.ts';

// Logging in, the three ways, with the sandbox standing in for the Telegram app.
describe('login', () => {
  const baseUrl = inject('baseUrl');
  const sandbox = new SandboxControl(baseUrl);
  let browser: Browser;
  let userId: number;

  beforeAll(async () => {
    browser = await launchBrowser();
    userId = (await sandbox.createUser('Lena')).id;
  });
  afterAll(async () => {
    await browser.close();
  });

  it('opens the bot deep link: Telegram confirms the code and the page signs in by itself', async () => {
    const device = await newDevice(browser, baseUrl);
    const page = await device.newPage();
    const problems = watchProblems(page);
    await page.goto('/library');
    await page.waitForURL('**/login?next=%2Flibrary');
    const link = page.getByTestId('deep-link');
    await expect.poll(() => link.getAttribute('href')).toMatch(/^https:\/\/t\.me\/\w+\?start=login-\d{6}$/);
    const href = (await link.getAttribute('href'))!;
    await screenshot(page, 'login-1-deep-link');

    // What the Telegram app sends when the link is opened and Start is pressed.
    const start = new URL(href).searchParams.get('start');
    await sandbox.sendText(userId, `/start ${start}`);

    await page.waitForURL('**/library', { timeout: 10_000 });
    await expect
      .poll(() => page.getByRole('heading', { name: 'Your library is empty' }).isVisible())
      .toBe(true);
    expect(problems).toEqual([]);
    await device.close();
  });

  it('shows a code that the user sends to the bot with /login', async () => {
    const device = await newDevice(browser, baseUrl);
    const page = await device.newPage();
    await page.goto('/login');
    await page.getByRole('tab', { name: 'Show a code' }).click();
    const code = page.getByTestId('login-code');
    await expect.poll(async () => (await code.textContent())?.replace(/\s/g, '')).toMatch(/^\d{6}$/);
    const digits = (await code.textContent())!.replace(/\s/g, '');
    await screenshot(page, 'login-2-show-code');

    const answer = await sandbox.nextBotMessage(
      userId,
      () => true,
      () => sandbox.sendText(userId, `/login ${digits}`),
    );
    expect(answer.text).toMatch(/is signing in now/);
    await page.waitForURL(`${baseUrl}/`, { timeout: 10_000 });
    await expect.poll(() => page.getByRole('heading', { name: 'Hello, Lena' }).isVisible()).toBe(true);

    // And out again: the session ends here, back to the login page.
    await page.getByRole('button', { name: /^Account/ }).click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.waitForURL('**/login');
    await device.close();
  });

  it('takes the code from the bot’s /web link, typed in', async () => {
    const device = await newDevice(browser, baseUrl);
    const page = await device.newPage();
    await page.goto('/login');
    await page.getByRole('tab', { name: 'Enter a code' }).click();

    const reply = await sandbox.nextBotMessage(
      userId,
      (message) => buttonUrl(message)?.includes('/login#token=') ?? false,
      () => sandbox.sendText(userId, '/web'),
    );
    const link = buttonUrl(reply)!;
    await page.getByLabel('Link or code from the bot').fill(link);
    await screenshot(page, 'login-3-enter-code');
    await page.getByRole('button', { name: 'Sign in' }).click();

    await page.waitForURL(`${baseUrl}/`, { timeout: 10_000 });
    await expect.poll(() => page.getByRole('heading', { name: 'Hello, Lena' }).isVisible()).toBe(true);
    await screenshot(page, 'login-3-signed-in');
    await device.close();
  });

  it('opens the bot’s /web link directly, and keeps the token out of the address bar', async () => {
    const reply = await sandbox.nextBotMessage(
      userId,
      (message) => buttonUrl(message)?.includes('/login#token=') ?? false,
      () => sandbox.sendText(userId, '/web'),
    );
    const link = new URL(buttonUrl(reply)!);
    const device = await newDevice(browser, baseUrl);
    const page = await device.newPage();
    await page.goto(`/login${link.hash}`);
    await page.waitForURL(`${baseUrl}/`, { timeout: 10_000 });
    expect(page.url()).not.toContain('token');
    await device.close();
  });

  it('lets a newcomer with no Telegram account sign in and send a file from the sandbox chat', async () => {
    const device = await newDevice(browser, baseUrl);
    const page = await device.newPage();
    await page.goto('/login');
    await page.getByRole('button', { name: 'open the link in the sandbox chat' }).click();
    const chat = page.getByRole('complementary', { name: /Sandbox chat/ });
    await expect
      .poll(() => chat.getByLabel('Message', { exact: true }).inputValue())
      .toMatch(/^\/start login-\d{6}$/);
    await chat.getByRole('button', { name: 'Send', exact: true }).click();
    await page.waitForURL(`${baseUrl}/`, { timeout: 10_000 });

    await page.getByRole('link', { name: 'Library' }).click();
    const name = `First steps ${Date.now()}.wav`;
    await chat
      .getByTestId('sandbox-file')
      .setInputFiles({ name, mimeType: 'audio/wav', buffer: readFileSync(inject('fixtures').audio.path) });
    await page.getByRole('option', { name, exact: true }).waitFor({ timeout: 5000 });
    await chat.getByTestId('sandbox-message').filter({ hasText: name }).waitFor();
    await screenshot(page, 'login-5-sandbox-chat');
    await device.close();
  });

  it('renews a refused access token silently, with one refresh for all the tabs', async () => {
    const session = await signInThroughBot(baseUrl, sandbox, userId, 'Two tabs');
    // An access token the server refuses (as an expired one is), though the app thinks it is fine.
    const refused = { ...session, accessToken: `${session.accessToken.slice(0, -4)}AAAA` };
    const device = await newDevice(browser, baseUrl, { session: refused });
    const refreshes: string[] = [];
    device.on('request', (request) => {
      if (request.url().endsWith('/api/auth/refresh')) refreshes.push(request.url());
    });
    const tabs = [await device.newPage(), await device.newPage()];
    await Promise.all(tabs.map((tab) => tab.goto('/library')));
    for (const tab of tabs) {
      await tab.getByRole('heading', { name: 'Your library is empty' }).waitFor({ timeout: 10_000 });
      await tab.locator('[data-live-status="live"]').waitFor({ timeout: 10_000 });
    }
    expect(refreshes).toHaveLength(1);
    const stored = await tabs[0]!.evaluate(() =>
      JSON.parse(localStorage.getItem('teleplay.session') ?? '{}'),
    );
    expect(stored.refreshToken).not.toBe(session.refreshToken);
    await device.close();
  });
});
