import { findFileByOrigin, getFile, listFolders } from '@teleplay/projections';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { encodeCallbackData } from './bot.keyboards.ts';
import { type BotHarness, newUser, startBotHarness, WEB_APP_URL } from './testing/bot-harness.ts';
import { mediaOf } from './testing/fake-bot-transport.ts';

let harness: BotHarness;

beforeAll(async () => {
  harness = await startBotHarness();
});

afterAll(async () => {
  expect(harness.log.errors).toEqual([]);
  await harness.close();
});

const lastText = (userId: string) => harness.transport.lastBotMessage(userId).text;

async function uploadNamed(user: { id: string; firstName: string; username: string | null }, name: string) {
  const messageId = await harness.transport.sendFile(
    user,
    mediaOf('video', { fileName: name, mimeType: 'video/mp4' }),
  );
  return (await findFileByOrigin(harness.db, user.id, { chatId: user.id, messageId }))!.id;
}

describe('/start', () => {
  it('welcomes with a link to the web app and a sign-in button', async () => {
    const alice = newUser('Alice');
    await harness.transport.sendText(alice, '/start');

    const welcome = harness.transport.lastBotMessage(alice.id);
    expect(welcome.text).toContain('Hi Alice!');
    expect(harness.transport.buttonsOf(alice.id, welcome.id)).toEqual([
      { text: '🌐 Open Teleplay', url: `${WEB_APP_URL}/` },
      { text: '🔑 Sign in on the web', callbackData: expect.any(String) },
    ]);
  });

  it('with a login code from the deep link signs the waiting device in', async () => {
    const alice = newUser('Alice');
    const device = await harness.auth.generateLoginCode({
      deviceName: 'Living room',
      deviceKind: 'tv',
      clientAddress: '10.0.0.1',
    });
    await harness.transport.sendText(alice, `/start login-${device.code}`);

    expect(lastText(alice.id)).toBe('✅ Done! Living room (tv) is signing in now.');
    const poll = await harness.auth.pollLoginCode({ ...device, clientAddress: '10.0.0.1' });
    expect(poll).toMatchObject({ status: 'approved', tokens: { userId: alice.id } });
  });
});

describe('/login', () => {
  it('confirms a code', async () => {
    const alice = newUser();
    const device = await harness.auth.generateLoginCode({
      deviceName: 'Pixel',
      deviceKind: 'mobile',
      clientAddress: '10.0.0.2',
    });
    await harness.transport.sendText(alice, `/login ${device.code}`);
    expect(lastText(alice.id)).toContain('Pixel (mobile) is signing in now');
  });

  it('explains in plain words when the code is wrong or missing', async () => {
    const alice = newUser();
    await harness.transport.sendText(alice, '/login 000000');
    expect(lastText(alice.id)).toBe(
      'No device is waiting with that code. Check the digits on the screen, or ask it for a new code.',
    );
    await harness.transport.sendText(alice, '/login');
    expect(lastText(alice.id)).toContain('<code>/login 123456</code>');
  });

  it('says when a code was already used', async () => {
    const alice = newUser();
    const device = await harness.auth.generateLoginCode({
      deviceName: 'TV',
      deviceKind: 'tv',
      clientAddress: '10.0.0.3',
    });
    await harness.transport.sendText(alice, `/login ${device.code}`);
    await harness.transport.sendText(alice, `/login ${device.code}`);
    expect(lastText(alice.id)).toContain('already used');
  });
});

describe('/web', () => {
  it('sends a one-time link that signs the browser in', async () => {
    const alice = newUser();
    await harness.transport.sendText(alice, '/web');

    const message = harness.transport.lastBotMessage(alice.id);
    expect(message.text).toContain('works once, within 5 minutes');
    const [button] = harness.transport.buttonsOf(alice.id, message.id);
    const url = button && 'url' in button ? button.url : '';
    expect(url.startsWith(`${WEB_APP_URL}/login#token=`)).toBe(true);
    const token = decodeURIComponent(url.slice(url.indexOf('#token=') + '#token='.length));
    const tokens = await harness.auth.exchangeWebLoginLink({
      token,
      deviceName: 'Firefox',
      clientAddress: '10.0.0.4',
    });
    expect(tokens.userId).toBe(alice.id);
  });

  it('is also the button under the welcome', async () => {
    const alice = newUser();
    await harness.transport.sendText(alice, '/start');
    await harness.transport.press(
      alice,
      harness.transport.lastBotMessage(alice.id).id,
      '🔑 Sign in on the web',
    );
    expect(lastText(alice.id)).toContain('sign-in link');
  });
});

describe('help', () => {
  it('lists the commands', async () => {
    const alice = newUser();
    await harness.transport.sendText(alice, '/help@teleplay_bot');
    expect(lastText(alice.id)).toContain('/myfiles');
  });

  it('answers an unknown command', async () => {
    const alice = newUser();
    await harness.transport.sendText(alice, '/frobnicate now');
    expect(lastText(alice.id)).toMatch(/^I don't know the command \/frobnicate\. Here is what I can do:/);
    expect(lastText(alice.id)).toContain('/folders');
  });
});

describe('/myfiles', () => {
  it('says the library is empty at first', async () => {
    const alice = newUser();
    await harness.transport.sendText(alice, '/myfiles');
    expect(lastText(alice.id)).toContain('Your library is empty');
  });

  it('lists recent uploads a page at a time, turning pages in place', async () => {
    const alice = newUser();
    for (let n = 1; n <= 10; n++) {
      await uploadNamed(alice, `Episode ${String(n).padStart(2, '0')}.mp4`);
      harness.clock.advance(1000);
    }
    await harness.transport.sendText(alice, '/myfiles');

    const list = harness.transport.lastBotMessage(alice.id);
    const labels = () => harness.transport.labels(alice.id, list.id);
    expect(labels().slice(0, 8)).toEqual(
      [10, 9, 8, 7, 6, 5, 4, 3].map((n) => `🎬 Episode ${String(n).padStart(2, '0')}.mp4`),
    );
    expect(labels()).toContain('Next ▶');
    expect(labels()).not.toContain('◀ Prev');

    await harness.transport.press(alice, list.id, 'Next ▶');
    expect(labels().slice(0, 2)).toEqual(['🎬 Episode 02.mp4', '🎬 Episode 01.mp4']);
    expect(labels()).toContain('◀ Prev');
    expect(labels()).toContain('Page 2');
    expect(labels()).not.toContain('Next ▶');

    await harness.transport.press(alice, list.id, '🎬 Episode 01.mp4');
    expect(harness.transport.messageById(alice.id, list.id).text).toContain('<b>Episode 01.mp4</b>');
    await harness.transport.press(alice, list.id, '⬅ Back');
    expect(labels()).toContain('Page 2');
    await harness.transport.press(alice, list.id, '◀ Prev');
    expect(labels()[0]).toBe('🎬 Episode 10.mp4');
    expect(await harness.transport.press(alice, list.id, 'Page 1')).toBeUndefined();
  });
});

describe('folders', () => {
  it('/newfolder creates one and /folders browses it', async () => {
    const alice = newUser();
    await harness.transport.sendText(alice, '/newfolder Films');
    expect(lastText(alice.id)).toContain('Created the folder <b>Films</b>');
    const [films] = await listFolders(harness.db, alice.id);
    expect(films?.name).toBe('Films');
    const [created] = (await harness.libraryEvents(alice.id)).slice(-1);
    expect(created).toMatchObject({ type: 'FolderCreated', metadata: { source: 'bot', actorId: alice.id } });

    await harness.transport.sendText(alice, '/folders');
    const root = harness.transport.lastBotMessage(alice.id);
    expect(root.text).toContain('📁 <b>My files</b>');
    await harness.transport.press(alice, root.id, '📁 Films');
    const inFilms = harness.transport.messageById(alice.id, root.id);
    expect(inFilms.text).toContain('📁 <b>Films</b>');
    expect(inFilms.text).toContain('This folder is empty.');
    expect(harness.transport.labels(alice.id, root.id)).toEqual(
      expect.arrayContaining([
        '➕ New folder',
        '☑️ Select',
        '✏️ Rename',
        '🚚 Move',
        '🗑 Delete',
        '⬆ Up',
        '🌐 Open in web',
      ]),
    );
    await harness.transport.press(alice, root.id, '⬆ Up');
    expect(harness.transport.messageById(alice.id, root.id).text).toContain('📁 <b>My files</b>');
  });

  it('/newfolder refuses a name that is taken, in plain words', async () => {
    const alice = newUser();
    await harness.transport.sendText(alice, '/newfolder Music');
    await harness.transport.sendText(alice, '/newfolder music');
    expect(lastText(alice.id)).toBe(
      'A folder named "music" already exists in that folder. Pick another name.',
    );
  });

  it('trashes and restores a folder from its listing', async () => {
    const alice = newUser();
    await harness.transport.sendText(alice, '/newfolder Old');
    const view = harness.transport.lastBotMessage(alice.id);
    await harness.transport.press(alice, view.id, '🗑 Delete');
    expect(harness.transport.messageById(alice.id, view.id).text).toContain('This folder is in the trash.');
    await harness.transport.press(alice, view.id, '♻️ Restore');
    expect(harness.transport.messageById(alice.id, view.id).text).toContain('Restored the folder <b>Old</b>');
    expect((await listFolders(harness.db, alice.id)).map((folder) => folder.name)).toEqual(['Old']);
  });

  it('deletes a folder with its files for good, and their storage messages go too', async () => {
    const alice = newUser();
    await harness.transport.sendText(alice, '/newfolder Old');
    const view = harness.transport.lastBotMessage(alice.id);
    const fileId = await uploadNamed(alice, 'Old clip.mp4');
    const card = harness.transport.lastBotMessage(alice.id);
    await harness.transport.press(alice, card.id, '🚚 Move');
    await harness.transport.press(alice, card.id, '📁 Old');
    await harness.transport.press(alice, card.id, '📍 Move here');
    const stored = (await getFile(harness.db, alice.id, fileId))!.telegram.messageId;

    await harness.transport.press(alice, view.id, '⬆ Up');
    await harness.transport.press(alice, view.id, '📁 Old');
    expect(harness.transport.labels(alice.id, view.id)).toContain('🎬 Old clip.mp4');
    await harness.transport.press(alice, view.id, '🗑 Delete');
    await harness.transport.press(alice, view.id, '❌ Delete for good');
    expect(harness.transport.messageById(alice.id, view.id).text).toContain('and everything in it for good?');
    await harness.transport.press(alice, view.id, '❌ Yes, delete for good');

    expect(harness.transport.messageById(alice.id, view.id).text).toContain(
      'Deleted the folder <b>Old</b> for good.',
    );
    expect(await listFolders(harness.db, alice.id)).toEqual([]);
    expect(await getFile(harness.db, alice.id, fileId)).toBeNull();
    await vi.waitFor(() => expect(harness.transport.storage.has(stored)).toBe(false));
  });
});

describe('/file and /search', () => {
  it('/file shows a card by id, and explains a bad id', async () => {
    const alice = newUser();
    const fileId = await uploadNamed(alice, 'Notes.mp4');
    await harness.transport.sendText(alice, `/file ${fileId}`);
    expect(lastText(alice.id)).toContain('<b>Notes.mp4</b>');
    await harness.transport.sendText(alice, '/file 42');
    expect(lastText(alice.id)).toContain("doesn't look like a file id");
  });

  it("/file does not show another user's file", async () => {
    const alice = newUser();
    const bob = newUser('Bob');
    const fileId = await uploadNamed(alice, 'Private.mp4');
    await harness.transport.sendText(bob, `/file ${fileId}`);
    expect(lastText(bob.id)).toBe('This file no longer exists.');
  });

  it('/search and plain text find files and folders', async () => {
    const alice = newUser();
    await uploadNamed(alice, 'Holiday in Rome.mp4');
    await harness.transport.sendText(alice, '/newfolder Holiday photos');
    await harness.transport.sendText(alice, '/search holiday');
    const results = harness.transport.lastBotMessage(alice.id);
    expect(results.text).toContain('Results for <b>holiday</b>');
    expect(harness.transport.labels(alice.id, results.id).sort()).toEqual(
      ['📁 Holiday photos', '🎬 Holiday in Rome.mp4'].sort(),
    );

    await harness.transport.sendText(alice, 'rome');
    expect(harness.transport.labels(alice.id, harness.transport.lastBotMessage(alice.id).id)).toEqual([
      '🎬 Holiday in Rome.mp4',
    ]);
    await harness.transport.sendText(alice, 'zzzz');
    expect(lastText(alice.id)).toContain('Nothing matches <b>zzzz</b>');
    await harness.transport.sendText(alice, '/search');
    expect(lastText(alice.id)).toContain('What should I look for?');
  });
});

describe('buttons', () => {
  it('from an older format are answered politely', async () => {
    const alice = newUser();
    await harness.transport.sendText(alice, '/help');
    const help = harness.transport.lastBotMessage(alice.id);
    expect(await harness.transport.pressData(alice, help.id, '0:f:abc')).toEqual({
      text: 'This button is from an older version of me. Please open the menu again.',
    });
    expect(await harness.transport.pressData(alice, help.id, 'garbage')).toEqual({
      text: "I don't understand that button.",
    });
  });

  it('/cancel with nothing going on says so', async () => {
    const alice = newUser();
    await harness.transport.sendText(alice, '/cancel');
    expect(lastText(alice.id)).toBe('There is nothing to cancel.');
    expect(encodeCallbackData({ type: 'cancel' })).toBe('1:x');
  });
});
