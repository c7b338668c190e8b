import {
  BotUnavailableError,
  type FilePartRequest,
  type FilePartSource,
  FilePartTimeoutError,
  FloodWaitError,
  fileKeyOf,
  type StoredFileLocation,
} from '../file-part-source.ts';
import { filePartViolation } from '../plan.ts';

/** What Telegram answers to a getFile that breaks the offset/limit rules. */
export class TelegramRpcError extends Error {
  override readonly name = 'TelegramRpcError';
  readonly code: string;

  constructor(code: string) {
    super(code);
    this.code = code;
  }
}

/** A one-shot misbehaviour of a bot, taken by the next request it matches. */
export type FakeFault =
  | { readonly kind: 'flood_wait'; readonly seconds: number }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'error' }
  | { readonly kind: 'unavailable' }
  /** Answers one byte short, as a broken gateway would. */
  | { readonly kind: 'short' }
  /** Never answers; only an abort ends the request. */
  | { readonly kind: 'hang' };

export interface FakeBotBehaviour {
  /** Delay before each answer; 0 answers on the next turn of the event loop. */
  readonly latencyMs?: number;
  /** FLOOD_WAIT of this many seconds whenever the bot has more than `floodWaitAbove` requests in flight. */
  readonly floodWaitAbove?: number;
  readonly floodWaitSeconds?: number;
}

export interface FakeCall {
  readonly bot: string;
  readonly fileKey: string;
  readonly offset: number;
  readonly limit: number;
  readonly precise: boolean;
  /** `Date.now()` when the request arrived. */
  readonly at: number;
}

interface PendingFault {
  readonly fault: FakeFault;
  readonly when: (request: FilePartRequest) => boolean;
}

/**
 * A test double of the Telegram gateway. It refuses requests that Telegram would refuse (and records
 * them in `violations`), serves each registered file's deterministic bytes ({@link fakeFileBytes}) without
 * ever allocating a whole file, and lets a test slow bots down or make them fail.
 */
export class FakeFilePartSource implements FilePartSource {
  bots: string[];
  readonly calls: FakeCall[] = [];
  readonly violations: string[] = [];
  readonly #files = new Map<string, StoredFileLocation>();
  readonly #behaviour = new Map<string, FakeBotBehaviour>();
  readonly #faults = new Map<string, PendingFault[]>();
  readonly #inFlight = new Map<string, number>();
  readonly #peakInFlight = new Map<string, number>();

  constructor(bots: readonly string[], behaviour: FakeBotBehaviour = {}) {
    this.bots = [...bots];
    for (const bot of bots) this.#behaviour.set(bot, behaviour);
  }

  addFile(location: StoredFileLocation): StoredFileLocation {
    this.#files.set(fileKeyOf(location), location);
    return location;
  }

  setBehaviour(bot: string, behaviour: FakeBotBehaviour): void {
    this.#behaviour.set(bot, behaviour);
  }

  /** Queues `fault` for the next `times` requests to `bot` that satisfy `when`. */
  injectFault(
    bot: string,
    fault: FakeFault,
    options: { times?: number; when?: (request: FilePartRequest) => boolean } = {},
  ): void {
    const queue = this.#faults.get(bot) ?? [];
    for (let i = 0; i < (options.times ?? 1); i += 1)
      queue.push({ fault, when: options.when ?? (() => true) });
    this.#faults.set(bot, queue);
  }

  /** Requests in flight, for one bot or all. */
  inFlight(bot?: string): number {
    if (bot !== undefined) return this.#inFlight.get(bot) ?? 0;
    let total = 0;
    for (const count of this.#inFlight.values()) total += count;
    return total;
  }

  peakInFlight(bot: string): number {
    return this.#peakInFlight.get(bot) ?? 0;
  }

  callsTo(bot: string): FakeCall[] {
    return this.calls.filter((call) => call.bot === bot);
  }

  async getFilePart(bot: string, request: FilePartRequest, signal: AbortSignal): Promise<Uint8Array> {
    const { fileKey, offset, limit, precise } = request;
    if (!this.bots.includes(bot)) throw new Error(`unknown bot ${bot}`);
    this.calls.push({ bot, fileKey, offset, limit, precise, at: Date.now() });
    const violation = filePartViolation(offset, limit, precise);
    if (violation) {
      this.violations.push(`${violation}: offset=${offset} limit=${limit} precise=${precise}`);
      throw new TelegramRpcError(violation);
    }
    const file = this.#files.get(fileKey);
    if (!file) throw new BotUnavailableError(`file ${fileKey} is not in the channel`);

    const inFlight = (this.#inFlight.get(bot) ?? 0) + 1;
    this.#inFlight.set(bot, inFlight);
    this.#peakInFlight.set(bot, Math.max(this.peakInFlight(bot), inFlight));
    try {
      const behaviour = this.#behaviour.get(bot) ?? {};
      const fault = this.#takeFault(bot, request);
      if (behaviour.floodWaitAbove !== undefined && inFlight > behaviour.floodWaitAbove) {
        throw new FloodWaitError(behaviour.floodWaitSeconds ?? 1);
      }
      switch (fault?.kind) {
        case 'flood_wait':
          throw new FloodWaitError(fault.seconds);
        case 'timeout':
          throw new FilePartTimeoutError('simulated timeout');
        case 'error':
          throw new Error('simulated connection reset');
        case 'unavailable':
          throw new BotUnavailableError('simulated CHANNEL_PRIVATE');
        case 'hang':
          await abortable(Number.POSITIVE_INFINITY, signal);
          break;
        default:
          await abortable(behaviour.latencyMs ?? 0, signal);
      }
      const end = Math.min(offset + limit, file.size);
      const bytes = fakeFileBytes(file, offset, Math.max(offset, end));
      return fault?.kind === 'short' ? bytes.subarray(0, Math.max(0, bytes.length - 1)) : bytes;
    } finally {
      this.#inFlight.set(bot, (this.#inFlight.get(bot) ?? 1) - 1);
    }
  }

  #takeFault(bot: string, request: FilePartRequest): FakeFault | undefined {
    const queue = this.#faults.get(bot);
    const index = queue?.findIndex((pending) => pending.when(request)) ?? -1;
    if (!queue || index < 0) return undefined;
    return queue.splice(index, 1)[0]?.fault;
  }
}

/** Waits `ms` (forever for Infinity), or rejects with the signal's reason as soon as it aborts. */
function abortable(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    let cancel = () => {};
    // setTimeout(0) waits a whole millisecond; thousands of instant answers would add up.
    if (ms === 0) {
      const immediate = setImmediate(finish);
      cancel = () => clearImmediate(immediate);
    } else if (Number.isFinite(ms)) {
      const timer = setTimeout(finish, ms);
      cancel = () => clearTimeout(timer);
    }
    function finish() {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }
    function onAbort() {
      cancel();
      reject(signal.reason);
    }
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** A test file of `size` bytes; `n` tells files apart. */
export function fakeLocation(size: number, n = 1): StoredFileLocation {
  return { channelId: '-1001234567890', messageId: n, documentId: `${5_000_000_000 + n}`, dcId: 2, size };
}

/** murmur3's 32-bit finaliser: a cheap, well-mixed hash of one word. */
function mix32(value: number): number {
  let h = value;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function seedOf(fileKey: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < fileKey.length; i += 1) hash = Math.imul(hash ^ fileKey.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

/**
 * Bytes `[start, end)` of a fake file: every 4-byte word is a hash of the file and the word's index, so a
 * byte out of place, a shifted range or another file's byte shows up in a compare.
 */
export function fakeFileBytes(location: StoredFileLocation, start: number, end: number): Uint8Array {
  const seed = seedOf(fileKeyOf(location));
  const bytes = new Uint8Array(end - start);
  for (let position = start; position < end; ) {
    const index = Math.floor(position / 4);
    const value = mix32(seed ^ mix32(index >>> 0) ^ Math.imul(Math.floor(index / 2 ** 32), 0x9e3779b1));
    const wordEnd = Math.min(end, index * 4 + 4);
    for (; position < wordEnd; position += 1)
      bytes[position - start] = (value >>> ((position - index * 4) * 8)) & 0xff;
  }
  return bytes;
}
