import { setTimeout as delay } from 'node:timers/promises';
import type { DcConnectionInfo } from '@teleplay/sandbox/client';
import { LRUCache } from 'lru-cache';
import { type Logger as PinoLogger, pino } from 'pino';
import { Api, errors, helpers } from 'teleproto';
import { Raw } from 'teleproto/events/Raw.js';
import { HTMLParser } from 'teleproto/extensions/html.js';
import { UpdateConnectionState } from 'teleproto/network/index.js';
import { untilAborted } from './abortable.ts';
import { BotConnection, type BotConnectionOptions } from './bot-connection.ts';
import { installNativeMtprotoCrypto } from './mtproto-crypto.ts';
import {
  type BotProfile,
  type BotUpdate,
  type BotUpdateHandler,
  type CallbackAnswer,
  type InlineKeyboard,
  type MessageEdit,
  type SendMessageOptions,
  type StoredMessage,
  TelegramApiError,
  type TelegramGateway,
  TelegramGatewayError,
} from './telegram.gateway.ts';
import { resolveChannel, TelegramFileParts } from './telegram-file-parts.ts';
import type { TelegramSessionStore, UpdateState } from './telegram-session.store.ts';
import { installNativeTlLongs } from './tl-longs.ts';
import {
  callbackQueryOf,
  incomingMessageOf,
  incomingShortMessageOf,
  ptsStepOf,
  storedMessageOf,
  type UserDirectory,
  userDirectory,
} from './update.mapping.ts';
import { type DifferencePage, UpdateSequencer } from './update-sequencer.ts';

export interface TelegramGatewayOptions {
  apiId: number;
  apiHash: string;
  /** The bot users talk to; it also downloads. */
  botToken: string;
  /** Bots that only download, for more parallel getFile. */
  helperBotTokens?: readonly string[];
  /** Bare channel id (no -100) of the private channel every bot is an admin of. */
  storageChannelId: string;
  sessions: TelegramSessionStore;
  logger?: PinoLogger;
  /** Sandbox only: the sandbox's DCs and RSA key. Production passes none and reaches Telegram. */
  customDcs?: DcConnectionInfo;
  /** Sandbox only: its instance id, so auth keys of an earlier sandbox are not tried. */
  sessionScope?: string;
  /** Download connections per bot and DC. Default 2. */
  mediaConnectionsPerDc?: number;
  /** Idle download connections close after this. Default 60 s. */
  mediaIdleCloseMs?: number;
  /** Attempts per connect. Default 5. */
  connectionRetries?: number;
  /** Default 60 s. */
  startTimeoutMs?: number;
  /** How long a pts gap may wait before getDifference. Default 500 ms. */
  gapTimeoutMs?: number;
  /** How long stop() lets the update being handled finish its calls to Telegram. Default 5 s. */
  stopGraceMs?: number;
}

/** Telegram's bare user ids (private chats), as strings. */
const USER_ID = /^[1-9]\d{0,19}$/;
const MAX_CALLBACK_DATA_BYTES = 64;

/**
 * {@link TelegramGateway} over teleproto: the main bot (updates, messages, the storage channel) and the
 * helper bots (downloads only), each with its own client, saved session and download connections.
 */
export class TeleprotoGateway implements TelegramGateway {
  readonly #options: TelegramGatewayOptions;
  readonly #log: PinoLogger;
  readonly #fileParts = new TelegramFileParts();
  /** Access hashes of users seen in updates; bots may also use 0 for users they have talked to. */
  readonly #userHashes = new LRUCache<string, string>({ max: 50_000 });
  #main: BotConnection | undefined;
  #helpers: BotConnection[] = [];
  #sequencer: UpdateSequencer | undefined;
  #storage: Api.InputChannel | undefined;
  #handler: BotUpdateHandler | undefined;
  /** Set once the first catch-up is queued: reconnects trigger their own from then on. */
  #catchingUpOnReconnect = false;
  #state: 'new' | 'starting' | 'started' | 'stopped' = 'new';
  /** Rejects the calls still waiting on Telegram once stop() has given the handler its grace. */
  readonly #stopping = Promise.withResolvers<never>();

  constructor(options: TelegramGatewayOptions) {
    this.#options = options;
    this.#log = options.logger ?? pino({ level: 'silent' });
    this.#stopping.promise.catch(() => {});
  }

  get me(): BotProfile {
    return this.#started().main.profile;
  }

  get fileParts(): TelegramFileParts {
    return this.#fileParts;
  }

  async start(handler: BotUpdateHandler): Promise<void> {
    if (this.#state !== 'new')
      throw new TelegramGatewayError(`the gateway cannot start: it is ${this.#state}`);
    this.#state = 'starting';
    this.#handler = handler;
    installNativeTlLongs();
    const ige = installNativeMtprotoCrypto();
    if (ige.installed)
      this.#log[ige.implementation === 'aes-ni' ? 'debug' : 'warn'](
        { implementation: ige.implementation, note: ige.note },
        'native AES-IGE installed for MTProto',
      );
    else this.#log.warn(`MTProto decryption stays slow (a few MB/s per core): ${ige.reason}`);
    const sequencer = new UpdateSequencer(
      {
        getDifference: (from, signal) => this.#getDifference(from, signal),
        deliver: (update) => this.#handler!(update),
        saveState: (state) => this.#options.sessions.saveUpdateState(this.#main!.sessionKey, state),
        reportError: (error, context) => this.#log.error({ err: error }, context),
      },
      { gapTimeoutMs: this.#options.gapTimeoutMs },
    );
    this.#sequencer = sequencer;
    try {
      const main = await this.#openBot(this.#options.botToken, 'main', (client) =>
        client.addEventHandler((update: unknown) => {
          // teleproto prints whatever a handler throws to the console; ours goes to the log.
          try {
            this.#onUpdate(update);
          } catch (error) {
            this.#log.error({ err: error }, 'an update from Telegram could not be read');
          }
        }, new Raw({})),
      );
      this.#main = main;
      this.#storage = await resolveChannel(main.client, this.#options.storageChannelId).catch(
        (error: unknown) => {
          throw new TelegramGatewayError(
            `the bot @${main.profile.username} cannot use the storage channel ${this.#options.storageChannelId}: make it an admin there`,
            { cause: error },
          );
        },
      );
      this.#fileParts.add(main);
      const initialState = await this.#initialState(main);
      this.#helpers = await this.#openHelpers();
      for (const helper of this.#helpers) this.#fileParts.add(helper);
      this.#catchingUpOnReconnect = true;
      // Started before the first update is handled: handlers reply through this gateway.
      this.#state = 'started';
      sequencer.begin(initialState);
      this.#log.info(
        { bot: main.profile.username, helpers: this.#helpers.map((helper) => helper.profile.username) },
        'Telegram bots started',
      );
    } catch (error) {
      this.#state = 'stopped';
      await this.#shutdown();
      throw error;
    }
    await sequencer.catchUp();
  }

  async stop(): Promise<void> {
    if (this.#state === 'stopped' || this.#state === 'new') {
      this.#state = 'stopped';
      return;
    }
    this.#state = 'stopped';
    await this.#shutdown();
  }

  async sendMessage(chatId: string, message: SendMessageOptions): Promise<number> {
    const { main } = this.#started();
    const [text, entities] = formatted(message.text, message.format);
    const randomId = helpers.generateRandomLong();
    const result = await this.#call(() =>
      main.client.invoke(
        new Api.messages.SendMessage({
          peer: this.#userPeer(chatId),
          message: text,
          entities,
          randomId,
          noWebpage: true,
          replyMarkup: message.keyboard && inlineMarkup(message.keyboard),
          replyTo:
            message.replyToMessageId === undefined
              ? undefined
              : new Api.InputReplyToMessage({ replyToMsgId: message.replyToMessageId }),
        }),
      ),
    );
    this.#noteOwnSteps(result);
    const id = sentMessageId(result, randomId.toString());
    if (id === undefined)
      throw new TelegramGatewayError(`Telegram did not say which message was sent to ${chatId}`);
    return id;
  }

  async editMessage(chatId: string, messageId: number, edit: MessageEdit): Promise<void> {
    const { main } = this.#started();
    if (edit.text === undefined && edit.keyboard === undefined) {
      throw new TelegramGatewayError('an edit needs a text, a keyboard, or both');
    }
    const [text, entities] =
      edit.text === undefined ? [undefined, undefined] : formatted(edit.text, edit.format);
    try {
      const result = await this.#call(() =>
        main.client.invoke(
          new Api.messages.EditMessage({
            peer: this.#userPeer(chatId),
            id: messageId,
            message: text,
            entities,
            noWebpage: true,
            replyMarkup: edit.keyboard && inlineMarkup(edit.keyboard),
          }),
        ),
      );
      this.#noteOwnSteps(result);
    } catch (error) {
      if (!(error instanceof TelegramApiError && error.errorMessage === 'MESSAGE_NOT_MODIFIED')) throw error;
    }
  }

  async deleteMessages(chatId: string, messageIds: readonly number[]): Promise<void> {
    const { main } = this.#started();
    this.#userPeer(chatId);
    if (messageIds.length === 0) return;
    const result = await this.#call(() =>
      main.client.invoke(new Api.messages.DeleteMessages({ id: [...messageIds], revoke: true })),
    );
    this.#noteOwnSteps(result);
  }

  async answerCallbackQuery(queryId: string, answer: CallbackAnswer = {}): Promise<void> {
    const { main } = this.#started();
    if (!/^-?\d{1,20}$/.test(queryId)) throw new TelegramGatewayError(`not a callback query id: ${queryId}`);
    await this.#call(() =>
      main.client.invoke(
        new Api.messages.SetBotCallbackAnswer({
          queryId: helpers.returnBigInt(queryId),
          message: answer.text,
          alert: answer.alert,
          url: answer.url,
          cacheTime: 0,
        }),
      ),
    );
  }

  async forwardToStorage(chatId: string, messageId: number): Promise<StoredMessage> {
    const { main, storage } = this.#started();
    const result = await this.#call(() =>
      main.client.invoke(
        new Api.messages.ForwardMessages({
          fromPeer: this.#userPeer(chatId),
          id: [messageId],
          randomId: [helpers.generateRandomLong()],
          toPeer: new Api.InputPeerChannel({ channelId: storage.channelId, accessHash: storage.accessHash }),
        }),
      ),
    );
    const updates =
      result instanceof Api.Updates || result instanceof Api.UpdatesCombined ? result.updates : [];
    const posted = updates.find((update) => update instanceof Api.UpdateNewChannelMessage);
    const stored = posted && storedMessageOf(posted.message, this.#options.storageChannelId);
    if (!stored)
      throw new TelegramGatewayError(`forwarding message ${messageId} of ${chatId} posted nothing`);
    return stored;
  }

  async getStorageMessages(messageIds: readonly number[]): Promise<(StoredMessage | null)[]> {
    const { main, storage } = this.#started();
    if (messageIds.length === 0) return [];
    const result = await this.#call(() =>
      main.client.invoke(
        new Api.channels.GetMessages({
          channel: storage,
          id: messageIds.map((id) => new Api.InputMessageID({ id })),
        }),
      ),
    );
    const found = 'messages' in result ? result.messages : [];
    return messageIds.map((id) => {
      const message = found.find((candidate) => candidate.id === id);
      return message ? storedMessageOf(message, this.#options.storageChannelId) : null;
    });
  }

  async deleteStorageMessages(messageIds: readonly number[]): Promise<void> {
    const { main, storage } = this.#started();
    if (messageIds.length === 0) return;
    await this.#call(() =>
      main.client.invoke(new Api.channels.DeleteMessages({ channel: storage, id: [...messageIds] })),
    );
  }

  #started(): { main: BotConnection; storage: Api.InputChannel } {
    if (this.#state !== 'started' || !this.#main || !this.#storage) {
      throw new TelegramGatewayError(`the Telegram gateway is not started (it is ${this.#state})`);
    }
    return { main: this.#main, storage: this.#storage };
  }

  #openBot(
    token: string,
    role: 'main' | 'helper',
    beforeConnect?: BotConnectionOptions['beforeConnect'],
  ): Promise<BotConnection> {
    const options = this.#options;
    return BotConnection.open({
      botToken: token,
      apiId: options.apiId,
      apiHash: options.apiHash,
      sessions: options.sessions,
      sessionScope: options.sessionScope,
      customDcs: options.customDcs,
      mediaConnectionsPerDc: options.mediaConnectionsPerDc ?? 2,
      mediaIdleCloseMs: options.mediaIdleCloseMs ?? 60_000,
      connectionRetries: options.connectionRetries ?? 5,
      startTimeoutMs: options.startTimeoutMs ?? 60_000,
      log: this.#log.child({ bot: role === 'main' ? 'main' : `helper ${token.split(':')[0]}` }),
      beforeConnect,
    }).catch((error: unknown) => {
      throw new TelegramGatewayError(
        `the ${role} bot ${token.split(':')[0]} could not log in: ${errorText(error)}`,
        {
          cause: error,
        },
      );
    });
  }

  /** Helpers that fail to log in or to see the storage channel are left out, not fatal. */
  async #openHelpers(): Promise<BotConnection[]> {
    const opened = await Promise.allSettled(
      (this.#options.helperBotTokens ?? []).map(async (token) => {
        const helper = await this.#openBot(token, 'helper');
        try {
          await resolveChannel(helper.client, this.#options.storageChannelId);
          return helper;
        } catch (error) {
          await helper.close();
          throw new TelegramGatewayError(
            `the helper bot @${helper.profile.username} cannot use the storage channel: ${errorText(error)}`,
          );
        }
      }),
    );
    return opened.flatMap((result) => {
      if (result.status === 'fulfilled') return [result.value];
      this.#log.error({ err: result.reason }, 'a helper bot is left out of downloads');
      return [];
    });
  }

  /** The saved state, or the account's current one on a first start (nothing before it is replayed). */
  async #initialState(main: BotConnection): Promise<UpdateState> {
    if (main.savedUpdateState) return main.savedUpdateState;
    const current = await main.client.invoke(new Api.updates.GetState());
    const state = { pts: current.pts, qts: current.qts, date: current.date };
    await this.#options.sessions.saveUpdateState(main.sessionKey, state);
    return state;
  }

  async #shutdown(): Promise<void> {
    this.#catchingUpOnReconnect = false;
    const drained = this.#sequencer?.close() ?? Promise.resolve();
    // teleproto never fails a call while it waits to reconnect: without this, a handler replying during
    // an outage would hold the shutdown forever.
    await Promise.race([drained, delay(this.#options.stopGraceMs ?? 5_000, undefined, { ref: false })]);
    this.#stopping.reject(new TelegramGatewayError('the Telegram gateway stopped'));
    await drained;
    this.#fileParts.clear();
    const bots = [this.#main, ...this.#helpers].filter((bot) => bot !== undefined);
    this.#main = undefined;
    this.#helpers = [];
    await Promise.all(bots.map((bot) => bot.close()));
  }

  /** Every update teleproto receives for the main bot, one by one (it unpacks `updates` containers). */
  #onUpdate(update: unknown): void {
    const sequencer = this.#sequencer;
    if (!sequencer) return;
    if (update instanceof UpdateConnectionState) {
      // After a reconnect, what was pushed while the connection was down is only in getDifference.
      if (update.state === UpdateConnectionState.connected && this.#catchingUpOnReconnect)
        void sequencer.catchUp();
      return;
    }
    if (update instanceof Api.UpdatesTooLong) {
      void sequencer.catchUp();
      return;
    }
    const users = this.#rememberUsers(
      (update as { _entities?: Map<string, unknown> })._entities?.values() ?? [],
    );
    if (update instanceof Api.UpdateBotCallbackQuery) {
      const query = callbackQueryOf(update, users);
      if (query) sequencer.unsequenced({ type: 'callback_query', query });
      return;
    }
    const step = ptsStepOf(update);
    if (!step) return;
    const message =
      update instanceof Api.UpdateShortMessage
        ? incomingShortMessageOf(update, users, 'live')
        : update instanceof Api.UpdateNewMessage
          ? incomingMessageOf(update.message, users, 'live')
          : undefined;
    sequencer.step(step, message && { type: 'message', message });
  }

  async #getDifference(from: UpdateState, signal: AbortSignal): Promise<DifferencePage> {
    const client = this.#main!.client;
    const result = await untilAborted(
      client.invoke(new Api.updates.GetDifference({ pts: from.pts, qts: from.qts, date: from.date })),
      signal,
    );
    if (result instanceof Api.updates.DifferenceEmpty)
      return { updates: [], state: { ...from, date: result.date }, final: true };
    if (result instanceof Api.updates.DifferenceTooLong) {
      this.#log.warn(
        { from: from.pts, to: result.pts },
        'Telegram dropped updates the bot missed for too long',
      );
      return { updates: [], state: { ...from, pts: result.pts }, final: true };
    }
    const users = this.#rememberUsers(result.users);
    const messages = [
      ...result.newMessages,
      ...result.otherUpdates.flatMap((update) =>
        update instanceof Api.UpdateNewMessage ? [update.message] : [],
      ),
    ];
    const updates = messages.flatMap((message): BotUpdate[] => {
      const incoming = incomingMessageOf(message, users, 'recovered');
      return incoming ? [{ type: 'message', message: incoming }] : [];
    });
    const reached = result instanceof Api.updates.Difference ? result.state : result.intermediateState;
    return {
      updates,
      state: { pts: reached.pts, qts: reached.qts, date: reached.date },
      final: result instanceof Api.updates.Difference,
    };
  }

  #rememberUsers(entities: Iterable<unknown>): UserDirectory {
    const users = userDirectory(entities);
    for (const [id, user] of users) if (user.accessHash) this.#userHashes.set(id, user.accessHash.toString());
    return users;
  }

  /** Our own calls move pts too (a sent message is in the sequence): keep the sequencer in step. */
  #noteOwnSteps(result: unknown): void {
    const sequencer = this.#sequencer!;
    if (result instanceof Api.messages.AffectedMessages) {
      sequencer.step({ pts: result.pts, ptsCount: result.ptsCount });
      return;
    }
    const updates =
      result instanceof Api.Updates || result instanceof Api.UpdatesCombined ? result.updates : [result];
    for (const update of updates) {
      const step = ptsStepOf(update);
      if (step) sequencer.step(step);
    }
  }

  #userPeer(chatId: string): Api.InputPeerUser {
    if (!USER_ID.test(chatId)) throw new TelegramGatewayError(`not a private chat id: ${chatId}`);
    return new Api.InputPeerUser({
      userId: helpers.returnBigInt(chatId),
      accessHash: helpers.returnBigInt(this.#userHashes.get(chatId) ?? '0'),
    });
  }

  /** Telegram's refusals become {@link TelegramApiError}; FLOOD_WAIT carries its seconds. */
  async #call<T>(invoke: () => Promise<T>): Promise<T> {
    try {
      return await Promise.race([invoke(), this.#stopping.promise]);
    } catch (error) {
      if (error instanceof errors.FloodWaitError) {
        throw new TelegramApiError(420, 'FLOOD_WAIT', error.seconds, { cause: error });
      }
      if (error instanceof errors.RPCError) {
        throw new TelegramApiError(error.code ?? 400, error.errorMessage, undefined, { cause: error });
      }
      throw error;
    }
  }
}

export function createTelegramGateway(options: TelegramGatewayOptions): TelegramGateway {
  return new TeleprotoGateway(options);
}

function formatted(
  text: string,
  format: 'plain' | 'html' = 'plain',
): [string, Api.TypeMessageEntity[] | undefined] {
  if (format === 'plain') return [text, undefined];
  const [plain, entities] = HTMLParser.parse(text);
  return [plain, entities.length > 0 ? entities : undefined];
}

function inlineMarkup(keyboard: InlineKeyboard): Api.ReplyInlineMarkup {
  return new Api.ReplyInlineMarkup({
    rows: keyboard.map(
      (row) =>
        new Api.KeyboardButtonRow({
          buttons: row.map((button) => {
            if ('url' in button) return new Api.KeyboardButtonUrl({ text: button.text, url: button.url });
            const data = Buffer.from(button.callbackData, 'utf8');
            if (data.length === 0 || data.length > MAX_CALLBACK_DATA_BYTES) {
              throw new TelegramGatewayError(
                `callback data must be 1 to ${MAX_CALLBACK_DATA_BYTES} bytes, "${button.text}" has ${data.length}`,
              );
            }
            return new Api.KeyboardButtonCallback({ text: button.text, data });
          }),
        }),
    ),
  });
}

/** The id of the message messages.sendMessage created, from whichever shape the answer has. */
function sentMessageId(result: Api.TypeUpdates, randomId: string): number | undefined {
  if (result instanceof Api.UpdateShortSentMessage) return result.id;
  const updates =
    result instanceof Api.Updates || result instanceof Api.UpdatesCombined ? result.updates : [];
  for (const update of updates) {
    if (update instanceof Api.UpdateMessageID && update.randomId?.toString() === randomId) return update.id;
  }
  for (const update of updates) {
    if (update instanceof Api.UpdateNewMessage) return update.message.id;
  }
  return undefined;
}

function errorText(error: unknown): string {
  if (error instanceof errors.RPCError) return error.errorMessage;
  return error instanceof Error ? error.message : String(error);
}
