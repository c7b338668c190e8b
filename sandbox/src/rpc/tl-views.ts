import { Api } from 'teleproto';
import { long } from '../mtproto/tl.ts';
import type {
  Account,
  AccountUpdate,
  Channel,
  ChatMessage,
  PtsEvent,
  StoredDocument,
  StoredMedia,
  StoredPhoto,
  StoredPhotoSize,
} from '../world/model.ts';
import type { World } from '../world/world.ts';

/** How the world looks to one account, rendered as teleproto TL objects. */
export class TlViews {
  readonly #world: World;
  readonly viewerId: number;

  constructor(world: World, viewerId: number) {
    this.#world = world;
    this.viewerId = viewerId;
  }

  user(account: Account): Api.User {
    return new Api.User({
      id: long(account.id),
      accessHash: long(account.accessHash),
      self: account.id === this.viewerId,
      bot: account.bot,
      firstName: account.firstName,
      username: account.username,
      botInfoVersion: account.bot ? 1 : undefined,
      botNochats: account.bot,
    });
  }

  channel(channel: Channel): Api.TypeChat {
    if (!this.#world.isMember(channel, this.viewerId)) {
      return new Api.ChannelForbidden({
        id: long(channel.id),
        accessHash: long(channel.accessHash),
        title: channel.title,
        broadcast: true,
      });
    }
    return new Api.Channel({
      id: long(channel.id),
      accessHash: long(channel.accessHash),
      title: channel.title,
      broadcast: true,
      photo: new Api.ChatPhotoEmpty(),
      date: channel.date,
      adminRights: new Api.ChatAdminRights({
        changeInfo: true,
        postMessages: true,
        editMessages: true,
        deleteMessages: true,
        inviteUsers: true,
      }),
    });
  }

  /** Id of a message in the box this viewer sees it in. */
  messageId(message: ChatMessage): number | undefined {
    return message.ids.get(message.chat.type === 'channel' ? message.chat.channelId : this.viewerId);
  }

  message(message: ChatMessage): Api.Message {
    const chat = message.chat;
    const id = this.messageId(message);
    if (id === undefined) throw new Error('message is not in the viewer box');
    const replyToId = message.replyTo ? this.messageId(message.replyTo) : undefined;
    return new Api.Message({
      id,
      out: message.senderId === this.viewerId,
      post: chat.type === 'channel',
      peerId:
        chat.type === 'channel'
          ? new Api.PeerChannel({ channelId: long(chat.channelId) })
          : new Api.PeerUser({ userId: long(this.viewerId === chat.userId ? chat.botId : chat.userId) }),
      fromId:
        chat.type === 'private' && message.senderId !== undefined
          ? new Api.PeerUser({ userId: long(message.senderId) })
          : undefined,
      fwdFrom: message.forward
        ? new Api.MessageFwdHeader({
            fromId:
              message.forward.from.type === 'user'
                ? new Api.PeerUser({ userId: long(message.forward.from.id) })
                : new Api.PeerChannel({ channelId: long(message.forward.from.id) }),
            channelPost: message.forward.from.type === 'channel' ? message.forward.from.postId : undefined,
            date: message.forward.date,
          })
        : undefined,
      replyTo: replyToId === undefined ? undefined : new Api.MessageReplyHeader({ replyToMsgId: replyToId }),
      date: message.date,
      message: message.text,
      media: message.media ? this.media(message.media) : undefined,
      replyMarkup: message.replyMarkup,
      entities: message.entities.length > 0 ? message.entities : undefined,
      editDate: message.editDate,
    });
  }

  media(media: StoredMedia): Api.TypeMessageMedia {
    if (media.kind === 'photo') return new Api.MessageMediaPhoto({ photo: this.photo(media) });
    return new Api.MessageMediaDocument({ document: this.document(media), video: media.video !== undefined });
  }

  document(document: StoredDocument): Api.Document {
    const attributes: Api.TypeDocumentAttribute[] = [];
    if (document.video) {
      attributes.push(
        new Api.DocumentAttributeVideo({
          duration: document.video.duration,
          w: document.video.width,
          h: document.video.height,
          supportsStreaming: true,
        }),
      );
    }
    if (document.audio)
      attributes.push(new Api.DocumentAttributeAudio({ duration: document.audio.duration }));
    if (document.image) {
      attributes.push(
        new Api.DocumentAttributeImageSize({ w: document.image.width, h: document.image.height }),
      );
    }
    attributes.push(new Api.DocumentAttributeFilename({ fileName: document.fileName }));
    return new Api.Document({
      id: long(document.id),
      accessHash: long(document.accessHash),
      fileReference: this.#world.fileReferences.issue(this.viewerId, document.id),
      date: document.date,
      mimeType: document.mimeType,
      size: long(document.blob.size),
      thumbs: document.thumb ? [photoSize(document.thumb)] : undefined,
      dcId: document.dcId,
      attributes,
    });
  }

  photo(photo: StoredPhoto): Api.Photo {
    return new Api.Photo({
      id: long(photo.id),
      accessHash: long(photo.accessHash),
      fileReference: this.#world.fileReferences.issue(this.viewerId, photo.id),
      date: photo.date,
      sizes: photo.sizes.map(photoSize),
      dcId: photo.dcId,
    });
  }

  /** The users and chats a client needs to resolve these messages' peers. */
  entities(messages: readonly ChatMessage[]): { users: Api.User[]; chats: Api.TypeChat[] } {
    const userIds = new Set<number>([this.viewerId]);
    const channelIds = new Set<number>();
    for (const message of messages) {
      if (message.chat.type === 'private') {
        userIds.add(message.chat.userId).add(message.chat.botId);
      } else {
        channelIds.add(message.chat.channelId);
      }
      if (message.forward?.from.type === 'user') userIds.add(message.forward.from.id);
      if (message.forward?.from.type === 'channel') channelIds.add(message.forward.from.id);
    }
    const users = [...userIds].flatMap((id) => {
      const account = this.#world.account(id);
      return account ? [this.user(account)] : [];
    });
    const chats = [...channelIds].flatMap((id) => {
      const channel = this.#world.channel(id);
      return channel ? [this.channel(channel)] : [];
    });
    return { users, chats };
  }

  update(update: AccountUpdate): Api.TypeUpdate {
    if (update.scope === 'callback') {
      const { query } = update;
      return new Api.UpdateBotCallbackQuery({
        queryId: long(query.id),
        userId: long(query.userId),
        peer: new Api.PeerUser({ userId: long(query.userId) }),
        msgId: query.message.ids.get(query.botId) ?? 0,
        chatInstance: long(query.chatInstance),
        data: query.data,
      });
    }
    return update.scope === 'account'
      ? this.accountEvent(update.event)
      : this.channelEvent(update.channelId, update.event);
  }

  accountEvent(event: PtsEvent): Api.TypeUpdate {
    const { pts, ptsCount } = event;
    if (event.kind === 'new_message')
      return new Api.UpdateNewMessage({ message: this.message(event.message), pts, ptsCount });
    if (event.kind === 'edit_message')
      return new Api.UpdateEditMessage({ message: this.message(event.message), pts, ptsCount });
    return new Api.UpdateDeleteMessages({ messages: event.ids, pts, ptsCount });
  }

  channelEvent(channelId: number, event: PtsEvent): Api.TypeUpdate {
    const { pts, ptsCount } = event;
    if (event.kind === 'new_message') {
      return new Api.UpdateNewChannelMessage({ message: this.message(event.message), pts, ptsCount });
    }
    if (event.kind === 'edit_message') {
      return new Api.UpdateEditChannelMessage({ message: this.message(event.message), pts, ptsCount });
    }
    return new Api.UpdateDeleteChannelMessages({
      channelId: long(channelId),
      messages: event.ids,
      pts,
      ptsCount,
    });
  }

  /** An `updates` container with the entities its messages refer to. */
  updates(updates: Api.TypeUpdate[], messages: readonly ChatMessage[]): Api.Updates {
    const { users, chats } = this.entities(messages);
    return new Api.Updates({ updates, users, chats, date: this.#world.unixTime(), seq: 0 });
  }
}

function photoSize(size: StoredPhotoSize): Api.PhotoSize {
  return new Api.PhotoSize({ type: size.type, w: size.width, h: size.height, size: size.blob.size });
}

/** Messages an update refers to, for its entity lists. */
export function messagesOf(update: AccountUpdate): ChatMessage[] {
  if (update.scope === 'callback') return [update.query.message];
  return update.event.kind === 'delete_messages' ? [] : [update.event.message];
}
