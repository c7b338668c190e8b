import { LRUCache } from 'lru-cache';
import { Api, errors, helpers, type TelegramClient } from 'teleproto';
import {
  BotUnavailableError,
  type FilePartRequest,
  type FilePartSource,
  FloodWaitError,
  type StoredFileLocation,
} from '../stream/index.ts';
import { untilAborted } from './abortable.ts';
import type { BotConnection } from './bot-connection.ts';
import type { MediaConnections } from './media-connections.ts';
import { type FileSource, fileSourceOf } from './update.mapping.ts';

/** Errors after which this bot can never read this file (streaming.md §1.4): other bots may. */
const PERMANENT_ERRORS = new Set([
  'CHANNEL_INVALID',
  'CHANNEL_PRIVATE',
  'CHANNEL_PUBLIC_GROUP_NA',
  'USER_BANNED_IN_CHANNEL',
  'MSG_ID_INVALID',
  'MESSAGE_ID_INVALID',
  'FILE_ID_INVALID',
  'LOCATION_INVALID',
  'PEER_ID_INVALID',
]);
const REFERENCE_ERRORS = new Set(['FILE_REFERENCE_EXPIRED', 'FILE_REFERENCE_INVALID']);
/** Fresh references and DC hops one request may go through before giving up. */
const MAX_REFRESHES = 2;
const MAX_MIGRATIONS = 2;

function errorMessageOf(error: unknown): string | undefined {
  return error instanceof errors.RPCError ? error.errorMessage : undefined;
}

/** What the stream engine understands, from a Telegram error on this bot. */
function filePartErrorOf(error: unknown, botId: string, location: StoredFileLocation): unknown {
  if (error instanceof errors.FloodWaitError) return new FloodWaitError(error.seconds, { cause: error });
  const message = errorMessageOf(error);
  if (message && (PERMANENT_ERRORS.has(message) || REFERENCE_ERRORS.has(message))) {
    return new BotUnavailableError(`bot ${botId} cannot read ${describe(location)}: ${message}`, {
      cause: error,
    });
  }
  return error;
}

function describe(location: StoredFileLocation): string {
  const message = `message ${location.messageId} of channel ${location.channelId}`;
  return location.thumbnail ? `the preview of ${message}` : message;
}

/** Where getFile reads the bytes the engine asked for: the file, or its preview. */
function inputLocationOf(source: FileSource, location: StoredFileLocation) {
  if (!location.thumbnail) return source.inputLocation;
  if (!source.thumbnailLocation) throw new BotUnavailableError(`${describe(location)} does not exist`);
  return source.thumbnailLocation;
}

/**
 * upload.getFile for one bot. The bot resolves each file itself (file references are per account) by
 * reading the storage message, caches the location, refreshes it once for all concurrent requests when
 * Telegram says it expired, and follows FILE_MIGRATE to the DC it names.
 */
export class BotFileReader {
  readonly #botId: string;
  readonly #client: TelegramClient;
  readonly #media: MediaConnections;
  /** Resolved locations by file key; a promise, so concurrent requests share one channels.getMessages. */
  readonly #sources = new LRUCache<string, Promise<FileSource>>({ max: 2_000 });
  /** Where FILE_MIGRATE sent a file, when not to the DC its document names. */
  readonly #movedTo = new LRUCache<string, number>({ max: 2_000 });
  readonly #channels = new Map<string, Promise<Api.InputChannel>>();

  constructor(botId: string, client: TelegramClient, media: MediaConnections) {
    this.#botId = botId;
    this.#client = client;
    this.#media = media;
  }

  async read(request: FilePartRequest, signal: AbortSignal): Promise<Uint8Array> {
    const { fileKey, location } = request;
    let refreshes = 0;
    let migrations = 0;
    for (;;) {
      const resolving = this.#source(fileKey, location);
      try {
        const source = await untilAborted(resolving, signal);
        const dcId = this.#movedTo.get(fileKey) ?? source.dcId;
        const file = await this.#media.invoke<Api.upload.TypeFile>(
          dcId,
          new Api.upload.GetFile({
            location: inputLocationOf(source, location),
            offset: helpers.returnBigInt(request.offset),
            limit: request.limit,
            precise: request.precise,
          }),
          signal,
        );
        // cdn_supported is never set, so Telegram answers upload.file; anything else is a broken DC.
        if (!(file instanceof Api.upload.File)) throw new Error(`getFile answered ${file.className}`);
        return file.bytes;
      } catch (error) {
        if (signal.aborted) throw signal.reason;
        if (error instanceof errors.FileMigrateError && migrations < MAX_MIGRATIONS) {
          migrations++;
          this.#movedTo.set(fileKey, error.newDc);
          continue;
        }
        if (REFERENCE_ERRORS.has(errorMessageOf(error) ?? '') && refreshes < MAX_REFRESHES) {
          refreshes++;
          // Only the first request to see the stale reference drops it; the rest share its refresh.
          if (this.#sources.get(fileKey) === resolving) this.#sources.delete(fileKey);
          continue;
        }
        throw filePartErrorOf(error, this.#botId, location);
      }
    }
  }

  #source(fileKey: string, location: StoredFileLocation): Promise<FileSource> {
    const cached = this.#sources.get(fileKey);
    if (cached) return cached;
    const resolving = this.#resolve(location);
    this.#sources.set(fileKey, resolving);
    resolving.catch(() => {
      if (this.#sources.get(fileKey) === resolving) this.#sources.delete(fileKey);
    });
    return resolving;
  }

  async #resolve(location: StoredFileLocation): Promise<FileSource> {
    const channel = await this.#channel(location.channelId);
    const result = await this.#client.invoke(
      new Api.channels.GetMessages({ channel, id: [new Api.InputMessageID({ id: location.messageId })] }),
    );
    const message =
      'messages' in result ? result.messages.find((found) => found.id === location.messageId) : undefined;
    const source = message && fileSourceOf(message);
    if (!source) throw new BotUnavailableError(`${describe(location)} has no file for bot ${this.#botId}`);
    if (source.documentId !== location.documentId) {
      throw new BotUnavailableError(
        `${describe(location)} now holds another file than ${location.documentId}`,
      );
    }
    return source;
  }

  /** The channel with this bot's access hash (bots may ask with hash 0). */
  #channel(channelId: string): Promise<Api.InputChannel> {
    let channel = this.#channels.get(channelId);
    if (!channel) {
      channel = resolveChannel(this.#client, channelId);
      this.#channels.set(channelId, channel);
      channel.catch(() => this.#channels.delete(channelId));
    }
    return channel;
  }
}

/** Resolves a channel id to the InputChannel this client must use. */
export async function resolveChannel(client: TelegramClient, channelId: string): Promise<Api.InputChannel> {
  const result = await client.invoke(
    new Api.channels.GetChannels({
      id: [
        new Api.InputChannel({
          channelId: helpers.returnBigInt(channelId),
          accessHash: helpers.returnBigInt(0),
        }),
      ],
    }),
  );
  const chat = result.chats.find((found) => found.id.toString() === channelId);
  if (!(chat instanceof Api.Channel)) {
    throw new BotUnavailableError(`the bot is not a member of channel ${channelId}`);
  }
  return new Api.InputChannel({ channelId: chat.id, accessHash: chat.accessHash ?? helpers.returnBigInt(0) });
}

/** {@link FilePartSource} over the started bots, each with its own references and connections. */
export class TelegramFileParts implements FilePartSource {
  readonly #readers = new Map<string, BotFileReader>();

  get bots(): readonly string[] {
    return [...this.#readers.keys()];
  }

  add(bot: BotConnection): void {
    this.#readers.set(bot.profile.id, new BotFileReader(bot.profile.id, bot.client, bot.media));
  }

  clear(): void {
    this.#readers.clear();
  }

  getFilePart(botId: string, request: FilePartRequest, signal: AbortSignal): Promise<Uint8Array> {
    const reader = this.#readers.get(botId);
    if (!reader) return Promise.reject(new BotUnavailableError(`bot ${botId} is not running`));
    return reader.read(request, signal);
  }
}
