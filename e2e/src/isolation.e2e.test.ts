import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser, newDevice, screenshot } from './harness/browser.ts';
import { item, waitUntilLive } from './harness/library-page.ts';
import { SandboxControl } from './harness/sandbox-control.ts';
import { apiFor, signInThroughBot } from './harness/sign-in.ts';

// Every user has a library of their own.
describe('two users', () => {
  const baseUrl = inject('baseUrl');
  const fixtures = inject('fixtures');
  const sandbox = new SandboxControl(baseUrl);
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser.close();
  });

  it('a second user sees none of the first user’s files, not even live', async () => {
    const alice = (await sandbox.createUser('Alice')).id;
    const bob = (await sandbox.createUser('Bob')).id;
    const aliceSession = await signInThroughBot(baseUrl, sandbox, alice, 'Alice’s laptop');
    const bobSession = await signInThroughBot(baseUrl, sandbox, bob, 'Bob’s laptop');

    const alicePage = await (await newDevice(browser, baseUrl, { session: aliceSession })).newPage();
    const bobPage = await (await newDevice(browser, baseUrl, { session: bobSession })).newPage();
    await Promise.all([alicePage.goto('/library'), bobPage.goto('/library')]);
    await Promise.all([waitUntilLive(alicePage), waitUntilLive(bobPage)]);

    await sandbox.sendFile(alice, fixtures.audio, 'Alice private.wav');
    await item(alicePage, 'Alice private.wav').waitFor({ timeout: 2000 });
    // Alice's file reached her tab; Bob's stays as it was.
    await bobPage.waitForTimeout(1000);
    expect(await bobPage.getByTestId('file-item').count()).toBe(0);
    await bobPage.getByRole('heading', { name: 'Your library is empty' }).waitFor();
    await screenshot(bobPage, 'isolation-1-bob-sees-nothing');

    const aliceFile = (await apiFor(baseUrl, aliceSession).listFiles({ params: { query: {} } })).data!
      .items[0]!;
    const bobApi = apiFor(baseUrl, bobSession);
    expect((await bobApi.listFiles({ params: { query: {} } })).data?.items).toEqual([]);
    expect((await bobApi.getFile({ params: { path: { fileId: aliceFile.id } } })).response.status).toBe(404);
    expect((await bobApi.getMediaUrls({ params: { path: { fileId: aliceFile.id } } })).response.status).toBe(
      404,
    );

    await bobPage.goto(`/play/${aliceFile.id}`);
    await bobPage.getByText('This file is not in your library').waitFor();
    await screenshot(bobPage, 'isolation-2-bob-opens-alices-file');
  });
});
