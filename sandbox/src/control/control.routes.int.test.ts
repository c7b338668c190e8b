import type { FastifyInstance } from 'fastify';
import { Api, type TelegramClient } from 'teleproto';
import { CallbackQuery, type CallbackQueryEvent } from 'teleproto/events/CallbackQuery.js';
import { Button } from 'teleproto/tl/custom/button.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageView, StateView } from '../sandbox-views.ts';
import { nextNewMessage, SandboxFixture } from '../testing/sandbox-fixture.ts';
import { generatedBytes } from '../world/file-blobs.ts';
import { listenControlApi } from './control-server.ts';

describe('control API over HTTP', () => {
  let fixture: SandboxFixture;
  let server: FastifyInstance;
  let base: string;
  let bot: TelegramClient;
  let state: StateView;

  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };

  beforeAll(async () => {
    fixture = await SandboxFixture.start();
    ({ server, url: base } = await listenControlApi(fixture.sandbox, { host: '127.0.0.1', port: 0 }));
    bot = await fixture.bot();
    state = (await call('GET', '/state')).body;
  });
  afterAll(async () => {
    await server.close();
    await fixture.close();
  });

  it('GET state describes the user, the bots, the channel and how to connect', () => {
    expect(state.demoUser).toEqual({ id: 100000001, firstName: 'Demo', username: 'demo' });
    expect(state.bots.map((b) => b.role)).toEqual(['main', 'helper', 'helper']);
    expect(state.mainBot.token).toMatch(/^6000000001:[A-Za-z0-9]{35}$/);
    expect(state.storageChannel.peerId).toBe('-1001000000001');
    expect(state.connection.dcs.map((dc) => dc.id)).toEqual([1, 2, 3]);
    expect(state.connection.rsaPublicKey).toMatchObject({
      e: 65537,
      fingerprint: expect.stringMatching(/^-?\d+$/),
    });
  });

  it('derives tokens and hashes from the seed', async () => {
    const again = await SandboxFixture.start();
    try {
      const other = again.sandbox.state();
      expect(other.mainBot.token).toBe(state.mainBot.token);
      expect(other.connection.apiHash).toBe(state.connection.apiHash);
      expect(other.instanceId).not.toBe(state.instanceId);
    } finally {
      await again.close();
    }
  });

  it('POST users/{id}/messages reaches the bot, and GET shows both directions with buttons', async () => {
    const received = nextNewMessage(bot, (message) => message.message === '/start');
    const sent = await call('POST', `/users/${state.demoUser.id}/messages`, { text: '/start' });
    expect(sent.status).toBe(201);
    const incoming = await received;
    expect(incoming.entities?.[0]).toBeInstanceOf(Api.MessageEntityBotCommand);
    await bot.sendMessage(state.demoUser.id, {
      message: 'Welcome',
      buttons: [[Button.inline('Go', Buffer.from('go'))]],
    });
    const { status, body } = await call('GET', `/users/${state.demoUser.id}/messages`);
    expect(status).toBe(200);
    const messages: MessageView[] = body.messages;
    expect(messages.map((m) => [m.from, m.text])).toEqual([
      ['user', '/start'],
      ['bot', 'Welcome'],
    ]);
    expect(messages[1]?.buttons).toEqual([[{ type: 'callback', text: 'Go', data: 'go' }]]);
  });

  it('POST users/{id}/callbacks returns once the bot answered', async () => {
    const event = new CallbackQuery({});
    const handler = (query: CallbackQueryEvent) => query.answer({ message: `got ${query.data?.toString()}` });
    bot.addEventHandler(handler, event);
    try {
      const welcome = (await call('GET', `/users/${state.demoUser.id}/messages`)).body.messages.at(
        -1,
      ) as MessageView;
      const { status, body } = await call('POST', `/users/${state.demoUser.id}/callbacks`, {
        messageId: welcome.id,
        data: 'go',
      });
      expect(status).toBe(200);
      expect(body.answer).toEqual({ message: 'got go', alert: false, url: null });
      const recorded = (await call('GET', `/users/${state.demoUser.id}/callbacks`)).body.callbacks;
      expect(recorded).toEqual([
        expect.objectContaining({ messageId: welcome.id, data: 'go', answer: body.answer, error: null }),
      ]);
    } finally {
      bot.removeEventHandler(handler, event);
    }
  });

  it('POST users/{id}/files takes multipart with metadata fields and a thumbnail', async () => {
    const content = generatedBytes('upload', 0, 200_000);
    const form = new FormData();
    form.append('file', new Blob([content], { type: 'application/octet-stream' }), 'episode.mkv');
    form.append('caption', 'Episode 1');
    form.append('duration', '1425.5');
    form.append('width', '1920');
    form.append('height', '1080');
    form.append('thumbnail', new Blob([Buffer.from('tiny')], { type: 'image/jpeg' }), 'thumb.jpg');
    const received = nextNewMessage(bot, (message) => message.message === 'Episode 1');
    const response = await fetch(`${base}/users/${state.demoUser.id}/files`, { method: 'POST', body: form });
    expect(response.status).toBe(201);
    const { message } = (await response.json()) as { message: MessageView };
    expect(message.media).toMatchObject({
      type: 'document',
      fileName: 'episode.mkv',
      mimeType: 'video/x-matroska',
      size: 200_000,
      duration: 1425.5,
      width: 1920,
      height: 1080,
      hasThumbnail: true,
    });
    const delivered = await received;
    expect(((await bot.downloadMedia(delivered)) as Buffer).equals(content)).toBe(true);
  });

  it('POST channel/files creates a generated file in the storage channel', async () => {
    const { status, body } = await call('POST', '/channel/files', {
      generate: { size: 5_000_000, seed: 'bench' },
      fileName: 'movie.mp4',
      duration: 60,
      dcId: 3,
    });
    expect(status).toBe(201);
    expect(body.post.media).toMatchObject({
      type: 'document',
      size: 5_000_000,
      mimeType: 'video/mp4',
      dcId: 3,
    });
    const posts = (await call('GET', '/channel/messages')).body.posts;
    expect(posts.at(-1).messageId).toBe(body.post.messageId);
  });

  it('POST faults arms faults, GET lists them, DELETE clears them', async () => {
    const armed = await call('POST', '/faults', {
      kind: 'slow',
      delayMs: 50,
      count: 3,
      botToken: state.mainBot.token,
    });
    expect(armed.status).toBe(201);
    expect(armed.body.fault).toMatchObject({ kind: 'slow', status: 'armed', remaining: 3 });
    expect((await call('GET', '/faults')).body.faults).toEqual([
      expect.objectContaining({
        kind: 'slow',
        delayMs: 50,
        method: 'upload.getFile',
        accountId: state.mainBot.id,
      }),
    ]);
    expect((await call('DELETE', '/faults')).body).toEqual({ cleared: 1 });
  });

  it('GET counters reports per-bot calls and connections; DELETE resets them', async () => {
    const { body } = await call('GET', '/counters');
    const main = body.bots.find((b: { botId: number }) => b.botId === state.mainBot.id);
    expect(main.rpcCalls).toBeGreaterThan(0);
    expect(main.connections.open).toBeGreaterThan(0);
    expect(body.protocol.handshakes).toBeGreaterThan(0);
    expect((await call('DELETE', '/counters')).status).toBe(204);
    const after = (await call('GET', '/counters')).body.bots.find(
      (b: { botId: number }) => b.botId === state.mainBot.id,
    );
    expect(after.rpcCalls).toBe(0);
    expect(after.connections.open).toBe(main.connections.open);
  });

  it('PUT network changes the model; null means unlimited', async () => {
    const { body } = await call('PUT', '/network', { rttMs: 25, connectionBytesPerSecond: 1_000_000 });
    expect(body).toEqual({
      rttMs: 25,
      jitterMs: 0,
      connectionBytesPerSecond: 1_000_000,
      accountBytesPerSecond: null,
    });
    const reset = await call('PUT', '/network', { rttMs: 0, connectionBytesPerSecond: null });
    expect(reset.body.connectionBytesPerSecond).toBeNull();
  });

  it('POST users creates an isolated user', async () => {
    const { status, body } = await call('POST', '/users', { firstName: 'Alice' });
    expect(status).toBe(201);
    expect(body.user).toMatchObject({ firstName: 'Alice' });
    expect((await call('GET', `/users/${body.user.id}/messages`)).body.messages).toEqual([]);
  });

  it.each([
    ['GET', '/users/123/messages', undefined, 404, 'USER_NOT_FOUND'],
    ['GET', `/users/${6000000001}/messages`, undefined, 404, 'USER_NOT_FOUND'],
    ['POST', '/users/100000001/messages', { text: '' }, 400, 'INVALID_REQUEST'],
    ['POST', '/users/100000001/messages', { text: 'hi', botId: 42 }, 404, 'BOT_NOT_FOUND'],
    ['POST', '/users/100000001/callbacks', { messageId: 9999, data: 'x' }, 404, 'MESSAGE_NOT_FOUND'],
    ['POST', '/faults', { kind: 'flood_wait' }, 400, 'INVALID_REQUEST'],
    ['POST', '/faults', { kind: 'file_migrate', dcId: 9 }, 400, 'DC_NOT_FOUND'],
    ['POST', '/users/100000001/files', { file: 'not multipart' }, 400, 'MULTIPART_REQUIRED'],
  ])('%s %s answers %i %s', async (method, path, body, status, code) => {
    const response = await call(method, path, body);
    expect(response.status).toBe(status);
    expect(response.body).toMatchObject({ statusCode: status, code });
  });
});
