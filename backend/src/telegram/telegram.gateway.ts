import type { FilePartSource, StoredFileLocation } from '../stream/index.ts';

// The port the bot and the rest of the backend use to talk to Telegram (ARCHITECTURE.md §6). Every type
// here is ours: nothing from teleproto leaks through, so the adapter can change without touching callers.
// Ids of users, chats, channels and documents are decimal strings (they exceed 2^31; some exceed 2^53).

/** A Telegram account as the bot sees it. */
export interface TelegramUser {
  readonly id: string;
  readonly firstName: string;
  readonly lastName: string | null;
  readonly username: string | null;
  readonly isBot: boolean;
}

/** The bot's own account. */
export interface BotProfile {
  readonly id: string;
  readonly username: string;
  readonly firstName: string;
}

export type MediaKind = 'document' | 'photo' | 'video' | 'audio' | 'voice' | 'animation';

/** A preview image Telegram made for a photo, video or document. */
export interface ThumbnailSize {
  /** Telegram's size letter (`s`, `m`, `x`, `i`…). */
  readonly type: string;
  readonly width: number;
  readonly height: number;
  readonly size: number;
}

/** What a message's file is, as far as the library cares. */
export interface MediaInfo {
  readonly kind: MediaKind;
  /** The document id, or the photo id for photos. */
  readonly documentId: string;
  /** The DC that stores the bytes. */
  readonly dcId: number;
  /** The name the sender gave it; photos have none. */
  readonly fileName: string | null;
  readonly mimeType: string;
  readonly size: number;
  readonly durationSeconds: number | null;
  readonly width: number | null;
  readonly height: number | null;
  readonly thumbnails: readonly ThumbnailSize[];
}

/** A private message a user sent to the bot. */
export interface IncomingMessage {
  /** The private chat: the user's id. */
  readonly chatId: string;
  readonly messageId: number;
  /** Unix seconds. */
  readonly date: number;
  readonly from: TelegramUser;
  /** The text, or the caption of a file. */
  readonly text: string;
  readonly media: MediaInfo | null;
  readonly replyToMessageId: number | null;
  /** `live` as it happened; `recovered` by updates.getDifference after the bot was away. */
  readonly delivery: 'live' | 'recovered';
}

/** A user pressed an inline button under one of the bot's messages. */
export interface CallbackQuery {
  /** Pass to {@link TelegramGateway.answerCallbackQuery}; Telegram shows a spinner until then. */
  readonly queryId: string;
  readonly chatId: string;
  readonly messageId: number;
  readonly from: TelegramUser;
  /** The button's callback data. */
  readonly data: string;
}

export type BotUpdate =
  | { readonly type: 'message'; readonly message: IncomingMessage }
  | { readonly type: 'callback_query'; readonly query: CallbackQuery };

/**
 * Receives every update once, in order, one at a time. The update counts as handled when the promise
 * settles (a rejection is logged and the update is not retried), and only then is it recorded as done:
 * after a crash, updates whose handler had not finished are delivered again. Handlers must therefore be
 * idempotent by (chatId, messageId); uploads are (ARCHITECTURE.md §6).
 */
export type BotUpdateHandler = (update: BotUpdate) => Promise<void>;

export type InlineButton =
  /** `callbackData`: at most 64 bytes of UTF-8; comes back as {@link CallbackQuery.data}. */
  { readonly text: string; readonly callbackData: string } | { readonly text: string; readonly url: string };

/** Rows of buttons under a message. An empty keyboard removes the buttons (when editing). */
export type InlineKeyboard = readonly (readonly InlineButton[])[];

export interface MessageContent {
  readonly text: string;
  /** `html`: Telegram's HTML subset (<b>, <i>, <code>, <a href>…). Default `plain`. */
  readonly format?: 'plain' | 'html';
  readonly keyboard?: InlineKeyboard;
}

export interface SendMessageOptions extends MessageContent {
  readonly replyToMessageId?: number;
}

/** What to change in a message: the text, the keyboard, or both. */
export interface MessageEdit {
  readonly text?: string;
  readonly format?: 'plain' | 'html';
  readonly keyboard?: InlineKeyboard;
}

export interface CallbackAnswer {
  /** Shown to the user as a toast, or as an alert with `alert`. */
  readonly text?: string;
  readonly alert?: boolean;
  readonly url?: string;
}

/** A file in the storage channel, with what a download needs (for the bot that read it). */
export interface StoredMedia extends MediaInfo {
  readonly accessHash: string;
  /** Valid for the bot that fetched it, until Telegram expires it. */
  readonly fileReference: Uint8Array;
  /** Where the bytes live, for the stream engine and the `FileUploaded` event. */
  readonly location: StoredFileLocation;
}

/** A message in the storage channel. */
export interface StoredMessage {
  readonly channelId: string;
  readonly messageId: number;
  readonly date: number;
  readonly text: string;
  readonly media: StoredMedia | null;
}

/**
 * Telegram for the rest of the backend: the main bot's updates and messages, the storage channel, and
 * file parts for streaming across the main bot and its helpers.
 */
export interface TelegramGateway {
  /**
   * Logs every bot in (reusing saved auth keys), catches up on what the main bot missed while it was away,
   * then delivers updates to `handler` until {@link stop}. Rejects when the main bot cannot start; a helper
   * bot that cannot start is logged and left out of {@link fileParts}.
   */
  start(handler: BotUpdateHandler): Promise<void>;
  /** Waits for the update being handled, then disconnects every bot. Safe to call more than once. */
  stop(): Promise<void>;
  /** The main bot; available once started. */
  readonly me: BotProfile;
  /** upload.getFile over every started bot, for the stream engine. */
  readonly fileParts: FilePartSource;

  /** Sends a message to a user's private chat; resolves with its id. */
  sendMessage(chatId: string, message: SendMessageOptions): Promise<number>;
  /** Edits a message the bot sent; editing to identical content succeeds. */
  editMessage(chatId: string, messageId: number, edit: MessageEdit): Promise<void>;
  /** Deletes messages in a private chat, for both sides. */
  deleteMessages(chatId: string, messageIds: readonly number[]): Promise<void>;
  answerCallbackQuery(queryId: string, answer?: CallbackAnswer): Promise<void>;

  /** Forwards a user's message (normally one with a file) into the storage channel. */
  forwardToStorage(chatId: string, messageId: number): Promise<StoredMessage>;
  /** Storage channel messages by id, in the same order; null where there is none. */
  getStorageMessages(messageIds: readonly number[]): Promise<(StoredMessage | null)[]>;
  deleteStorageMessages(messageIds: readonly number[]): Promise<void>;
}

/** Telegram refused a call: `errorMessage` is Telegram's (`MESSAGE_TOO_LONG`, `FLOOD_WAIT`, …). */
export class TelegramApiError extends Error {
  override readonly name = 'TelegramApiError';
  readonly code: number;
  readonly errorMessage: string;
  /** For FLOOD_WAIT: seconds before this call may be repeated. */
  readonly waitSeconds: number | undefined;

  constructor(code: number, errorMessage: string, waitSeconds?: number, options?: ErrorOptions) {
    super(`Telegram refused the call: ${code} ${errorMessage}`, options);
    this.code = code;
    this.errorMessage = errorMessage;
    this.waitSeconds = waitSeconds;
  }
}

/** The gateway was used wrongly (not started, invalid input) or cannot work as configured. */
export class TelegramGatewayError extends Error {
  override readonly name = 'TelegramGatewayError';
}
