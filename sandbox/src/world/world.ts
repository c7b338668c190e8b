import { randomBytes } from 'node:crypto';
import { Api } from 'teleproto';
import { FileReferences } from './file-references.ts';
import type {
  Account,
  CallbackAnswer,
  CallbackQuery,
  Channel,
  ChatMessage,
  ChatRef,
  MessageChanges,
  MessageContent,
  PtsEvent,
  StoredDocument,
  StoredMedia,
  StoredPhoto,
  UpdateSink,
  WorldChange,
  WorldJournal,
} from './model.ts';
import { TelegramError } from './model.ts';
import { SeededValues } from './seeded-values.ts';

export interface WorldOptions {
  seed: string;
  /** DC where accounts live and where new files are stored unless told otherwise. */
  homeDcId: number;
  helperBotCount: number;
  fileReferenceTtlMs: number;
  callbackTimeoutMs: number;
  now?: () => number;
}

const DEMO_USER_ID = 100000001;
const MAIN_BOT_ID = 6000000001;
const STORAGE_CHANNEL_ID = 1000000001;

interface PtsBox {
  pts: number;
  events: PtsEvent[];
  lastMessageId: number;
  messages: Map<number, ChatMessage>;
}

interface PendingQuery {
  resolve(answer: CallbackAnswer): void;
  timer: NodeJS.Timeout;
}

export type NewDocument = Omit<
  StoredDocument,
  'kind' | 'id' | 'accessHash' | 'date' | 'alsoServedBy' | 'dcId'
> & {
  dcId?: number;
};
export type NewPhoto = Pick<StoredPhoto, 'sizes'> & { dcId?: number };

interface SendOptions {
  randomId?: bigint;
  origin?: unknown;
}

export interface SendResult {
  message: ChatMessage;
  /** pts of the sender's box (or the channel) after the message, and how much it moved (0 or 1). */
  pts: number;
  ptsCount: number;
  /** The random_id was already used: the first message is returned and nothing new was sent. */
  duplicate: boolean;
}

/**
 * The sandbox's Telegram: accounts, the storage channel, messages in per-account boxes, files, and
 * the pts sequence of every box. Every change is also pushed to the affected accounts' sessions,
 * and reported to the journal, if one is set. The world is deterministic: replaying the journalled
 * calls in order, at their times, on a world with the same options rebuilds the same ids and pts.
 */
export class World {
  readonly demoUser: Account;
  readonly mainBot: Account;
  readonly helperBots: readonly Account[];
  readonly storageChannel: Channel;
  readonly fileReferences: FileReferences;
  readonly homeDcId: number;
  readonly #seeded: SeededValues;
  readonly #now: () => number;
  readonly #callbackTimeoutMs: number;
  readonly #accounts = new Map<number, Account>();
  readonly #channels = new Map<number, Channel>();
  readonly #boxes = new Map<number, PtsBox>();
  readonly #sentByRandomId = new Map<string, ChatMessage>();
  readonly #files = new Map<bigint, StoredMedia>();
  /** Messages carrying each file, to decide who may download it. */
  readonly #messagesByFile = new Map<bigint, Set<ChatMessage>>();
  readonly #queries = new Map<bigint, PendingQuery>();
  #sink: UpdateSink | undefined;
  #journal: WorldJournal | undefined;
  #lastUserId = DEMO_USER_ID;
  #fileCount = 0;

  constructor(options: WorldOptions) {
    this.#seeded = new SeededValues(options.seed);
    this.#now = options.now ?? Date.now;
    this.#callbackTimeoutMs = options.callbackTimeoutMs;
    this.homeDcId = options.homeDcId;
    this.fileReferences = new FileReferences(options.fileReferenceTtlMs, this.#now, (change) =>
      this.#journalChange(change),
    );
    this.demoUser = this.#addAccount({ id: DEMO_USER_ID, firstName: 'Demo', username: 'demo', role: 'user' });
    this.mainBot = this.#addAccount({
      id: MAIN_BOT_ID,
      firstName: 'Teleplay',
      username: 'teleplay_bot',
      role: 'main',
    });
    this.helperBots = Array.from({ length: options.helperBotCount }, (_, index) =>
      this.#addAccount({
        id: MAIN_BOT_ID + 1 + index,
        firstName: `Teleplay Helper ${index + 1}`,
        username: `teleplay_helper${index + 1}_bot`,
        role: 'helper',
      }),
    );
    this.storageChannel = {
      id: STORAGE_CHANNEL_ID,
      accessHash: this.#seeded.int64(`channel:${STORAGE_CHANNEL_ID}`),
      title: 'Teleplay Storage',
      date: this.unixTime(),
      admins: new Set([this.mainBot.id, ...this.helperBots.map((bot) => bot.id)]),
    };
    this.#channels.set(this.storageChannel.id, this.storageChannel);
    this.#boxes.set(this.storageChannel.id, emptyBox());
  }

  setUpdateSink(sink: UpdateSink): void {
    this.#sink = sink;
  }

  setJournal(journal: WorldJournal): void {
    this.#journal = journal;
  }

  unixTime(): number {
    return Math.floor(this.#now() / 1000);
  }

  // ── accounts and channels ──────────────────────────────────────────────────────────────

  createUser(input: { firstName?: string | undefined; username?: string | undefined }): Account {
    const id = ++this.#lastUserId;
    const username = input.username ?? `user${id}`;
    if (this.accountByUsername(username)) throw new TelegramError(400, 'USERNAME_OCCUPIED');
    const account = this.#addAccount({
      id,
      firstName: input.firstName ?? `User ${id}`,
      username,
      role: 'user',
    });
    this.#journalChange({ type: 'user_created', account });
    return account;
  }

  setBotCommands(account: Account, commands: Api.TypeBotCommand[]): void {
    account.commands = commands;
    this.#journalChange({ type: 'bot_commands_set', account });
  }

  accounts(): Account[] {
    return [...this.#accounts.values()];
  }

  bots(): Account[] {
    return this.accounts().filter((account) => account.bot);
  }

  account(id: number): Account | undefined {
    return this.#accounts.get(id);
  }

  accountByToken(token: string): Account | undefined {
    return this.accounts().find((account) => account.token === token);
  }

  accountByUsername(username: string): Account | undefined {
    const wanted = username.toLowerCase();
    return this.accounts().find((account) => account.username.toLowerCase() === wanted);
  }

  channel(id: number): Channel | undefined {
    return this.#channels.get(id);
  }

  isMember(channel: Channel, accountId: number): boolean {
    return channel.admins.has(accountId);
  }

  #addAccount(input: { id: number; firstName: string; username: string; role: Account['role'] }): Account {
    const bot = input.role !== 'user';
    const account: Account = {
      ...input,
      accessHash: this.#seeded.int64(`account:${input.id}`),
      bot,
      homeDcId: this.homeDcId,
      token: bot ? `${input.id}:${this.#seeded.token(`token:${input.id}`, 35)}` : undefined,
      commands: [],
    };
    this.#accounts.set(account.id, account);
    this.#boxes.set(account.id, emptyBox());
    return account;
  }

  // ── messages ───────────────────────────────────────────────────────────────────────────

  /** A live message by its id in a box (an account's private box, or a channel). */
  messageIn(ownerId: number, id: number): ChatMessage | undefined {
    const message = this.#box(ownerId).messages.get(id);
    return message && !message.deleted ? message : undefined;
  }

  /** The live messages of a user's private chat with a bot, oldest first. */
  conversation(userId: number, botId: number): ChatMessage[] {
    return [...this.#box(userId).messages.values()].filter(
      (message) => !message.deleted && message.chat.type === 'private' && message.chat.botId === botId,
    );
  }

  channelMessages(channelId: number): ChatMessage[] {
    return [...this.#box(channelId).messages.values()].filter((message) => !message.deleted);
  }

  /** Whether two accounts have a private chat: bots cannot start one, and never with other bots. */
  hasPrivateChat(userId: number, botId: number): boolean {
    return this.conversation(userId, botId).length > 0;
  }

  sendPrivate(
    senderId: number,
    recipientId: number,
    content: MessageContent,
    options: SendOptions = {},
  ): SendResult {
    const sender = this.#accountOrThrow(senderId);
    const recipient = this.#accountOrThrow(recipientId);
    if (sender.bot === recipient.bot)
      throw new TelegramError(400, sender.bot ? 'USER_IS_BOT' : 'PEER_ID_INVALID');
    const duplicate = this.#duplicate(senderId, options.randomId);
    if (duplicate) return { message: duplicate, pts: this.pts(senderId), ptsCount: 0, duplicate: true };
    const chat: ChatRef = sender.bot
      ? { type: 'private', userId: recipientId, botId: senderId }
      : { type: 'private', userId: senderId, botId: recipientId };
    const message = this.#newMessage(chat, senderId, content);
    for (const owner of [senderId, recipientId]) {
      const event = this.#append(owner, message);
      this.#sink?.push(owner, { scope: 'account', event }, options.origin);
    }
    this.#remember(senderId, options.randomId, message);
    this.#journalChange({ type: 'private_sent', message, randomId: options.randomId });
    return { message, pts: this.pts(senderId), ptsCount: 1, duplicate: false };
  }

  /** A post in a channel, by an admin bot or (authorId undefined) by the channel itself. */
  post(
    channelId: number,
    authorId: number | undefined,
    content: MessageContent,
    options: SendOptions = {},
  ): SendResult {
    const channel = this.#channelOrThrow(channelId);
    const duplicate = authorId === undefined ? undefined : this.#duplicate(authorId, options.randomId);
    if (duplicate) return { message: duplicate, pts: this.pts(channelId), ptsCount: 0, duplicate: true };
    const message = this.#newMessage({ type: 'channel', channelId }, authorId, content);
    const event = this.#append(channelId, message);
    this.#pushToChannel(channel, event, options.origin);
    if (authorId !== undefined) this.#remember(authorId, options.randomId, message);
    this.#journalChange({ type: 'posted', message, randomId: options.randomId });
    return { message, pts: event.pts, ptsCount: 1, duplicate: false };
  }

  edit(message: ChatMessage, changes: MessageChanges, origin?: unknown): void {
    Object.assign(message, changes);
    message.editDate = this.unixTime();
    this.#indexMedia(message);
    this.#journalChange({ type: 'edited', message, changes });
    for (const owner of message.ids.keys()) {
      const event = this.#record(owner, (pts) => ({ kind: 'edit_message', message, pts, ptsCount: 1 }));
      if (message.chat.type === 'channel') this.#pushToChannel(this.#channelOrThrow(owner), event, origin);
      else this.#sink?.push(owner, { scope: 'account', event }, origin);
    }
  }

  /** Deletes for everyone; returns the pts of the box the ids were given in. */
  delete(
    ownerId: number,
    messages: readonly ChatMessage[],
    origin?: unknown,
  ): { pts: number; ptsCount: number } {
    const live = messages.filter((message) => !message.deleted);
    for (const message of live) message.deleted = true;
    if (live.length > 0) this.#journalChange({ type: 'deleted', ownerId, messages: live });
    const idsByBox = new Map<number, number[]>();
    for (const message of live) {
      for (const [owner, id] of message.ids) idsByBox.set(owner, [...(idsByBox.get(owner) ?? []), id]);
    }
    for (const [owner, ids] of idsByBox) {
      const event = this.#record(owner, (pts) => ({
        kind: 'delete_messages',
        ids,
        pts: pts + ids.length - 1,
        ptsCount: ids.length,
      }));
      const channel = this.#channels.get(owner);
      if (channel) this.#pushToChannel(channel, event, origin);
      else this.#sink?.push(owner, { scope: 'account', event }, origin);
    }
    return { pts: this.#box(ownerId).pts, ptsCount: idsByBox.get(ownerId)?.length ?? 0 };
  }

  // ── update sequences ───────────────────────────────────────────────────────────────────

  pts(ownerId: number): number {
    return this.#box(ownerId).pts;
  }

  /** Events of a box after a pts, in order. */
  eventsAfter(ownerId: number, pts: number): PtsEvent[] {
    return this.#box(ownerId).events.filter((event) => event.pts > pts);
  }

  // ── files ──────────────────────────────────────────────────────────────────────────────

  addDocument(input: NewDocument): StoredDocument {
    const document: StoredDocument = {
      ...input,
      kind: 'document',
      ...this.#fileIdentity(),
      dcId: input.dcId ?? this.homeDcId,
    };
    this.#files.set(document.id, document);
    this.#journalChange({ type: 'file_stored', file: document });
    return document;
  }

  addPhoto(input: NewPhoto): StoredPhoto {
    const photo: StoredPhoto = {
      kind: 'photo',
      sizes: input.sizes,
      ...this.#fileIdentity(),
      dcId: input.dcId ?? this.homeDcId,
    };
    this.#files.set(photo.id, photo);
    this.#journalChange({ type: 'file_stored', file: photo });
    return photo;
  }

  file(id: bigint): StoredMedia | undefined {
    return this.#files.get(id);
  }

  /** Another DC serves the file from now on (a file_migrate fault sent a client there). */
  serveFileFrom(file: StoredMedia, dcId: number): void {
    if (file.dcId === dcId || file.alsoServedBy.has(dcId)) return;
    file.alsoServedBy.add(dcId);
    this.#journalChange({ type: 'file_served_from', file, dcId });
  }

  /** Whether the account can see a live message carrying the file (its chats, or a channel it is in). */
  canAccessFile(accountId: number, file: StoredMedia): boolean {
    for (const message of this.#messagesByFile.get(file.id) ?? []) {
      if (message.deleted || message.media !== file) continue;
      const chat = message.chat;
      if (chat.type === 'private' && (chat.userId === accountId || chat.botId === accountId)) return true;
      if (chat.type === 'channel' && this.isMember(this.#channelOrThrow(chat.channelId), accountId))
        return true;
    }
    return false;
  }

  async dispose(): Promise<void> {
    for (const pending of this.#queries.values()) clearTimeout(pending.timer);
    this.#queries.clear();
    const blobs = [...this.#files.values()].flatMap((file) =>
      file.kind === 'document'
        ? [file.blob, ...(file.thumb ? [file.thumb.blob] : [])]
        : file.sizes.map((s) => s.blob),
    );
    await Promise.all(blobs.map((blob) => blob.close()));
  }

  #fileIdentity(): { id: bigint; accessHash: bigint; date: number; alsoServedBy: Set<number> } {
    const index = ++this.#fileCount;
    return {
      id: this.#seeded.int64(`file:${index}`),
      accessHash: this.#seeded.int64(`file-access:${index}`),
      date: this.unixTime(),
      alsoServedBy: new Set(),
    };
  }

  // ── callback queries ───────────────────────────────────────────────────────────────────

  /** A user presses an inline button; resolves with the bot's answer or fails with BOT_RESPONSE_TIMEOUT. */
  pressButton(userId: number, message: ChatMessage, data: Buffer): Promise<CallbackAnswer> {
    if (message.chat.type !== 'private' || message.chat.userId !== userId) {
      throw new TelegramError(400, 'MESSAGE_ID_INVALID');
    }
    if (!hasCallbackButton(message.replyMarkup, data)) throw new TelegramError(400, 'DATA_INVALID');
    const query: CallbackQuery = {
      id: randomBytes(8).readBigInt64LE(),
      userId,
      botId: message.chat.botId,
      message,
      data,
      chatInstance: this.#seeded.int64(`chat-instance:${userId}:${message.chat.botId}`),
    };
    return new Promise<CallbackAnswer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#queries.delete(query.id);
        reject(new TelegramError(400, 'BOT_RESPONSE_TIMEOUT'));
      }, this.#callbackTimeoutMs);
      this.#queries.set(query.id, { resolve, timer });
      this.#sink?.push(query.botId, { scope: 'callback', query }, undefined);
    });
  }

  answerCallback(queryId: bigint, answer: CallbackAnswer): boolean {
    const pending = this.#queries.get(queryId);
    if (!pending) return false;
    clearTimeout(pending.timer);
    this.#queries.delete(queryId);
    pending.resolve(answer);
    return true;
  }

  // ── internals ──────────────────────────────────────────────────────────────────────────

  #journalChange(change: WorldChange): void {
    this.#journal?.record(change);
  }

  #box(ownerId: number): PtsBox {
    const box = this.#boxes.get(ownerId);
    if (!box) throw new TelegramError(400, 'PEER_ID_INVALID');
    return box;
  }

  #accountOrThrow(id: number): Account {
    const account = this.#accounts.get(id);
    if (!account) throw new TelegramError(400, 'PEER_ID_INVALID');
    return account;
  }

  #channelOrThrow(id: number): Channel {
    const channel = this.#channels.get(id);
    if (!channel) throw new TelegramError(400, 'CHANNEL_INVALID');
    return channel;
  }

  #newMessage(chat: ChatRef, senderId: number | undefined, content: MessageContent): ChatMessage {
    const message = {
      ...content,
      chat,
      ids: new Map(),
      senderId,
      date: this.unixTime(),
      editDate: undefined,
      deleted: false,
    };
    this.#indexMedia(message);
    return message;
  }

  #indexMedia(message: ChatMessage): void {
    if (!message.media) return;
    const messages = this.#messagesByFile.get(message.media.id) ?? new Set();
    messages.add(message);
    this.#messagesByFile.set(message.media.id, messages);
  }

  #append(ownerId: number, message: ChatMessage): PtsEvent {
    const box = this.#box(ownerId);
    const id = ++box.lastMessageId;
    message.ids.set(ownerId, id);
    box.messages.set(id, message);
    return this.#record(ownerId, (pts) => ({ kind: 'new_message', message, pts, ptsCount: 1 }));
  }

  /** Appends an event whose first pts is the box's next one. */
  #record(ownerId: number, build: (firstPts: number) => PtsEvent): PtsEvent {
    const box = this.#box(ownerId);
    const event = build(box.pts + 1);
    box.pts = event.pts;
    box.events.push(event);
    return event;
  }

  #pushToChannel(channel: Channel, event: PtsEvent, origin: unknown): void {
    for (const member of channel.admins)
      this.#sink?.push(member, { scope: 'channel', channelId: channel.id, event }, origin);
  }

  #duplicate(senderId: number, randomId: bigint | undefined): ChatMessage | undefined {
    return randomId === undefined ? undefined : this.#sentByRandomId.get(`${senderId}:${randomId}`);
  }

  #remember(senderId: number, randomId: bigint | undefined, message: ChatMessage): void {
    if (randomId !== undefined) this.#sentByRandomId.set(`${senderId}:${randomId}`, message);
  }
}

function emptyBox(): PtsBox {
  return { pts: 0, events: [], lastMessageId: 0, messages: new Map() };
}

function hasCallbackButton(markup: Api.TypeReplyMarkup | undefined, data: Buffer): boolean {
  if (!(markup instanceof Api.ReplyInlineMarkup)) return false;
  return markup.rows.some((row) =>
    row.buttons.some((button) => button instanceof Api.KeyboardButtonCallback && button.data.equals(data)),
  );
}

/** Text of a user message, with the bot_command entity Telegram attaches to a leading /command. */
export function userMessageContent(text: string, media?: StoredMedia): MessageContent {
  const command = /^\/[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?/.exec(text);
  return {
    text,
    entities: command ? [new Api.MessageEntityBotCommand({ offset: 0, length: command[0].length })] : [],
    media,
    replyMarkup: undefined,
    forward: undefined,
    replyTo: undefined,
  };
}
