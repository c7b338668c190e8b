// The bot's port to Telegram: exactly what the bot uses, with the names and shapes of the Telegram gateway
// (`../telegram/telegram.gateway.ts`), so that the gateway satisfies it as it is (checked by
// `bot.transport.test.ts`). Every field here is a subset of the gateway's: the bot never sees MTProto, file
// references or access hashes. Ids of users, chats and documents are decimal strings.

export { TelegramApiError } from '../telegram/telegram.gateway.ts';

export interface BotUser {
  readonly id: string;
  readonly firstName: string;
  readonly username: string | null;
}

/** What Telegram says about a file a user sent (the gateway's `MediaInfo`). */
export interface BotMedia {
  readonly kind: 'document' | 'photo' | 'video' | 'audio' | 'voice' | 'animation';
  readonly documentId: string;
  readonly dcId: number;
  /** The name the sender's app gave it; photos and voice notes have none. */
  readonly fileName: string | null;
  readonly mimeType: string;
  readonly size: number;
  readonly durationSeconds: number | null;
  readonly width: number | null;
  readonly height: number | null;
  readonly thumbnails: readonly { readonly width: number; readonly height: number; readonly size: number }[];
}

/** A private message to the bot: text (or a file's caption) and maybe a file. */
export interface BotMessage {
  /** The private chat, which is the user's id. */
  readonly chatId: string;
  readonly messageId: number;
  /** Unix seconds. */
  readonly date: number;
  readonly from: BotUser;
  readonly text: string;
  readonly media: BotMedia | null;
}

/** A press on an inline button under one of the bot's messages. */
export interface BotCallbackQuery {
  readonly queryId: string;
  readonly chatId: string;
  readonly messageId: number;
  readonly from: BotUser;
  readonly data: string;
}

export type BotUpdate =
  | { readonly type: 'message'; readonly message: BotMessage }
  | { readonly type: 'callback_query'; readonly query: BotCallbackQuery };

/**
 * Called with each update, one at a time. An update whose handler had not finished when the process
 * stopped is delivered again, so handling must be idempotent.
 */
export type BotUpdateHandler = (update: BotUpdate) => Promise<void>;

export type BotButton =
  /** `callbackData`: at most 64 bytes of UTF-8 (see `bot.keyboards.ts`). */
  { readonly text: string; readonly callbackData: string } | { readonly text: string; readonly url: string };

/** Rows of buttons; an empty keyboard removes the buttons when editing. */
export type BotKeyboard = readonly (readonly BotButton[])[];

/** A message's text and buttons; `html` is Telegram's HTML subset (the bot always uses it). */
export interface BotContent {
  readonly text: string;
  readonly format?: 'plain' | 'html';
  readonly keyboard?: BotKeyboard;
}

export interface BotSendOptions extends BotContent {
  readonly replyToMessageId?: number;
}

export interface BotCallbackAnswer {
  readonly text?: string;
  readonly alert?: boolean;
}

/** A file once it sits in the storage channel: where it lives there, and what Telegram says it is. */
export interface BotStoredMessage {
  readonly channelId: string;
  readonly messageId: number;
  readonly media: BotMedia | null;
}

export interface BotTransport {
  /** Starts delivering updates to `handler` (for the gateway: logs in and catches up first). */
  start(handler: BotUpdateHandler): Promise<void>;
  /** Waits for the update being handled, then stops. */
  stop(): Promise<void>;
  /** Resolves with the new message's id. */
  sendMessage(chatId: string, message: BotSendOptions): Promise<number>;
  /** Editing to identical content succeeds. */
  editMessage(chatId: string, messageId: number, edit: Partial<BotContent>): Promise<void>;
  answerCallbackQuery(queryId: string, answer?: BotCallbackAnswer): Promise<void>;
  /** Forwards a user's message with a file into the storage channel. */
  forwardToStorage(chatId: string, messageId: number): Promise<BotStoredMessage>;
  deleteStorageMessages(messageIds: readonly number[]): Promise<void>;
}
