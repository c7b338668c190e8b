import { accountStream, UserId } from '@teleplay/contracts';
import type { EventStore } from '@teleplay/eventstore';
import type { ReadModelTables } from '@teleplay/projections';
import type { Kysely } from 'kysely';
import { LRUCache } from 'lru-cache';
import type { AggregateCache } from '../commands/aggregate-cache.ts';
import { handleCommand } from '../commands/handle-command.ts';
import { accountDecider } from '../modules/account/account.decide.ts';
import { createSelectionStore, handleSelectionAction, startSelection } from './bot.batch.ts';
import { handleCommandMessage, handleSearchText, parseCommand, sendWebLoginLink } from './bot.commands.ts';
import {
  type Actor,
  type BotAuth,
  type BotClock,
  type BotContext,
  type BotLog,
  type BotReadModelWatcher,
  edit,
  send,
} from './bot.context.ts';
import {
  createConversationStore,
  handleCancel,
  handleConversationText,
  handleMoveHere,
  handlePick,
} from './bot.conversations.ts';
import { handleFileAction, handleUpload } from './bot.files.ts';
import { handleFolderAction } from './bot.folders.ts';
import { type CallbackAction, decodeCallbackData } from './bot.keyboards.ts';
import type { BotTables } from './bot.migrations.ts';
import {
  type StorageCleanup,
  type StorageCleanupOptions,
  startStorageCleanup,
} from './bot.storage-cleanup.ts';
import { texts } from './bot.texts.ts';
import {
  type BotCallbackAnswer,
  type BotCallbackQuery,
  type BotMessage,
  type BotTransport,
  type BotUpdate,
  TelegramApiError,
} from './bot.transport.ts';
import { renderRecent } from './bot.views.ts';

export interface CreateBotOptions {
  transport: BotTransport;
  store: EventStore;
  /** The process's aggregate cache, shared with the HTTP commands. */
  cache: AggregateCache;
  readModelsDb: Kysely<ReadModelTables>;
  watcher: BotReadModelWatcher;
  auth: BotAuth;
  /** The storage channel (bare MTProto id, as the gateway reports it): the cleanup deletes only there. */
  storageChannelId: string;
  /** Where the web app is, for links and the "Open in web" buttons. */
  webAppUrl: string;
  clock?: BotClock;
  log: BotLog;
  /** A rename or move waits this long for the user's next step. Default 10 minutes. */
  conversationTtlMs?: number;
  /** A selection in a list lasts this long without a press. Default 30 minutes. */
  selectionTtlMs?: number;
  /** How long a reply after a write waits for the read models. Default 3 s. */
  readYourWritesMs?: number;
  /** Retry timing of the storage cleanup. */
  storageCleanup?: Pick<StorageCleanupOptions, 'retry' | 'checkpointEveryMs'>;
}

export interface Bot {
  /**
   * Starts the storage cleanup, then the transport with the bot's handler. The bot's table must exist:
   * run `migrateBot` at startup with the other migrations, before the projectors start.
   */
  start(): Promise<void>;
  stop(): Promise<void>;
}

const systemClock: BotClock = { now: () => new Date() };

export function createBot(options: CreateBotOptions): Bot {
  const clock = options.clock ?? systemClock;
  const context: BotContext = {
    transport: options.transport,
    store: options.store,
    cache: options.cache,
    db: options.readModelsDb,
    watcher: options.watcher,
    auth: options.auth,
    webAppUrl: options.webAppUrl,
    clock,
    log: options.log,
    conversations: createConversationStore(clock, { ttlMs: options.conversationTtlMs ?? 10 * 60_000 }),
    selections: createSelectionStore(clock, { ttlMs: options.selectionTtlMs ?? 30 * 60_000 }),
    readYourWritesMs: options.readYourWritesMs ?? 3000,
  };
  const { transport, log } = context;
  // Refused users hear it once (per process): a stranger sending many messages gets no echo chamber.
  const refused = new LRUCache<string, true>({ max: 10_000 });
  const registered = new LRUCache<string, true>({ max: 100_000 });
  let cleanup: StorageCleanup | null = null;

  /** UserRegistered on first contact; later contacts are a no-op, skipped once known in this process. */
  async function register(actor: Actor, username: string | null): Promise<void> {
    if (registered.has(actor.userId)) return;
    await handleCommand({
      store: context.store,
      cache: context.cache,
      streamName: accountStream(actor.userId),
      decider: accountDecider,
      command: { type: 'RegisterUser', data: { userId: actor.userId, firstName: actor.firstName, username } },
      commandId: `bot:register:${actor.userId}`,
      metadata: {
        actorId: actor.userId,
        deviceId: null,
        source: 'bot',
        occurredAt: clock.now().toISOString(),
        correlationId: actor.updateId,
      },
    });
    registered.set(actor.userId, true);
  }

  async function onMessage(actor: Actor, message: BotMessage): Promise<void> {
    if (message.media) return handleUpload(context, actor, message);
    const command = parseCommand(message.text);
    if (command) return handleCommandMessage(context, actor, message, command);
    if (await handleConversationText(context, actor, message)) return;
    await handleSearchText(context, actor, message);
  }

  async function onCallback(actor: Actor, query: BotCallbackQuery): Promise<BotCallbackAnswer | undefined> {
    const decoded = decodeCallbackData(query.data);
    if (!decoded.ok)
      return { text: decoded.reason === 'outdated' ? texts.outdatedButton : texts.invalidButton };
    return dispatch(actor, query, decoded.action);
  }

  async function dispatch(
    actor: Actor,
    query: BotCallbackQuery,
    action: CallbackAction,
  ): Promise<BotCallbackAnswer | undefined> {
    switch (action.type) {
      case 'file':
      case 'renameFile':
      case 'moveFile':
      case 'trashFile':
      case 'restoreFile':
      case 'askDeleteFile':
      case 'deleteFile':
        return handleFileAction(context, actor, query, action);
      case 'folder':
      case 'newFolder':
      case 'renameFolder':
      case 'moveFolder':
      case 'trashFolder':
      case 'restoreFolder':
      case 'askDeleteFolder':
      case 'deleteFolder':
        return handleFolderAction(context, actor, query, action);
      case 'recent':
        await edit(
          context,
          actor.chatId,
          query.messageId,
          await renderRecent(context, actor.userId, action.page),
        );
        return undefined;
      case 'selectRecent':
        return startSelection(context, actor, query, { type: 'recent' }, action.page);
      case 'selectFolder':
        return startSelection(
          context,
          actor,
          query,
          { type: 'folder', folderId: action.folderId },
          action.page,
        );
      case 'toggle':
      case 'selectionPage':
      case 'selectionMove':
      case 'askSelectionTrash':
      case 'selectionTrash':
      case 'selectionBack':
      case 'selectionDone':
        return handleSelectionAction(context, actor, query, action);
      case 'pick':
        return handlePick(context, actor, query, { folderId: action.folderId, page: action.page });
      case 'moveHere':
        return handleMoveHere(context, actor, query, action.folderId);
      case 'cancel':
        return handleCancel(context, actor, query);
      case 'webLogin':
        await sendWebLoginLink(context, actor);
        return undefined;
      case 'noop':
        return undefined;
    }
  }

  /** What to tell the user when handling failed unexpectedly. */
  function failureText(error: unknown): string {
    if (error instanceof TelegramApiError && error.waitSeconds !== undefined)
      return texts.slowDown(error.waitSeconds);
    return texts.failure;
  }

  async function handleUpdate(update: BotUpdate): Promise<void> {
    const from = update.type === 'message' ? update.message.from : update.query.from;
    const chatId = update.type === 'message' ? update.message.chatId : update.query.chatId;
    const userId = UserId.safeParse(from.id);
    // The whitelist comes before everything: strangers cause no write and see nothing of the library.
    if (!userId.success || !context.auth.isUserAllowed(userId.data)) {
      if (update.type === 'callback_query') {
        await transport.answerCallbackQuery(update.query.queryId, { text: texts.notAllowedToast });
      } else if (!refused.has(from.id)) {
        refused.set(from.id, true);
        await transport.sendMessage(chatId, { text: texts.notAllowed, format: 'html' });
      }
      return;
    }
    const actor: Actor = {
      userId: userId.data,
      firstName: from.firstName,
      chatId,
      updateId:
        update.type === 'message'
          ? `bot:${chatId}:${update.message.messageId}`
          : `bot:callback:${update.query.queryId}`,
    };

    if (update.type === 'message') {
      try {
        await register(actor, from.username);
        await onMessage(actor, update.message);
      } catch (error) {
        log.error({ err: error, updateId: actor.updateId }, 'bot message failed');
        await send(context, chatId, { text: failureText(error) }, update.message.messageId);
      }
      return;
    }
    let answer: BotCallbackAnswer | undefined;
    try {
      await register(actor, from.username);
      answer = await onCallback(actor, update.query);
    } catch (error) {
      log.error({ err: error, updateId: actor.updateId }, 'bot button failed');
      answer = { text: failureText(error), alert: true };
    }
    // Every press is answered, or Telegram keeps showing a spinner on the button.
    await transport.answerCallbackQuery(update.query.queryId, answer);
  }

  return {
    async start() {
      cleanup = startStorageCleanup({
        store: context.store,
        db: options.readModelsDb.withTables<BotTables>(),
        storage: transport,
        storageChannelId: options.storageChannelId,
        clock,
        log,
        ...options.storageCleanup,
      });
      try {
        await transport.start(handleUpdate);
      } catch (error) {
        await cleanup.stop();
        cleanup = null;
        throw error;
      }
    },
    async stop() {
      await transport.stop();
      await cleanup?.stop();
      cleanup = null;
    },
  };
}
