import { Api } from 'teleproto';
import { fromLong, type Long, long } from '../mtproto/tl.ts';
import { type Account, type ChatMessage, type MessageContent, TelegramError } from '../world/model.ts';
import type { SendResult } from '../world/world.ts';
import { resolveInputMedia } from './input-media.ts';
import { boxOf, type ResolvedPeer, resolvePeer } from './peers.ts';
import type { RpcContext, RpcRoutes } from './rpc-context.ts';

const MAX_TEXT_LENGTH = 4096;
const MAX_CAPTION_LENGTH = 1024;

interface Sent extends SendResult {
  randomId: bigint;
}

/**
 * messages.*: sending, forwarding, editing, deleting and reading messages in private chats and the
 * channel, callback answers and typing. Results have Telegram's shapes: updateShortSentMessage for
 * a plain text sent to a user, `updates` with updateMessageID otherwise.
 */
export function registerMessagesRpc(routes: RpcRoutes): void {
  routes.on(Api.messages.SendMessage, (request, context) => {
    const me = context.account();
    if (request.message.length === 0) throw new TelegramError(400, 'MESSAGE_EMPTY');
    if (request.message.length > MAX_TEXT_LENGTH) throw new TelegramError(400, 'MESSAGE_TOO_LONG');
    const peer = resolvePeer(context.world, me, request.peer);
    const randomId = requiredRandomId(request.randomId);
    const sent = send(
      context,
      peer,
      {
        text: request.message,
        entities: request.entities ?? [],
        media: undefined,
        replyMarkup: request.replyMarkup ?? undefined,
        forward: undefined,
        replyTo: replyTarget(context, me, peer, request.replyTo),
      },
      randomId,
    );
    if (peer.type === 'user' && !sent.duplicate) {
      return new Api.UpdateShortSentMessage({
        out: true,
        id: sent.message.ids.get(me.id)!,
        pts: sent.pts,
        ptsCount: sent.ptsCount,
        date: sent.message.date,
        entities: sent.message.entities.length > 0 ? sent.message.entities : undefined,
      });
    }
    return sentUpdates(context, peer, [{ ...sent, randomId }]);
  });

  routes.on(Api.messages.SendMedia, (request, context) => {
    const me = context.account();
    if (request.message.length > MAX_CAPTION_LENGTH) throw new TelegramError(400, 'MEDIA_CAPTION_TOO_LONG');
    const peer = resolvePeer(context.world, me, request.peer);
    const randomId = requiredRandomId(request.randomId);
    const sent = send(
      context,
      peer,
      {
        text: request.message,
        entities: request.entities ?? [],
        media: resolveInputMedia(context, request.media),
        replyMarkup: request.replyMarkup ?? undefined,
        forward: undefined,
        replyTo: replyTarget(context, me, peer, request.replyTo),
      },
      randomId,
    );
    return sentUpdates(context, peer, [{ ...sent, randomId }]);
  });

  routes.on(Api.messages.ForwardMessages, (request, context) => {
    const me = context.account();
    const { world } = context;
    if (request.id.length === 0 || request.id.length !== request.randomId.length) {
      throw new TelegramError(400, 'RANDOM_ID_INVALID');
    }
    const from = resolvePeer(world, me, request.fromPeer);
    const to = resolvePeer(world, me, request.toPeer);
    const sourceBox = boxOf(me, from);
    const originals = request.id.map((id) => {
      const message = world.messageIn(sourceBox, id);
      if (!message) throw new TelegramError(400, 'MESSAGE_ID_INVALID');
      return message;
    });
    const sent = originals.map((original, index) => {
      const randomId = requiredRandomId(request.randomId[index]);
      const content: MessageContent = {
        text: original.media && request.dropMediaCaptions ? '' : original.text,
        entities: original.media && request.dropMediaCaptions ? [] : original.entities,
        media: original.media,
        replyMarkup: undefined,
        forward: request.dropAuthor ? undefined : (original.forward ?? forwardOrigin(original, sourceBox)),
        replyTo: undefined,
      };
      return { ...send(context, to, content, randomId), randomId };
    });
    return sentUpdates(context, to, sent);
  });

  routes.on(Api.messages.EditMessage, (request, context) => {
    const me = context.account();
    const peer = resolvePeer(context.world, me, request.peer);
    const message = context.world.messageIn(boxOf(me, peer), request.id);
    if (!message) throw new TelegramError(400, 'MESSAGE_ID_INVALID');
    if (message.chat.type === 'private' && message.senderId !== me.id) {
      throw new TelegramError(403, 'MESSAGE_AUTHOR_REQUIRED');
    }
    const changes: Partial<MessageContent> = {};
    if (typeof request.message === 'string' && request.message !== message.text)
      changes.text = request.message;
    if (request.entities) changes.entities = request.entities;
    if (request.replyMarkup && !sameMarkup(request.replyMarkup, message.replyMarkup))
      changes.replyMarkup = request.replyMarkup;
    if (request.media) changes.media = resolveInputMedia(context, request.media);
    if (changes.text === undefined && changes.replyMarkup === undefined && changes.media === undefined) {
      throw new TelegramError(400, 'MESSAGE_NOT_MODIFIED');
    }
    context.world.edit(message, changes, context.origin);
    const views = context.views();
    const box = boxOf(me, peer);
    const pts = context.world.pts(box);
    const update =
      peer.type === 'channel'
        ? new Api.UpdateEditChannelMessage({ message: views.message(message), pts, ptsCount: 1 })
        : new Api.UpdateEditMessage({ message: views.message(message), pts, ptsCount: 1 });
    return views.updates([update], [message]);
  });

  routes.on(Api.messages.DeleteMessages, (request, context) => {
    const me = context.account();
    const messages = request.id.flatMap((id) => context.world.messageIn(me.id, id) ?? []);
    const { pts, ptsCount } = context.world.delete(me.id, messages, context.origin);
    return new Api.messages.AffectedMessages({ pts, ptsCount });
  });

  routes.on(Api.messages.GetMessages, (request, context) => {
    const me = context.account();
    const views = context.views();
    const found: ChatMessage[] = [];
    const messages = request.id.map((input) => {
      const id = input instanceof Api.InputMessageID ? input.id : 0;
      const message = context.world.messageIn(me.id, id);
      if (!message) return new Api.MessageEmpty({ id });
      found.push(message);
      return views.message(message);
    });
    return new Api.messages.Messages({ messages, ...views.entities(found) });
  });

  routes.on(Api.messages.SetBotCallbackAnswer, (request, context) => {
    context.account();
    const answered = context.world.answerCallback(fromLong(request.queryId), {
      message: request.message ?? undefined,
      alert: request.alert === true,
      url: request.url ?? undefined,
    });
    if (!answered) throw new TelegramError(400, 'QUERY_ID_INVALID');
    return true;
  });

  routes.on(Api.messages.SetTyping, (request, context) => {
    resolvePeer(context.world, context.account(), request.peer);
    return true;
  });
}

function requiredRandomId(randomId: Long | undefined): bigint {
  if (randomId === undefined || randomId === null) throw new TelegramError(400, 'RANDOM_ID_EMPTY');
  return fromLong(randomId);
}

/** Sends into a private chat (which the user must have started) or posts in a channel. */
function send(
  context: RpcContext,
  peer: ResolvedPeer,
  content: MessageContent,
  randomId: bigint,
): SendResult {
  const me = context.account();
  const options = { randomId, origin: context.origin };
  if (peer.type === 'channel') return context.world.post(peer.channel.id, me.id, content, options);
  const other = peer.account;
  if (other.id === me.id) throw new TelegramError(400, 'PEER_ID_INVALID');
  if (me.bot && other.bot) throw new TelegramError(400, 'USER_IS_BOT');
  if (me.bot && !context.world.hasPrivateChat(other.id, me.id))
    throw new TelegramError(400, 'PEER_ID_INVALID');
  return context.world.sendPrivate(me.id, other.id, content, options);
}

function replyTarget(
  context: RpcContext,
  me: Account,
  peer: ResolvedPeer,
  replyTo: Api.TypeInputReplyTo | undefined | null,
): ChatMessage | undefined {
  if (!(replyTo instanceof Api.InputReplyToMessage)) return undefined;
  const target = context.world.messageIn(boxOf(me, peer), replyTo.replyToMsgId);
  const sameChat =
    target?.chat.type === 'channel' ||
    (target?.chat.type === 'private' &&
      peer.type === 'user' &&
      [target.chat.userId, target.chat.botId].includes(peer.account.id));
  if (!target || !sameChat) throw new TelegramError(400, 'REPLY_TO_INVALID');
  return target;
}

function forwardOrigin(original: ChatMessage, sourceBox: number): MessageContent['forward'] {
  if (original.chat.type === 'channel') {
    return {
      from: { type: 'channel', id: original.chat.channelId, postId: original.ids.get(sourceBox)! },
      date: original.date,
    };
  }
  return { from: { type: 'user', id: original.senderId! }, date: original.date };
}

function sameMarkup(a: Api.TypeReplyMarkup, b: Api.TypeReplyMarkup | undefined): boolean {
  return b !== undefined && a.getBytes().equals(b.getBytes());
}

/** `updates` for sent messages: updateMessageID per random_id, then the new messages. */
function sentUpdates(context: RpcContext, peer: ResolvedPeer, sent: readonly Sent[]): Api.Updates {
  const views = context.views();
  const ids = sent.map(
    (item) => new Api.UpdateMessageID({ id: views.messageId(item.message)!, randomId: long(item.randomId) }),
  );
  const news = sent.map((item) => {
    const message = views.message(item.message);
    return peer.type === 'channel'
      ? new Api.UpdateNewChannelMessage({ message, pts: item.pts, ptsCount: item.ptsCount })
      : new Api.UpdateNewMessage({ message, pts: item.pts, ptsCount: item.ptsCount });
  });
  return views.updates(
    [...ids, ...news],
    sent.map((item) => item.message),
  );
}
