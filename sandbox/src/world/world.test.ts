import { Api } from 'teleproto';
import { describe, expect, it } from 'vitest';
import { MemoryBlob } from './file-blobs.ts';
import type { AccountUpdate, StoredDocument } from './model.ts';
import { userMessageContent, World } from './world.ts';

function world(now = () => 1_000_000) {
  const pushed: { accountId: number; update: AccountUpdate; origin: unknown }[] = [];
  const instance = new World({
    seed: 'test',
    homeDcId: 2,
    helperBotCount: 2,
    fileReferenceTtlMs: 60_000,
    callbackTimeoutMs: 50,
    now,
  });
  instance.setUpdateSink({ push: (accountId, update, origin) => pushed.push({ accountId, update, origin }) });
  return { world: instance, pushed };
}

function document(target: World): StoredDocument {
  return target.addDocument({
    fileName: 'a.bin',
    mimeType: 'application/octet-stream',
    blob: new MemoryBlob(Buffer.from('abc')),
    video: undefined,
    audio: undefined,
    image: undefined,
    thumb: undefined,
  });
}

describe('the sandbox world', () => {
  it('seeds a demo user, a main bot, helper bots and a storage channel they all administer', () => {
    const { world: w } = world();
    expect(w.demoUser).toMatchObject({ id: 100000001, firstName: 'Demo', bot: false });
    expect(w.mainBot).toMatchObject({ bot: true, role: 'main' });
    expect(w.helperBots.map((bot) => bot.role)).toEqual(['helper', 'helper']);
    for (const bot of w.bots()) expect(w.isMember(w.storageChannel, bot.id)).toBe(true);
    expect(w.isMember(w.storageChannel, w.demoUser.id)).toBe(false);
  });

  it('gives a private message an id and a pts in each participant box, and pushes it to both', () => {
    const { world: w, pushed } = world();
    w.sendPrivate(w.demoUser.id, w.mainBot.id, userMessageContent('one'));
    const { message, pts } = w.sendPrivate(w.mainBot.id, w.demoUser.id, userMessageContent('two'));
    expect(message.ids.get(w.demoUser.id)).toBe(2);
    expect(message.ids.get(w.mainBot.id)).toBe(2);
    expect(pts).toBe(2);
    expect(w.pts(w.mainBot.id)).toBe(2);
    expect(pushed.map((p) => p.accountId)).toEqual([
      w.demoUser.id,
      w.mainBot.id,
      w.mainBot.id,
      w.demoUser.id,
    ]);
    expect(w.conversation(w.demoUser.id, w.mainBot.id).map((m) => m.text)).toEqual(['one', 'two']);
  });

  it('keeps ids per box: a bot numbers messages across all its chats', () => {
    const { world: w } = world();
    const other = w.createUser({ firstName: 'Other' });
    w.sendPrivate(w.demoUser.id, w.mainBot.id, userMessageContent('a'));
    const { message } = w.sendPrivate(other.id, w.mainBot.id, userMessageContent('b'));
    expect(message.ids.get(other.id)).toBe(1);
    expect(message.ids.get(w.mainBot.id)).toBe(2);
  });

  it('records edits and deletions in the pts sequence, deletions counting one pts per message', () => {
    const { world: w } = world();
    const first = w.sendPrivate(w.demoUser.id, w.mainBot.id, userMessageContent('x')).message;
    const second = w.sendPrivate(w.demoUser.id, w.mainBot.id, userMessageContent('y')).message;
    w.edit(first, { text: 'x2' });
    expect(w.delete(w.mainBot.id, [first, second])).toEqual({ pts: 5, ptsCount: 2 });
    expect(w.eventsAfter(w.mainBot.id, 2).map((event) => [event.kind, event.pts])).toEqual([
      ['edit_message', 3],
      ['delete_messages', 5],
    ]);
    expect(w.messageIn(w.mainBot.id, 1)).toBeUndefined();
  });

  it('returns the first message for a repeated random_id instead of sending again', () => {
    const { world: w } = world();
    w.sendPrivate(w.demoUser.id, w.mainBot.id, userMessageContent('hi'));
    const first = w.sendPrivate(w.mainBot.id, w.demoUser.id, userMessageContent('reply'), { randomId: 5n });
    const again = w.sendPrivate(w.mainBot.id, w.demoUser.id, userMessageContent('reply'), { randomId: 5n });
    expect(again).toMatchObject({ duplicate: true, ptsCount: 0, pts: first.pts });
    expect(again.message).toBe(first.message);
  });

  it('lets an account download a file only while a message it can see carries it', () => {
    const { world: w } = world();
    const file = document(w);
    expect(w.canAccessFile(w.mainBot.id, file)).toBe(false);
    const { message } = w.post(w.storageChannel.id, undefined, userMessageContent('', file));
    expect(w.canAccessFile(w.helperBots[0]!.id, file)).toBe(true);
    expect(w.canAccessFile(w.demoUser.id, file)).toBe(false);
    w.delete(w.storageChannel.id, [message]);
    expect(w.canAccessFile(w.mainBot.id, file)).toBe(false);
  });

  it('resolves a button press with the bot answer, and refuses data no button has', async () => {
    const { world: w, pushed } = world();
    w.sendPrivate(w.demoUser.id, w.mainBot.id, userMessageContent('/menu'));
    const markup = new Api.ReplyInlineMarkup({
      rows: [
        new Api.KeyboardButtonRow({
          buttons: [new Api.KeyboardButtonCallback({ text: 'A', data: Buffer.from('a') })],
        }),
      ],
    });
    const { message } = w.sendPrivate(w.mainBot.id, w.demoUser.id, {
      ...userMessageContent('menu'),
      replyMarkup: markup,
    });
    expect(() => w.pressButton(w.demoUser.id, message, Buffer.from('b'))).toThrow('DATA_INVALID');
    const answer = w.pressButton(w.demoUser.id, message, Buffer.from('a'));
    const query = pushed.at(-1)!.update;
    if (query.scope !== 'callback') throw new Error('expected a callback query');
    expect(w.answerCallback(query.query.id, { message: 'ok', alert: false, url: undefined })).toBe(true);
    await expect(answer).resolves.toEqual({ message: 'ok', alert: false, url: undefined });
    expect(w.answerCallback(query.query.id, { message: 'late', alert: false, url: undefined })).toBe(false);
  });

  it('fails a button press the bot never answers with BOT_RESPONSE_TIMEOUT', async () => {
    const { world: w } = world();
    w.sendPrivate(w.demoUser.id, w.mainBot.id, userMessageContent('/menu'));
    const markup = new Api.ReplyInlineMarkup({
      rows: [
        new Api.KeyboardButtonRow({
          buttons: [new Api.KeyboardButtonCallback({ text: 'A', data: Buffer.from('a') })],
        }),
      ],
    });
    const { message } = w.sendPrivate(w.mainBot.id, w.demoUser.id, {
      ...userMessageContent('menu'),
      replyMarkup: markup,
    });
    await expect(w.pressButton(w.demoUser.id, message, Buffer.from('a'))).rejects.toThrow(
      'BOT_RESPONSE_TIMEOUT',
    );
  });

  it('tags a leading /command with a bot_command entity', () => {
    expect(userMessageContent('/start@teleplay_bot now').entities).toEqual([
      expect.objectContaining({ className: 'MessageEntityBotCommand', offset: 0, length: 19 }),
    ]);
    expect(userMessageContent('plain').entities).toEqual([]);
  });
});
