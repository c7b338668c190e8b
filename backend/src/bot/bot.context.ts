import { type DeviceKind, type LibraryEvent, libraryStream, type UserId } from '@teleplay/contracts';
import type { EventStore, Position } from '@teleplay/eventstore';
import type { ReadModelTables } from '@teleplay/projections';
import type { Kysely } from 'kysely';
import type { AggregateCache } from '../commands/aggregate-cache.ts';
import { uuidV5 } from '../commands/event-id.ts';
import { type CommandResult, handleCommand } from '../commands/handle-command.ts';
import { type LibraryCommand, libraryDecider } from '../modules/library/library.decide.ts';
import type { SelectionStore } from './bot.batch.ts';
import type { ConversationStore } from './bot.conversations.ts';
import type { BotContent, BotTransport } from './bot.transport.ts';

/** The part of the auth service the bot uses (`createAuthService` satisfies it). */
export interface BotAuth {
  isUserAllowed(userId: string): boolean;
  /** Throws an `AuthError` (code `login_code_not_found`, `login_code_expired`, ...) when it refuses. */
  confirmLoginCode(request: {
    code: string;
    userId: UserId;
    firstName: string;
  }): Promise<{ deviceName: string; deviceKind: DeviceKind }>;
  createWebLoginLink(request: {
    userId: UserId;
    firstName: string;
  }): Promise<{ token: string; expiresAt: string }>;
}

/** Read-your-writes (the projections' `CheckpointWatcher`). */
export interface BotReadModelWatcher {
  waitFor(names: readonly string[], position: Position, timeoutMs: number): Promise<boolean>;
}

/** A pino logger fits. */
export interface BotLog {
  info(details: object, message?: string): void;
  warn(details: object, message?: string): void;
  error(details: object, message?: string): void;
}

export interface BotClock {
  now(): Date;
}

/** Everything the handlers share. */
export interface BotContext {
  transport: BotTransport;
  store: EventStore;
  cache: AggregateCache;
  db: Kysely<ReadModelTables>;
  watcher: BotReadModelWatcher;
  auth: BotAuth;
  webAppUrl: string;
  clock: BotClock;
  log: BotLog;
  conversations: ConversationStore;
  selections: SelectionStore;
  /** How long a reply after a write waits for the read models to show it. */
  readYourWritesMs: number;
}

/** Who an update came from, and what ties together everything it causes. */
export interface Actor {
  userId: UserId;
  firstName: string;
  chatId: string;
  /** The correlation id of every event the update causes, and the stem of its command ids. */
  updateId: string;
}

/** The read models a bot reply can show after a library write. */
const LIBRARY_READ_MODELS = ['library_files', 'library_folders', 'library_search'] as const;

/**
 * Runs a library command as the web app does, attributed to the bot. `step` tells apart the commands of
 * one update; with the update's id it makes the command id, so a redelivered update writes nothing twice.
 */
export function runLibraryCommand(
  context: BotContext,
  actor: Actor,
  step: string,
  command: LibraryCommand,
): Promise<CommandResult<LibraryEvent>> {
  return handleCommand({
    store: context.store,
    cache: context.cache,
    streamName: libraryStream(actor.userId),
    decider: libraryDecider,
    command,
    commandId: `${actor.updateId}:${step}`,
    metadata: {
      actorId: actor.userId,
      deviceId: null,
      source: 'bot',
      occurredAt: context.clock.now().toISOString(),
      correlationId: actor.updateId,
    },
  });
}

/** Waits (bounded) until the library read models show what was appended at `position`. */
export async function readYourWrites(context: BotContext, position: Position | null): Promise<void> {
  if (position === null) return;
  const reached = await context.watcher.waitFor(LIBRARY_READ_MODELS, position, context.readYourWritesMs);
  if (!reached) context.log.warn({ position }, 'the read models are behind; the reply may show older state');
}

export function send(
  context: BotContext,
  chatId: string,
  content: BotContent,
  replyTo?: number,
): Promise<number> {
  return context.transport.sendMessage(chatId, {
    format: 'html',
    ...content,
    ...(replyTo === undefined ? {} : { replyToMessageId: replyTo }),
  });
}

/** Replaces a message's text and buttons (no buttons when `content.keyboard` is absent). */
export function edit(
  context: BotContext,
  chatId: string,
  messageId: number,
  content: BotContent,
): Promise<void> {
  return context.transport.editMessage(chatId, messageId, {
    format: 'html',
    keyboard: [],
    ...content,
  });
}

/** A page of the web app (`path` starts with `/`). */
export function webUrl(context: BotContext, path: string): string {
  return `${context.webAppUrl.replace(/\/+$/, '')}${path}`;
}

// Ids of what the bot creates (uploaded files, new folders) derive from the update, so a redelivered
// update decides on the same ids and its command stays a no-op. A random UUID, fixed forever.
const BOT_IDS_NAMESPACE = 'b6f1d0a2-7c53-4e8e-9f21-3a4d5c6e7f80';

/** The id of the thing `step` of this update creates. */
export function idFor(actor: Actor, step: string): string {
  return uuidV5(BOT_IDS_NAMESPACE, `${actor.updateId}:${step}`);
}
