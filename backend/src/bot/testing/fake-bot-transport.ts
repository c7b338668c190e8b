import type {
  BotCallbackAnswer,
  BotContent,
  BotKeyboard,
  BotMedia,
  BotSendOptions,
  BotStoredMessage,
  BotTransport,
  BotUpdate,
  BotUpdateHandler,
  BotUser,
} from '../bot.transport.ts';
import { TelegramApiError } from '../bot.transport.ts';

/** A message in a private chat, as the fake Telegram keeps it. */
export interface ChatMessage {
  id: number;
  from: 'user' | 'bot';
  text: string;
  format: 'plain' | 'html';
  keyboard: BotKeyboard;
  replyToMessageId: number | null;
  media: BotMedia | null;
}

let nextDocumentId = 5_000_000_000n;

/** A file as Telegram describes it; a fresh document id each time unless given. */
export function mediaOf(kind: BotMedia['kind'], overrides: Partial<BotMedia> = {}): BotMedia {
  nextDocumentId += 1n;
  return {
    kind,
    documentId: nextDocumentId.toString(),
    dcId: 2,
    fileName: null,
    mimeType: 'application/octet-stream',
    size: 1000,
    durationSeconds: null,
    width: null,
    height: null,
    thumbnails: [],
    ...overrides,
  };
}

/**
 * Telegram for the bot's tests: private chats that record what the bot sends and edits, a storage channel,
 * and a user's side that sends messages and presses buttons, one update at a time as the gateway delivers
 * them. Calls Telegram would refuse (editing an unknown message) throw as Telegram's errors do.
 */
export class FakeBotTransport implements BotTransport {
  readonly storageChannelId: string;
  /** The storage channel: message id → the file it holds and where it was forwarded from. */
  readonly storage = new Map<number, { media: BotMedia; chatId: string; messageId: number }>();
  /** Message ids of every deleteStorageMessages call, in order. */
  readonly storageDeletions: number[][] = [];
  /** Thrown, one per call, by the next deleteStorageMessages calls. */
  readonly deleteStorageFailures: Error[] = [];
  /** Calls of forwardToStorage, as `chatId:messageId`. */
  readonly forwards: string[] = [];
  private handler: BotUpdateHandler | null = null;
  private readonly chats = new Map<string, Map<number, ChatMessage>>();
  private readonly answers = new Map<string, BotCallbackAnswer | undefined>();
  private nextStorageMessageId = 1;
  private nextQueryId = 1;

  constructor(storageChannelId: string) {
    this.storageChannelId = storageChannelId;
  }

  // ---- BotTransport ----

  async start(handler: BotUpdateHandler): Promise<void> {
    this.handler = handler;
  }

  async stop(): Promise<void> {
    this.handler = null;
  }

  async sendMessage(chatId: string, message: BotSendOptions): Promise<number> {
    return this.add(chatId, {
      from: 'bot',
      text: message.text,
      format: message.format ?? 'plain',
      keyboard: message.keyboard ?? [],
      replyToMessageId: message.replyToMessageId ?? null,
      media: null,
    });
  }

  async editMessage(chatId: string, messageId: number, edit: Partial<BotContent>): Promise<void> {
    const message = this.chat(chatId).get(messageId);
    if (message?.from !== 'bot') throw new TelegramApiError(400, 'MESSAGE_ID_INVALID');
    if (edit.text !== undefined) message.text = edit.text;
    if (edit.format !== undefined) message.format = edit.format;
    if (edit.keyboard !== undefined) message.keyboard = edit.keyboard;
  }

  async answerCallbackQuery(queryId: string, answer?: BotCallbackAnswer): Promise<void> {
    if (this.answers.has(queryId)) throw new TelegramApiError(400, 'QUERY_ID_INVALID');
    this.answers.set(queryId, answer);
  }

  async forwardToStorage(chatId: string, messageId: number): Promise<BotStoredMessage> {
    this.forwards.push(`${chatId}:${messageId}`);
    const message = this.chat(chatId).get(messageId);
    if (!message?.media) throw new TelegramApiError(400, 'MESSAGE_ID_INVALID');
    const storageMessageId = this.nextStorageMessageId++;
    this.storage.set(storageMessageId, { media: message.media, chatId, messageId });
    return { channelId: this.storageChannelId, messageId: storageMessageId, media: message.media };
  }

  async deleteStorageMessages(messageIds: readonly number[]): Promise<void> {
    const failure = this.deleteStorageFailures.shift();
    if (failure) throw failure;
    this.storageDeletions.push([...messageIds]);
    for (const id of messageIds) this.storage.delete(id);
  }

  // ---- the user's side ----

  /** A message from `user`, added to the chat; deliver it with `deliver` (once or more). */
  message(user: BotUser, content: { text?: string; media?: BotMedia }): BotUpdate {
    const id = this.add(user.id, {
      from: 'user',
      text: content.text ?? '',
      format: 'plain',
      keyboard: [],
      replyToMessageId: null,
      media: content.media ?? null,
    });
    return {
      type: 'message',
      message: {
        chatId: user.id,
        messageId: id,
        date: Date.parse('2026-11-25T09:30:00Z') / 1000,
        from: user,
        text: content.text ?? '',
        media: content.media ?? null,
      },
    };
  }

  /** Hands an update to the bot and waits until it is handled, as the gateway does. */
  async deliver(update: BotUpdate): Promise<void> {
    if (!this.handler) throw new Error('the bot has not started the transport');
    await this.handler(update);
  }

  async sendText(user: BotUser, text: string): Promise<number> {
    const update = this.message(user, { text });
    await this.deliver(update);
    return update.type === 'message' ? update.message.messageId : 0;
  }

  async sendFile(user: BotUser, media: BotMedia, caption = ''): Promise<number> {
    const update = this.message(user, { text: caption, media });
    await this.deliver(update);
    return update.type === 'message' ? update.message.messageId : 0;
  }

  /** Presses the button of message `messageId` whose label starts with `label`; returns the bot's answer. */
  async press(user: BotUser, messageId: number, label: string): Promise<BotCallbackAnswer | undefined> {
    const button = this.buttonsOf(user.id, messageId).find((candidate) => candidate.text.startsWith(label));
    if (!button) {
      const labels = this.buttonsOf(user.id, messageId).map((candidate) => candidate.text);
      throw new Error(`no button "${label}" under message ${messageId}; there are: ${labels.join(' | ')}`);
    }
    if (!('callbackData' in button)) throw new Error(`button "${button.text}" opens a URL`);
    return this.pressData(user, messageId, button.callbackData);
  }

  /** Sends raw callback data, as a button of message `messageId` would. */
  async pressData(user: BotUser, messageId: number, data: string): Promise<BotCallbackAnswer | undefined> {
    const queryId = String(this.nextQueryId++);
    await this.deliver({
      type: 'callback_query',
      query: { queryId, chatId: user.id, messageId, from: user, data },
    });
    if (!this.answers.has(queryId)) throw new Error(`the bot did not answer callback query ${queryId}`);
    return this.answers.get(queryId);
  }

  // ---- inspection ----

  messages(chatId: string): ChatMessage[] {
    return [...this.chat(chatId).values()];
  }

  botMessages(chatId: string): ChatMessage[] {
    return this.messages(chatId).filter((message) => message.from === 'bot');
  }

  lastBotMessage(chatId: string): ChatMessage {
    const message = this.botMessages(chatId).at(-1);
    if (!message) throw new Error(`the bot sent nothing to ${chatId}`);
    return message;
  }

  messageById(chatId: string, messageId: number): ChatMessage {
    const message = this.chat(chatId).get(messageId);
    if (!message) throw new Error(`no message ${messageId} in chat ${chatId}`);
    return message;
  }

  /** Button labels of a message, row by row, flattened. */
  labels(chatId: string, messageId: number): string[] {
    return this.buttonsOf(chatId, messageId).map((button) => button.text);
  }

  buttonsOf(chatId: string, messageId: number) {
    return this.messageById(chatId, messageId).keyboard.flat();
  }

  private chat(chatId: string): Map<number, ChatMessage> {
    let chat = this.chats.get(chatId);
    if (!chat) {
      chat = new Map();
      this.chats.set(chatId, chat);
    }
    return chat;
  }

  /** Private chats number the messages of both sides in one sequence. */
  private add(chatId: string, message: Omit<ChatMessage, 'id'>): number {
    const chat = this.chat(chatId);
    const id = chat.size + 1;
    chat.set(id, { id, ...message });
    return id;
  }
}
