import type { UserView } from '@teleplay/sandbox';
import { pngHeader } from '@teleplay/sandbox/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CallbackQuery } from './telegram.gateway.ts';
import { startTelegramTestBed, type TelegramTestBed, UpdateRecorder } from './testing/telegram-test-bed.ts';

let bed: TelegramTestBed;

beforeAll(async () => {
  bed = await startTelegramTestBed();
});

afterAll(async () => {
  await bed?.close();
});

/** A new user who has started a chat with the bot (bots cannot write first). */
async function userInChat(recorder: UpdateRecorder): Promise<UserView & { chatId: string }> {
  const user = bed.sandbox.createUser({ firstName: 'Ann' });
  const chatId = String(user.id);
  bed.sandbox.sendText(user.id, '/start');
  await recorder.message(chatId, '/start');
  return { ...user, chatId };
}

describe('the Telegram gateway on the sandbox DC', () => {
  it('logs every bot in once: after a restart it reuses the saved auth keys', async () => {
    const state = bed.sandbox.state();
    const before = bed.sandbox.counters().protocol.handshakes;
    const first = await bed.startGateway();
    expect(first.gateway.me).toEqual({
      id: String(state.mainBot.id),
      username: state.mainBot.username,
      firstName: state.mainBot.firstName,
    });
    expect([...first.gateway.fileParts.bots].sort()).toEqual(state.bots.map((bot) => String(bot.id)).sort());
    expect(bed.sandbox.counters().protocol.handshakes - before).toBe(state.bots.length);
    await first.gateway.stop();

    const second = await bed.startGateway();
    expect(second.gateway.me.id).toBe(String(state.mainBot.id));
    expect(bed.sandbox.counters().protocol.handshakes - before).toBe(state.bots.length);
    await second.gateway.stop();
  });

  it('delivers a file a user sends as a message with its media, and files it in the storage channel', async () => {
    const { gateway, recorder } = await bed.startGateway();
    const user = await userInChat(recorder);
    const sent = await bed.sandbox.sendFile(user.id, {
      fileName: 'holiday.mp4',
      content: { type: 'generated', size: 3_000_000, seed: 'holiday' },
      caption: 'our trip',
      duration: 95,
      width: 1280,
      height: 720,
      thumbnail: pngHeader(320, 180),
    });

    const message = await recorder.message(user.chatId, 'our trip');
    expect(message).toEqual({
      chatId: user.chatId,
      messageId: sent.id,
      date: sent.date,
      from: { id: user.chatId, firstName: 'Ann', lastName: null, username: user.username, isBot: false },
      text: 'our trip',
      media: {
        kind: 'video',
        documentId: sent.media!.id,
        dcId: sent.media!.dcId,
        fileName: 'holiday.mp4',
        mimeType: 'video/mp4',
        size: 3_000_000,
        durationSeconds: 95,
        width: 1280,
        height: 720,
        thumbnails: [{ type: 'm', width: 320, height: 180, size: 33 }],
      },
      replyToMessageId: null,
      delivery: 'live',
    });

    const stored = await gateway.forwardToStorage(user.chatId, message.messageId);
    const channelId = String(bed.sandbox.state().storageChannel.id);
    expect(stored).toMatchObject({ channelId, text: 'our trip', media: { ...message.media } });
    expect(stored.media!.location).toEqual({
      channelId,
      messageId: stored.messageId,
      documentId: sent.media!.id,
      dcId: sent.media!.dcId,
      size: 3_000_000,
    });
    expect(stored.media!.accessHash).toBe(sent.media!.accessHash);
    expect(stored.media!.fileReference.length).toBeGreaterThan(0);
    expect(bed.sandbox.channelPosts().find((post) => post.messageId === stored.messageId)?.media?.id).toBe(
      sent.media!.id,
    );

    const [found, missing] = await gateway.getStorageMessages([stored.messageId, stored.messageId + 1000]);
    expect(found).toMatchObject({ messageId: stored.messageId, media: { documentId: sent.media!.id } });
    expect(missing).toBeNull();

    await gateway.deleteStorageMessages([stored.messageId]);
    expect(bed.sandbox.channelPosts().map((post) => post.messageId)).not.toContain(stored.messageId);
    await gateway.stop();
  });

  it('sends, edits and deletes a message with buttons', async () => {
    const { gateway, recorder } = await bed.startGateway();
    const user = await userInChat(recorder);
    // Private chats number messages per participant: the user sees the bot's messages under its own ids.
    const botMessages = () => bed.sandbox.conversation(user.id).filter((message) => message.from === 'bot');

    const messageId = await gateway.sendMessage(user.chatId, {
      text: '<b>Saved</b> holiday.mp4',
      format: 'html',
      keyboard: [
        [{ text: 'Rename', callbackData: 'rename:1' }],
        [{ text: 'Open', url: 'https://example.org/f/1' }],
      ],
    });
    const [sent] = botMessages();
    expect(sent).toMatchObject({
      text: 'Saved holiday.mp4',
      buttons: [
        [{ type: 'callback', text: 'Rename', data: 'rename:1' }],
        [{ type: 'url', text: 'Open', url: 'https://example.org/f/1' }],
      ],
      editDate: null,
    });

    await gateway.editMessage(user.chatId, messageId, { text: 'Renamed to trip.mp4', keyboard: [] });
    const [edited] = botMessages();
    expect(edited).toMatchObject({ id: sent!.id, text: 'Renamed to trip.mp4', buttons: [] });
    expect(edited?.editDate).not.toBeNull();
    await gateway.editMessage(user.chatId, messageId, { text: 'Renamed to trip.mp4' });

    const replyId = await gateway.sendMessage(user.chatId, {
      text: 'and a reply',
      replyToMessageId: messageId,
    });
    expect(botMessages().map((message) => [message.text, message.replyToMessageId])).toEqual([
      ['Renamed to trip.mp4', null],
      ['and a reply', sent!.id],
    ]);

    await gateway.deleteMessages(user.chatId, [messageId, replyId]);
    expect(botMessages()).toEqual([]);

    await expect(
      gateway.sendMessage(user.chatId, {
        text: 'x',
        keyboard: [[{ text: 'big', callbackData: 'x'.repeat(65) }]],
      }),
    ).rejects.toThrow(/callback data must be 1 to 64 bytes/);
    await expect(gateway.sendMessage(user.chatId, { text: 'x'.repeat(5000) })).rejects.toMatchObject({
      name: 'TelegramApiError',
      errorMessage: 'MESSAGE_TOO_LONG',
    });
    await gateway.stop();
  });

  it('delivers a button press and answers it', async () => {
    const recorder = new UpdateRecorder();
    const { gateway } = await bed.startGateway(recorder);
    recorder.react = async (update) => {
      if (update.type === 'callback_query') {
        await gateway.answerCallbackQuery(update.query.queryId, { text: `got ${update.query.data}` });
      }
    };
    const user = await userInChat(recorder);
    const messageId = await gateway.sendMessage(user.chatId, {
      text: 'Pick one',
      keyboard: [[{ text: 'Delete', callbackData: 'delete:7' }]],
    });
    const shown = bed.sandbox.conversation(user.id).find((message) => message.text === 'Pick one')!;

    const answer = await bed.sandbox.pressButton(user.id, { messageId: shown.id, data: 'delete:7' });
    expect(answer).toEqual({ message: 'got delete:7', alert: false, url: null });
    const query = await recorder.next((update) =>
      update.type === 'callback_query' ? update.query : undefined,
    );
    expect(query).toEqual<CallbackQuery>({
      queryId: query.queryId,
      chatId: user.chatId,
      messageId,
      from: { id: user.chatId, firstName: 'Ann', lastName: null, username: user.username, isBot: false },
      data: 'delete:7',
    });
    await gateway.stop();
  });

  it('catches up on a message sent while it was stopped, delivering it once', async () => {
    const first = await bed.startGateway();
    const user = await userInChat(first.recorder);
    await first.gateway.stop();

    bed.sandbox.sendText(user.id, 'sent while the bot was down');
    const second = await bed.startGateway();
    // start() resolves after catching up, so the message is already there.
    expect(second.recorder.messages(user.chatId).map((message) => [message.text, message.delivery])).toEqual([
      ['sent while the bot was down', 'recovered'],
    ]);

    bed.sandbox.sendText(user.id, 'sent live');
    await second.recorder.message(user.chatId, 'sent live');
    expect(second.recorder.messages(user.chatId).map((message) => message.text)).toEqual([
      'sent while the bot was down',
      'sent live',
    ]);
    await second.gateway.stop();
  });

  it('catches up on a message sent while its connection was down, delivering it once', async () => {
    const { gateway, recorder } = await bed.startGateway();
    const user = await userInChat(recorder);
    const mainBotId = bed.sandbox.state().mainBot.id;

    const dropped = bed.sandbox.injectFault({ kind: 'drop_connections', botId: mainBotId });
    expect(dropped).toMatchObject({ status: 'applied' });
    bed.sandbox.sendText(user.id, 'sent during the outage');
    const recovered = await recorder.message(user.chatId, 'sent during the outage');
    expect(recovered.delivery).toBe('recovered');

    bed.sandbox.sendText(user.id, 'sent after the outage');
    await recorder.message(user.chatId, 'sent after the outage');
    expect(recorder.messages(user.chatId).map((message) => message.text)).toEqual([
      '/start',
      'sent during the outage',
      'sent after the outage',
    ]);
    await gateway.stop();
  });

  it('stops while a handler waits on Telegram, failing that call after a grace period', async () => {
    const recorder = new UpdateRecorder();
    const { gateway } = await bed.startGateway(recorder, { stopGraceMs: 100 });
    const outcome = Promise.withResolvers<unknown>();
    recorder.react = async (update) => {
      if (update.type === 'message' && update.message.text === 'reply slowly') {
        await gateway
          .sendMessage(update.message.chatId, { text: 'too late' })
          .then(outcome.resolve, outcome.resolve);
      }
    };
    const user = await userInChat(recorder);
    const mainBotId = bed.sandbox.state().mainBot.id;
    bed.sandbox.injectFault({
      kind: 'slow',
      method: 'messages.sendMessage',
      delayMs: 1_500,
      botId: mainBotId,
    });
    bed.sandbox.sendText(user.id, 'reply slowly');
    // The fault is taken once the reply reaches the DC, which then holds it.
    await vi.waitFor(() => expect(bed.sandbox.faults()).toEqual([]));

    await gateway.stop();
    expect(await outcome.promise).toMatchObject({
      name: 'TelegramGatewayError',
      message: 'the Telegram gateway stopped',
    });
  });

  it('fails to start when the main bot is refused, and leaves out a helper that is', async () => {
    const unknownToken = '999:AAbbCCddEEffGGhhIIjjKKllMMnnOOppQQr';
    await expect(bed.startGateway(undefined, { botToken: unknownToken })).rejects.toThrow(
      'the main bot 999 could not log in: ACCESS_TOKEN_INVALID',
    );
    const helper = bed.sandbox.state().bots.find((bot) => bot.role === 'helper')!;
    const { gateway } = await bed.startGateway(undefined, { helperBotTokens: [helper.token, unknownToken] });
    expect([...gateway.fileParts.bots].sort()).toEqual(
      [String(bed.sandbox.state().mainBot.id), String(helper.id)].sort(),
    );
    await gateway.stop();
  });

  it('refuses to start twice and to work before it starts', async () => {
    const { gateway } = await bed.startGateway();
    await expect(gateway.start(async () => {})).rejects.toThrow(/cannot start: it is started/);
    await gateway.stop();
    await gateway.stop();
    await expect(gateway.sendMessage('1', { text: 'hi' })).rejects.toThrow(/not started \(it is stopped\)/);
  });
});
