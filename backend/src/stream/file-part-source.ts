import type { TelegramLocation } from '@teleplay/contracts';

/** A stored file as the stream engine sees it: where its bytes live and how many there are. */
export interface StoredFileLocation extends TelegramLocation {
  readonly size: number;
  /** The file's largest preview rather than the file itself; `size` is then the preview's. */
  readonly thumbnail?: true;
}

/**
 * One `upload.getFile` call, already legal under Telegram's rules (streaming.md §1.2): the engine plans
 * offsets and limits, the gateway only sends them.
 */
export interface FilePartRequest {
  /** Stable id of the file's bytes: the same key always means the same bytes. */
  readonly fileKey: string;
  readonly location: StoredFileLocation;
  readonly offset: number;
  readonly limit: number;
  readonly precise: boolean;
}

/**
 * The port the Telegram gateway implements for streaming. The gateway guarantees that:
 * - it resolves with exactly the `bytes` of `upload.file` (short only at the end of the file);
 * - each bot resolves and refreshes its own file reference (FILE_REFERENCE_EXPIRED/INVALID) and follows
 *   FILE_MIGRATE to `location.dcId` on a media connection, so neither reaches the engine;
 * - it never sets `cdn_supported`;
 * - it does not retry FLOOD_WAIT/FLOOD_PREMIUM_WAIT itself but throws {@link FloodWaitError}, so the
 *   engine can move the part to another bot at once;
 * - errors that are permanent for one bot and file (CHANNEL_PRIVATE, MSG_ID_INVALID, …) become
 *   {@link BotUnavailableError};
 * - it rejects promptly once `signal` aborts and stops using the connection for that request;
 * - calls are safe concurrently, up to the engine's per-bot concurrency (16 by default).
 */
export interface FilePartSource {
  /** Ids of the bots that can fetch files (the main bot and helpers); read again on every decision. */
  readonly bots: readonly string[];
  getFilePart(botId: string, request: FilePartRequest, signal: AbortSignal): Promise<Uint8Array>;
}

/** FLOOD_WAIT_X or FLOOD_PREMIUM_WAIT_X: this bot must not call getFile for `seconds`. */
export class FloodWaitError extends Error {
  override readonly name = 'FloodWaitError';
  readonly seconds: number;

  constructor(seconds: number, options?: ErrorOptions) {
    super(`flood wait of ${seconds}s`, options);
    this.seconds = seconds;
  }
}

/** The request took too long on the gateway's side (dropped connection, stalled DC). */
export class FilePartTimeoutError extends Error {
  override readonly name = 'FilePartTimeoutError';
}

/** This bot can never fetch this file (not in the channel, message gone for it). Other bots may. */
export class BotUnavailableError extends Error {
  override readonly name = 'BotUnavailableError';
}

/** The key under which blocks of one file are shared; includes the document, since edits can swap it. */
export function fileKeyOf(location: StoredFileLocation): string {
  const key = `${location.channelId}:${location.messageId}:${location.documentId}`;
  return location.thumbnail ? `${key}:thumbnail` : key;
}
