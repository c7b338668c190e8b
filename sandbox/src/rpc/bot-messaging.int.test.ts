import { Api, helpers, type TelegramClient } from 'teleproto';
import { CustomFile } from 'teleproto/client/uploads.js';
import { CallbackQuery, type CallbackQueryEvent } from 'teleproto/events/CallbackQuery.js';
import { Button } from 'teleproto/tl/custom/button.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextNewMessage, SandboxFixture } from '../testing/sandbox-fixture.ts';

/** random_id for raw calls; a repeated one makes Telegram return the first message again. */
const randomId = () => helpers.generateRandomLong();

describe('a bot on the sandbox, driven by the real teleproto client', () => {
  let fixture: SandboxFixture;
  let bot: TelegramClient;
  let userId: number;
  let channel: Api.TypeInputPeer;

  beforeAll(async () => {
    fixture = await SandboxFixture.start({ differenceSliceSize: 2 });
    bot = await fixture.bot();
    userId = fixture.sandbox.state().demoUser.id;
    channel = await bot.getInputEntity(Number(fixture.sandbox.state().storageChannel.peerId));
  });
  afterAll(() => fixture.close());

  it('logs in with a bot token and knows itself', async () => {
    const me = await bot.getMe();
    const { mainBot } = fixture.sandbox.state();
    expect(me.bot).toBe(true);
    expect(me.id.toString()).toBe(String(mainBot.id));
    expect(me.username).toBe(mainBot.username);
  });

  it('receives a NewMessage with the document a user sent through the control API', async () => {
    const received = nextNewMessage(bot, (message) => message.media !== null && message.media !== undefined);
    const sent = await fixture.sandbox.sendFile(userId, {
      fileName: 'clip.mp4',
      content: { type: 'generated', size: 300_000, seed: 'clip' },
      duration: 12.5,
      width: 1280,
      height: 720,
      caption: 'my clip',
    });
    const message = await received;
    expect(message.id).toBeGreaterThan(0);
    expect(message.senderId?.toString()).toBe(String(userId));
    expect(message.message).toBe('my clip');
    const document = (message.media as Api.MessageMediaDocument).document as Api.Document;
    expect(document.size.toJSNumber()).toBe(300_000);
    expect(document.mimeType).toBe('video/mp4');
    expect(document.id.toString()).toBe(sent.media?.id);
    const video = document.attributes.find((a) => a instanceof Api.DocumentAttributeVideo);
    expect(video).toMatchObject({ duration: 12.5, w: 1280, h: 720 });
    const name = document.attributes.find((a) => a instanceof Api.DocumentAttributeFilename);
    expect(name?.fileName).toBe('clip.mp4');
  });

  it('sends a message with inline buttons that the user sees with their callback data', async () => {
    await fixture.sandbox.sendText(userId, '/start');
    const sent = await bot.sendMessage(userId, {
      message: 'Pick one',
      buttons: [[Button.inline('Play', Buffer.from('play:1')), Button.url('Site', 'https://example.org')]],
    });
    expect(sent.id).toBeGreaterThan(0);
    const last = fixture.sandbox.conversation(userId).at(-1)!;
    expect(last).toMatchObject({ from: 'bot', text: 'Pick one' });
    expect(last.buttons).toEqual([
      [
        { type: 'callback', text: 'Play', data: 'play:1' },
        { type: 'url', text: 'Site', url: 'https://example.org' },
      ],
    ]);
  });

  it('edits and deletes its own messages in the private chat', async () => {
    const sent = await bot.sendMessage(userId, { message: 'draft' });
    const edited = await bot.editMessage(userId, { message: sent.id, text: 'final' });
    expect(edited.message).toBe('final');
    const view = fixture.sandbox.conversation(userId).find((message) => message.text === 'final');
    expect(view?.editDate).not.toBeNull();
    await expect(bot.editMessage(userId, { message: sent.id, text: 'final' })).rejects.toThrow(
      /MESSAGE_NOT_MODIFIED/,
    );
    const affected = await bot.deleteMessages(userId, [sent.id], { revoke: true });
    expect(affected[0]?.ptsCount).toBe(1);
    expect(fixture.sandbox.conversation(userId).some((message) => message.text === 'final')).toBe(false);
  });

  it('uploads a file with saveFilePart and sends it, then re-sends the same document by reference', async () => {
    const content = Buffer.from('quarterly report, sandbox edition');
    const sent = await bot.sendFile(userId, {
      file: new CustomFile('report.txt', content.length, '', content),
      caption: 'your report',
      forceDocument: true,
    });
    const document = (sent.media as Api.MessageMediaDocument).document as Api.Document;
    expect(document.size.toJSNumber()).toBe(content.length);
    expect(((await bot.downloadMedia(sent)) as Buffer).equals(content)).toBe(true);
    const again = await bot.sendFile(userId, { file: sent.media!, caption: 'once more' });
    expect(((again.media as Api.MessageMediaDocument).document as Api.Document).id.toString()).toBe(
      document.id.toString(),
    );
    const seen = fixture.sandbox
      .conversation(userId)
      .filter((message) => message.media?.fileName === 'report.txt');
    expect(seen.map((message) => message.text)).toEqual(['your report', 'once more']);
  });

  it('cannot start a chat with a user who never wrote to it', async () => {
    const stranger = fixture.sandbox.createUser({ firstName: 'Stranger' });
    await expect(
      bot.invoke(
        new Api.messages.SendMessage({
          peer: new Api.InputPeerUser({
            userId: helpers.returnBigInt(stranger.id),
            accessHash: helpers.returnBigInt(0),
          }),
          message: 'hello',
          randomId: randomId(),
        }),
      ),
    ).rejects.toThrow(/PEER_ID_INVALID/);
  });

  it('forwards a user file to the storage channel and reads it back with channels.getMessages', async () => {
    const received = nextNewMessage(bot, (message) => message.message === 'to store');
    await fixture.sandbox.sendFile(userId, {
      fileName: 'notes.pdf',
      content: { type: 'bytes', data: Buffer.from('%PDF-1.4 sandbox') },
      caption: 'to store',
    });
    const original = await received;
    const ids = [randomId()];
    const result = await bot.invoke(
      new Api.messages.ForwardMessages({
        fromPeer: userId,
        id: [original.id],
        randomId: ids,
        toPeer: channel,
      }),
    );
    expect(result).toBeInstanceOf(Api.Updates);
    const updates = (result as Api.Updates).updates;
    const mapping = updates.find((u) => u instanceof Api.UpdateMessageID);
    expect(mapping?.randomId?.toString()).toBe(ids[0]!.toString());
    const post = updates.find((u) => u instanceof Api.UpdateNewChannelMessage)?.message as Api.Message;
    expect(post.id).toBe(mapping?.id);
    expect(post.fwdFrom?.fromId).toBeInstanceOf(Api.PeerUser);

    const [fetched] = await bot.getMessages(channel, { ids: [post.id] });
    expect(fetched?.message).toBe('to store');
    const media = fetched?.media;
    expect(media).toBeInstanceOf(Api.MessageMediaDocument);
    expect((media as Api.MessageMediaDocument).document).toMatchObject({ mimeType: 'application/pdf' });
    expect(fixture.sandbox.channelPosts().at(-1)?.messageId).toBe(post.id);
  });

  it('answers an identical forward (same random_id) with the first message, as Telegram does', async () => {
    const received = nextNewMessage(bot, (message) => message.message === 'once');
    fixture.sandbox.sendText(userId, 'once');
    const original = await received;
    const ids = [randomId()];
    const forward = () =>
      bot.invoke(
        new Api.messages.ForwardMessages({
          fromPeer: userId,
          id: [original.id],
          randomId: ids,
          toPeer: channel,
        }),
      );
    const first = (await forward()) as Api.Updates;
    const second = (await forward()) as Api.Updates;
    const idOf = (updates: Api.Updates) => updates.updates.find((u) => u instanceof Api.UpdateMessageID)?.id;
    expect(idOf(second)).toBe(idOf(first));
    expect(second.updates.find((u) => u instanceof Api.UpdateNewChannelMessage)?.ptsCount).toBe(0);
  });

  it('posts, edits and deletes in the channel', async () => {
    const posted = (await bot.invoke(
      new Api.messages.SendMessage({ peer: channel, message: 'channel note', randomId: randomId() }),
    )) as Api.Updates;
    const post = posted.updates.find((u) => u instanceof Api.UpdateNewChannelMessage)?.message as Api.Message;
    const edited = await bot.editMessage(channel, { message: post.id, text: 'channel note v2' });
    expect(edited.message).toBe('channel note v2');
    await bot.deleteMessages(channel, [post.id], { revoke: true });
    const [gone] = await bot.getMessages(channel, { ids: [post.id] });
    expect(gone).toBeUndefined();
  });

  it('gets a callback query when the user presses a button, and the user gets its answer', async () => {
    fixture.sandbox.sendText(userId, '/menu');
    const menu = await bot.sendMessage(userId, {
      message: 'Menu',
      buttons: [[Button.inline('Stats', Buffer.from('stats'))]],
    });
    const event = new CallbackQuery({});
    const seen: string[] = [];
    const handler = async (query: CallbackQueryEvent) => {
      seen.push(query.data?.toString() ?? '');
      await query.answer({ message: 'Here are your stats', alert: true });
    };
    bot.addEventHandler(handler, event);
    try {
      const userMessageId = fixture.sandbox
        .conversation(userId)
        .find((message) => message.text === 'Menu')!.id;
      const answer = await fixture.sandbox.pressButton(userId, { messageId: userMessageId, data: 'stats' });
      expect(answer).toEqual({ message: 'Here are your stats', alert: true, url: null });
      expect(seen).toEqual(['stats']);
    } finally {
      bot.removeEventHandler(handler, event);
    }
    expect(menu.id).toBeGreaterThan(0);
  });

  it('refuses a button press with data no button carries', async () => {
    const menuId = fixture.sandbox.conversation(userId).find((message) => message.text === 'Menu')!.id;
    await expect(fixture.sandbox.pressButton(userId, { messageId: menuId, data: 'nope' })).rejects.toThrow(
      /DATA_INVALID/,
    );
  });

  it('pushes a private message only to the bot it was sent to', async () => {
    const helper = await fixture.bot(fixture.sandbox.state().bots.find((b) => b.role === 'helper')!.token);
    const helperGot: Api.Message[] = [];
    void nextNewMessage(helper, (message) => message.message === 'for the main bot').then((m) =>
      helperGot.push(m),
    );
    const mainGot = nextNewMessage(bot, (message) => message.message === 'for the main bot');
    fixture.sandbox.sendText(userId, 'for the main bot');
    expect((await mainGot).message).toBe('for the main bot');
    // The helper's next update proves ordering: it sees a later channel post, not the private message.
    const helperPost = nextNewMessage(helper, (message) => message.message === 'after');
    await fixture.sandbox.postChannelFile({
      fileName: 'a.bin',
      content: { type: 'bytes', data: Buffer.from('x') },
      caption: 'after',
    });
    await helperPost;
    expect(helperGot).toEqual([]);
    await fixture.stopClient(helper);
  });

  it('catches up with updates.getDifference after being stopped, across difference slices', async () => {
    const state = await bot.invoke(new Api.updates.GetState());
    const saved = bot.session.save() as unknown as string;
    await fixture.stopClient(bot);

    for (const text of ['missed 1', 'missed 2', 'missed 3']) fixture.sandbox.sendText(userId, text);

    bot = await fixture.bot(undefined, { session: saved });
    const texts: string[] = [];
    let pts = state.pts;
    for (;;) {
      const difference = await bot.invoke(
        new Api.updates.GetDifference({ pts, date: state.date, qts: state.qts }),
      );
      if (difference instanceof Api.updates.DifferenceEmpty) break;
      if (
        !(difference instanceof Api.updates.Difference || difference instanceof Api.updates.DifferenceSlice)
      ) {
        throw new Error(`unexpected ${difference.className}`);
      }
      texts.push(...difference.newMessages.map((message) => (message as Api.Message).message));
      const reached =
        difference instanceof Api.updates.Difference ? difference.state : difference.intermediateState;
      pts = reached.pts;
      if (difference instanceof Api.updates.Difference) break;
    }
    expect(texts).toEqual(['missed 1', 'missed 2', 'missed 3']);
    const empty = await bot.invoke(new Api.updates.GetDifference({ pts, date: state.date, qts: 0 }));
    expect(empty).toBeInstanceOf(Api.updates.DifferenceEmpty);
  });

  it('tells a client whose state is ahead of the server to start over', async () => {
    const current = await bot.invoke(new Api.updates.GetState());
    const difference = await bot.invoke(
      new Api.updates.GetDifference({ pts: current.pts + 50, date: current.date, qts: 0 }),
    );
    expect(difference).toEqual(
      expect.objectContaining({ className: 'updates.DifferenceTooLong', pts: current.pts }),
    );
  });

  it('receives messages again after the server drops its connections', async () => {
    const mainBotId = fixture.sandbox.state().mainBot.id;
    const opened = () =>
      fixture.sandbox.counters().bots.find((b) => b.botId === mainBotId)!.connections.opened;
    const openedBefore = opened();
    const dropped = fixture.sandbox.injectFault({ kind: 'drop_connections', botId: mainBotId });
    expect(dropped).toMatchObject({ status: 'applied' });
    expect(dropped.status === 'applied' && dropped.affected).toBeGreaterThan(0);
    // teleproto reconnects after ~1 s; the queued call is resent on the new connection.
    await bot.invoke(new Api.updates.GetState());
    expect(opened()).toBeGreaterThan(openedBefore);
    const received = nextNewMessage(bot, (message) => message.message === 'after the drop');
    fixture.sandbox.sendText(userId, 'after the drop');
    expect((await received).message).toBe('after the drop');
  }, 20_000);
});
