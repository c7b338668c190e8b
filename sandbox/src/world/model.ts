import type { Api } from 'teleproto';
import type { FileBlob } from './file-blobs.ts';

/** A Telegram-style refusal (`rpc_error`): HTTP-like code and an UPPER_SNAKE message. */
export class TelegramError extends Error {
  readonly code: number;

  constructor(code: number, message: string) {
    super(message);
    this.code = code;
  }
}

export interface Account {
  readonly id: number;
  readonly accessHash: bigint;
  readonly firstName: string;
  readonly username: string;
  readonly bot: boolean;
  readonly homeDcId: number;
  /** Bot API token (`id:secret`); bots only. */
  readonly token: string | undefined;
  /** The bot users talk to, or a helper bot that only downloads. */
  readonly role: 'user' | 'main' | 'helper';
  /** Last commands set with bots.setBotCommands. */
  commands: Api.TypeBotCommand[];
}

export interface Channel {
  readonly id: number;
  readonly accessHash: bigint;
  readonly title: string;
  readonly date: number;
  /** Bots that are admins (all of them, for the storage channel). */
  readonly admins: Set<number>;
}

export type ChatRef =
  | { type: 'private'; userId: number; botId: number }
  | { type: 'channel'; channelId: number };

export interface StoredPhotoSize {
  readonly type: string;
  readonly width: number;
  readonly height: number;
  readonly blob: FileBlob;
}

interface StoredFileBase {
  readonly id: bigint;
  readonly accessHash: bigint;
  readonly date: number;
  /** The DC that stores the bytes; getFile elsewhere answers FILE_MIGRATE_X. */
  readonly dcId: number;
  /** Other DCs that serve it, after a file_migrate fault sent a client there. */
  readonly alsoServedBy: Set<number>;
}

export interface StoredDocument extends StoredFileBase {
  readonly kind: 'document';
  readonly fileName: string;
  readonly mimeType: string;
  readonly blob: FileBlob;
  readonly video: { duration: number; width: number; height: number } | undefined;
  readonly audio: { duration: number } | undefined;
  readonly image: { width: number; height: number } | undefined;
  readonly thumb: StoredPhotoSize | undefined;
}

export interface StoredPhoto extends StoredFileBase {
  readonly kind: 'photo';
  /** Smallest first; the last one is the original. */
  readonly sizes: StoredPhotoSize[];
}

export type StoredMedia = StoredDocument | StoredPhoto;

export interface ForwardOrigin {
  /** Original sender: a user or bot id, or the channel of a channel post. */
  readonly from: { type: 'user'; id: number } | { type: 'channel'; id: number; postId: number };
  readonly date: number;
}

export interface MessageContent {
  text: string;
  entities: Api.TypeMessageEntity[];
  media: StoredMedia | undefined;
  replyMarkup: Api.TypeReplyMarkup | undefined;
  forward: ForwardOrigin | undefined;
  replyTo: ChatMessage | undefined;
}

/** One message, shared by every box it appears in (private chats have one id per participant). */
export interface ChatMessage extends MessageContent {
  readonly chat: ChatRef;
  /** Message id per box: the two participants of a private chat, or the channel. */
  readonly ids: Map<number, number>;
  /** Sender account; undefined for channel posts made by the channel itself. */
  readonly senderId: number | undefined;
  readonly date: number;
  editDate: number | undefined;
  deleted: boolean;
}

export interface CallbackQuery {
  readonly id: bigint;
  readonly userId: number;
  readonly botId: number;
  readonly message: ChatMessage;
  readonly data: Buffer;
  readonly chatInstance: bigint;
}

export interface CallbackAnswer {
  readonly message: string | undefined;
  readonly alert: boolean;
  readonly url: string | undefined;
}

/** What happened in an account's (or a channel's) update sequence, with the pts after it. */
export type PtsEvent =
  | { kind: 'new_message'; message: ChatMessage; pts: number; ptsCount: number }
  | { kind: 'edit_message'; message: ChatMessage; pts: number; ptsCount: number }
  | { kind: 'delete_messages'; ids: number[]; pts: number; ptsCount: number };

/** An update for one account: its own pts events, a channel's, or a callback query. */
export type AccountUpdate =
  | { scope: 'account'; event: PtsEvent }
  | { scope: 'channel'; channelId: number; event: PtsEvent }
  | { scope: 'callback'; query: CallbackQuery };

/** The parts of a message an edit may change. */
export type MessageChanges = Partial<Pick<MessageContent, 'text' | 'entities' | 'replyMarkup' | 'media'>>;

/** A durable change to the world, in the order it happened: what a journal must keep to rebuild it. */
export type WorldChange =
  | { type: 'user_created'; account: Account }
  | { type: 'bot_commands_set'; account: Account }
  | { type: 'file_stored'; file: StoredMedia }
  | { type: 'file_served_from'; file: StoredMedia; dcId: number }
  | { type: 'private_sent'; message: ChatMessage; randomId: bigint | undefined }
  | { type: 'posted'; message: ChatMessage; randomId: bigint | undefined }
  | { type: 'edited'; message: ChatMessage; changes: MessageChanges }
  /** Live messages deleted, all in the box of `ownerId`. */
  | { type: 'deleted'; ownerId: number; messages: readonly ChatMessage[] }
  | FileReferenceChange;

export type FileReferenceChange =
  | { type: 'file_reference_issued'; accountId: number; fileId: bigint; bytes: Buffer; issuedAt: number }
  | { type: 'file_references_expired'; accountId: number | undefined };

/** Receives every {@link WorldChange} as it happens (the sandbox's data directory journals them). */
export interface WorldJournal {
  record(change: WorldChange): void;
}

/** Where updates go; `origin` is the session that caused them, which gets them in its RPC result instead. */
export interface UpdateSink {
  push(accountId: number, update: AccountUpdate, origin: unknown): void;
}
