import { largestThumbnail } from '@teleplay/contracts';
import { Api } from 'teleproto';
import type {
  CallbackQuery,
  IncomingMessage,
  MediaInfo,
  MediaKind,
  StoredMedia,
  StoredMessage,
  TelegramUser,
  ThumbnailSize,
} from './telegram.gateway.ts';

// teleproto's TL objects → the gateway's own types. Pure functions: everything they need comes in.

/** Users an update or a result brought along, by id. */
export type UserDirectory = ReadonlyMap<string, Api.User>;

export function userDirectory(entities: Iterable<unknown>): Map<string, Api.User> {
  const users = new Map<string, Api.User>();
  for (const entity of entities) if (entity instanceof Api.User) users.set(entity.id.toString(), entity);
  return users;
}

export function telegramUserOf(id: string, users: UserDirectory): TelegramUser {
  const user = users.get(id);
  return {
    id,
    firstName: user?.firstName ?? '',
    lastName: user?.lastName ?? null,
    username: user?.username ?? null,
    isBot: user?.bot === true,
  };
}

/** A step of the account's common update sequence (updates with pts, outside channels). */
export interface PtsStep {
  readonly pts: number;
  readonly ptsCount: number;
}

/** The updates that move the account's pts (core.telegram.org/api/updates, "common sequence"). */
const COMMON_SEQUENCE_UPDATES = [
  Api.UpdateNewMessage,
  Api.UpdateDeleteMessages,
  Api.UpdateReadHistoryInbox,
  Api.UpdateReadHistoryOutbox,
  Api.UpdateWebPage,
  Api.UpdateReadMessagesContents,
  Api.UpdateEditMessage,
  Api.UpdateFolderPeers,
  Api.UpdatePinnedMessages,
];

export function ptsStepOf(update: unknown): PtsStep | undefined {
  if (update instanceof Api.UpdateShortMessage || update instanceof Api.UpdateShortSentMessage) {
    return { pts: update.pts, ptsCount: update.ptsCount };
  }
  if (!COMMON_SEQUENCE_UPDATES.some((type) => update instanceof type)) return undefined;
  const { pts, ptsCount } = update as { pts: number; ptsCount: number };
  return { pts, ptsCount };
}

/** A message a user sent to the bot in private; undefined for anything else (own, service, groups). */
export function incomingMessageOf(
  message: Api.TypeMessage,
  users: UserDirectory,
  delivery: IncomingMessage['delivery'],
): IncomingMessage | undefined {
  if (!(message instanceof Api.Message) || message.out || !(message.peerId instanceof Api.PeerUser)) {
    return undefined;
  }
  const chatId = message.peerId.userId.toString();
  const senderId = message.fromId instanceof Api.PeerUser ? message.fromId.userId.toString() : chatId;
  return {
    chatId,
    messageId: message.id,
    date: message.date,
    from: telegramUserOf(senderId, users),
    text: message.message ?? '',
    media: mediaInfoOf(message.media),
    replyToMessageId: replyToOf(message.replyTo),
    delivery,
  };
}

/** updateShortMessage: how Telegram pushes a plain private text. */
export function incomingShortMessageOf(
  update: Api.UpdateShortMessage,
  users: UserDirectory,
  delivery: IncomingMessage['delivery'],
): IncomingMessage | undefined {
  if (update.out) return undefined;
  const chatId = update.userId.toString();
  return {
    chatId,
    messageId: update.id,
    date: update.date,
    from: telegramUserOf(chatId, users),
    text: update.message,
    media: null,
    replyToMessageId: replyToOf(update.replyTo),
    delivery,
  };
}

/** A button press in a private chat; undefined for game buttons and other chats. */
export function callbackQueryOf(
  update: Api.UpdateBotCallbackQuery,
  users: UserDirectory,
): CallbackQuery | undefined {
  if (!(update.peer instanceof Api.PeerUser) || update.data === undefined) return undefined;
  return {
    queryId: update.queryId.toString(),
    chatId: update.peer.userId.toString(),
    messageId: update.msgId,
    from: telegramUserOf(update.userId.toString(), users),
    data: Buffer.from(update.data).toString('utf8'),
  };
}

function replyToOf(replyTo: Api.TypeMessageReplyHeader | undefined): number | null {
  return replyTo instanceof Api.MessageReplyHeader ? (replyTo.replyToMsgId ?? null) : null;
}

/** The file a message carries, or null for text and for media that is not a file (polls, locations…). */
export function mediaInfoOf(media: Api.TypeMessageMedia | undefined): MediaInfo | null {
  const file = fileOf(media);
  return file ? file.info : null;
}

interface MessageFile {
  info: MediaInfo;
  accessHash: string;
  fileReference: Buffer;
  /** Where upload.getFile reads the whole file. */
  inputLocation: InputFileLocation;
  /** Where it reads the file's largest preview (the one the library records), if there is one. */
  thumbnailLocation: InputFileLocation | undefined;
}

type InputFileLocation = Api.InputDocumentFileLocation | Api.InputPhotoFileLocation;

function fileOf(media: Api.TypeMessageMedia | undefined): MessageFile | undefined {
  if (media instanceof Api.MessageMediaDocument && media.document instanceof Api.Document) {
    return documentFileOf(media.document);
  }
  if (media instanceof Api.MessageMediaPhoto && media.photo instanceof Api.Photo)
    return photoFileOf(media.photo);
  return undefined;
}

function documentFileOf(document: Api.Document): MessageFile {
  const locationOf = (thumbSize: string) =>
    new Api.InputDocumentFileLocation({
      id: document.id,
      accessHash: document.accessHash,
      fileReference: document.fileReference,
      thumbSize,
    });
  const thumbnails = sizesOf(document.thumbs ?? []);
  const thumbnail = largestThumbnail(thumbnails);
  let fileName: string | null = null;
  let video: Api.DocumentAttributeVideo | undefined;
  let audio: Api.DocumentAttributeAudio | undefined;
  let image: Api.DocumentAttributeImageSize | undefined;
  let animated = false;
  for (const attribute of document.attributes) {
    if (attribute instanceof Api.DocumentAttributeFilename) fileName = attribute.fileName;
    else if (attribute instanceof Api.DocumentAttributeVideo) video = attribute;
    else if (attribute instanceof Api.DocumentAttributeAudio) audio = attribute;
    else if (attribute instanceof Api.DocumentAttributeImageSize) image = attribute;
    else if (attribute instanceof Api.DocumentAttributeAnimated) animated = true;
  }
  const kind: MediaKind = animated
    ? 'animation'
    : audio?.voice
      ? 'voice'
      : audio
        ? 'audio'
        : video
          ? 'video'
          : 'document';
  return {
    info: {
      kind,
      documentId: document.id.toString(),
      dcId: document.dcId,
      fileName,
      mimeType: document.mimeType,
      size: document.size.toJSNumber(),
      durationSeconds: video?.duration ?? audio?.duration ?? null,
      width: video?.w ?? image?.w ?? null,
      height: video?.h ?? image?.h ?? null,
      thumbnails,
    },
    accessHash: document.accessHash.toString(),
    fileReference: document.fileReference,
    inputLocation: locationOf(''),
    thumbnailLocation: thumbnail && locationOf(thumbnail.type),
  };
}

function photoFileOf(photo: Api.Photo): MessageFile | undefined {
  const locationOf = (thumbSize: string) =>
    new Api.InputPhotoFileLocation({
      id: photo.id,
      accessHash: photo.accessHash,
      fileReference: photo.fileReference,
      thumbSize,
    });
  const sizes = sizesOf(photo.sizes);
  // The photo is its largest size; the smaller ones are its previews.
  const largest = largestThumbnail(sizes);
  if (!largest) return undefined;
  const thumbnails = sizes.filter((size) => size !== largest);
  const thumbnail = largestThumbnail(thumbnails);
  return {
    info: {
      kind: 'photo',
      documentId: photo.id.toString(),
      dcId: photo.dcId,
      fileName: null,
      mimeType: 'image/jpeg',
      size: largest.size,
      durationSeconds: null,
      width: largest.width,
      height: largest.height,
      thumbnails,
    },
    accessHash: photo.accessHash.toString(),
    fileReference: photo.fileReference,
    inputLocation: locationOf(largest.type),
    thumbnailLocation: thumbnail && locationOf(thumbnail.type),
  };
}

function sizesOf(sizes: readonly Api.TypePhotoSize[]): ThumbnailSize[] {
  return sizes.flatMap((size) => {
    const thumbnail = thumbnailOf(size);
    return thumbnail ? [thumbnail] : [];
  });
}

/** Sizes with dimensions; stripped and vector previews are inline data, not files. */
function thumbnailOf(size: Api.TypePhotoSize): ThumbnailSize | undefined {
  if (size instanceof Api.PhotoSize)
    return { type: size.type, width: size.w, height: size.h, size: size.size };
  if (size instanceof Api.PhotoSizeProgressive) {
    return { type: size.type, width: size.w, height: size.h, size: Math.max(0, ...size.sizes) };
  }
  if (size instanceof Api.PhotoCachedSize) {
    return { type: size.type, width: size.w, height: size.h, size: size.bytes.length };
  }
  return undefined;
}

/** A storage channel message; null for an empty (deleted) one. */
export function storedMessageOf(message: Api.TypeMessage, channelId: string): StoredMessage | null {
  if (!(message instanceof Api.Message)) return null;
  const file = fileOf(message.media);
  const media: StoredMedia | null = file
    ? {
        ...file.info,
        accessHash: file.accessHash,
        fileReference: new Uint8Array(file.fileReference),
        location: {
          channelId,
          messageId: message.id,
          documentId: file.info.documentId,
          dcId: file.info.dcId,
          size: file.info.size,
        },
      }
    : null;
  return { channelId, messageId: message.id, date: message.date, text: message.message ?? '', media };
}

/** What getFile needs to read a storage message's file, as seen by the bot that fetched it. */
export interface FileSource {
  readonly documentId: string;
  readonly dcId: number;
  readonly inputLocation: InputFileLocation;
  readonly thumbnailLocation: InputFileLocation | undefined;
}

export function fileSourceOf(message: Api.TypeMessage): FileSource | undefined {
  if (!(message instanceof Api.Message)) return undefined;
  const file = fileOf(message.media);
  return (
    file && {
      documentId: file.info.documentId,
      dcId: file.info.dcId,
      inputLocation: file.inputLocation,
      thumbnailLocation: file.thumbnailLocation,
    }
  );
}
