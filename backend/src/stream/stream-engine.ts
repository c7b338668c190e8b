import { z } from 'zod';
import { BlockCache, type BlockLease } from './block-cache.ts';
import { BotPool } from './bot-pool.ts';
import { type FilePartSource, fileKeyOf, type StoredFileLocation } from './file-part-source.ts';
import { PartScheduler } from './part-scheduler.ts';
import { expectedPartLength, MIB, type PlannedPart, planRange } from './plan.ts';
import type { ByteRange } from './range.ts';
import type { StreamMetrics } from './stream.metrics.ts';

/** Every tunable of the engine; defaults follow streaming.md §5. */
export const StreamEngineOptions = z
  .object({
    /**
     * Size of the first, `precise` call of a stream: small for a fast first byte. 64 KiB (TDLib's first
     * part size) arrives in 8 ms over an 8 MiB/s connection where 128 KiB takes 16; Chrome reads in
     * 32 KiB blocks, and the first whole block is on its way meanwhile.
     */
    headBytes: z
      .number()
      .int()
      .min(0)
      .max(MIB)
      .multipleOf(1024)
      .default(64 * 1024),
    /**
     * Most bytes a stream may have requested ahead of its reader: its memory when the reader stalls
     * (streaming.md §5: at most 16 MiB per stream).
     */
    windowBytes: z
      .number()
      .int()
      .positive()
      .default(16 * MIB),
    /**
     * Read-ahead per bot in the pool, up to `windowBytes`: a block crossing each bot's connection and
     * one queued behind it, so that no connection waits a round trip between blocks. A stream gets at
     * least {@link BASE_WINDOW_BYTES}.
     */
    windowBytesPerBot: z
      .number()
      .int()
      .positive()
      .default(2 * MIB),
    /** Global budget for parts in flight, held by streams and cached; see {@link BlockCache}. */
    memoryBudgetBytes: z
      .number()
      .int()
      .min(0)
      .default(256 * MIB),
    initialConcurrency: z.number().int().positive().default(4),
    maxConcurrency: z.number().int().positive().default(16),
    /** Telegram Desktop counts a request over 8 s as a timeout, and ExoPlayer's read timeout is 8 s. */
    requestTimeoutMs: z.number().int().positive().default(8_000),
    maxAttemptsPerPart: z.number().int().positive().default(5),
    hedgeLatencyFactor: z.number().positive().default(2),
    hedgeMinDelayMs: z.number().int().min(0).default(250),
    // Well under the 2 s a player may wait without data (and ExoPlayer's 8 s read timeout).
    hedgeMaxDelayMs: z.number().int().min(0).default(1_000),
    latencySamples: z.number().int().positive().default(64),
    botUnavailableMs: z
      .number()
      .int()
      .min(0)
      .default(10 * 60_000),
  })
  .refine((options) => options.initialConcurrency <= options.maxConcurrency, {
    message: 'initialConcurrency must not exceed maxConcurrency',
  })
  .refine((options) => options.hedgeMinDelayMs <= options.hedgeMaxDelayMs, {
    message: 'hedgeMinDelayMs must not exceed hedgeMaxDelayMs',
  });
export type StreamEngineOptions = z.output<typeof StreamEngineOptions>;
export type StreamEngineOptionsInput = z.input<typeof StreamEngineOptions>;

export interface OpenStreamOptions {
  /** Aborting closes the stream at once and cancels its requests; a pending `next()` rejects. */
  readonly signal?: AbortSignal;
}

/** Read-ahead of a stream over few bots: room to ride out one slow part (the engine's first window). */
export const BASE_WINDOW_BYTES = 8 * MIB;

const CLOSED = Symbol('closed');
const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

/**
 * The bytes of one range of one file, in order, as an async iterator. It keeps up to `windowBytes` of
 * requests ahead of its reader and no more, so a reader that stops pulling stops the fetching; `return()`
 * (a `break` out of `for await`) cancels everything at once, even while a `next()` is pending. Fetching
 * starts with the first `next()`; read the stream to its end or return it. Chunks are views into shared
 * blocks: read them, never write to them.
 */
export class FileByteStream implements AsyncIterableIterator<Uint8Array, undefined, undefined> {
  readonly #parts: readonly PlannedPart[];
  readonly #lease: (part: PlannedPart) => BlockLease;
  readonly #windowBytes: number;
  readonly #metrics: StreamMetrics | undefined;
  readonly #signal: AbortSignal | undefined;
  /** Settles the pull waiting now, if any, when the stream closes. One per pull: a race against a
   * promise that outlives it would keep every chunk the race ever returned alive until it settles. */
  #closing: PromiseWithResolvers<typeof CLOSED> | undefined;
  readonly #openedAt = performance.now();
  /** Leases of parts `#nextYield` … `#nextIssue - 1`, in order. */
  readonly #leases: BlockLease[] = [];
  #nextIssue = 0;
  #nextYield = 0;
  #leasedBytes = 0;
  #closed = false;
  /** Thrown by the next pull, once: why the stream closed early. */
  #failure: { error: unknown } | undefined;
  #tail: Promise<unknown> = Promise.resolve();

  constructor(
    parts: readonly PlannedPart[],
    lease: (part: PlannedPart) => BlockLease,
    windowBytes: number,
    metrics: StreamMetrics | undefined,
    signal: AbortSignal | undefined,
  ) {
    this.#parts = parts;
    this.#lease = lease;
    this.#windowBytes = windowBytes;
    this.#metrics = metrics;
    this.#signal = signal;
    metrics?.activeStreams.inc();
    if (signal?.aborted) this.#abort();
    else signal?.addEventListener('abort', this.#abort, { once: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<Uint8Array, undefined>> {
    const result = this.#tail.then(() => this.#pull());
    this.#tail = result.catch(() => {});
    return result;
  }

  async return(): Promise<IteratorReturnResult<undefined>> {
    this.#close();
    return DONE;
  }

  readonly #abort = (): void => {
    if (this.#closed) return;
    this.#failure = { error: this.#signal?.reason };
    this.#close();
  };

  async #pull(): Promise<IteratorResult<Uint8Array, undefined>> {
    if (this.#closed) return this.#takeFailure();
    const part = this.#parts[this.#nextYield];
    if (!part) {
      this.#close();
      return DONE;
    }
    this.#fill();
    const lease = this.#leases[0]!;
    lease.markHeadOfLine();
    let bytes: Uint8Array | typeof CLOSED;
    try {
      this.#closing = Promise.withResolvers<typeof CLOSED>();
      bytes = await Promise.race([lease.bytes, this.#closing.promise]);
    } catch (error) {
      this.#close();
      throw error;
    } finally {
      this.#closing = undefined;
    }
    if (bytes === CLOSED || this.#closed) return this.#takeFailure();
    const chunk = bytes.subarray(part.skip, part.skip + part.take);
    this.#leases.shift()!.release();
    this.#leasedBytes -= part.limit;
    this.#nextYield += 1;
    if (this.#nextYield === 1)
      this.#metrics?.timeToFirstByte.observe((performance.now() - this.#openedAt) / 1000);
    this.#metrics?.bytesStreamed.inc(chunk.length);
    if (this.#nextYield === this.#parts.length) this.#close();
    else this.#fill();
    return { done: false, value: chunk };
  }

  #takeFailure(): IteratorReturnResult<undefined> {
    const failure = this.#failure;
    this.#failure = undefined;
    if (failure) throw failure.error;
    return DONE;
  }

  /** Requests parts ahead of the reader until the window is full; the head-of-line part always goes. */
  #fill(): void {
    while (!this.#closed && this.#nextIssue < this.#parts.length) {
      const part = this.#parts[this.#nextIssue]!;
      if (this.#leases.length > 0 && this.#leasedBytes + part.limit > this.#windowBytes) return;
      this.#leases.push(this.#lease(part));
      this.#leasedBytes += part.limit;
      this.#nextIssue += 1;
    }
  }

  #close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const lease of this.#leases.splice(0)) lease.release();
    this.#leasedBytes = 0;
    this.#signal?.removeEventListener('abort', this.#abort);
    this.#closing?.resolve(CLOSED);
    this.#metrics?.activeStreams.dec();
  }
}

/**
 * Streams Telegram files: plans each range into legal getFile calls, spreads them over the bot pool,
 * shares blocks between streams and keeps memory within the configured budget.
 */
export class StreamEngine {
  readonly options: StreamEngineOptions;
  readonly #metrics: StreamMetrics | undefined;
  readonly #cache: BlockCache;
  readonly #scheduler: PartScheduler;
  readonly #source: FilePartSource;

  constructor(source: FilePartSource, options: StreamEngineOptionsInput = {}, metrics?: StreamMetrics) {
    this.options = StreamEngineOptions.parse(options);
    this.#source = source;
    this.#metrics = metrics;
    this.#cache = new BlockCache(this.options.memoryBudgetBytes, metrics);
    const pool = new BotPool(this.options, metrics);
    this.#scheduler = new PartScheduler(source, pool, this.options, metrics);
  }

  /** How far a stream reads ahead over the bots there are now. */
  get windowBytes(): number {
    const { windowBytes, windowBytesPerBot } = this.options;
    return Math.min(windowBytes, Math.max(BASE_WINDOW_BYTES, windowBytesPerBot * this.#source.bots.length));
  }

  /** Bytes currently in flight, held by streams or cached. */
  get memoryBytes(): number {
    return this.#cache.usedBytes;
  }

  /**
   * Opens the inclusive `range` of the file, or the whole file without one.
   * @throws RangeError when the range is not inside the file.
   */
  open(location: StoredFileLocation, range?: ByteRange, options: OpenStreamOptions = {}): FileByteStream {
    const { size } = location;
    if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`invalid file size ${size}`);
    const fileKey = fileKeyOf(location);
    let parts: PlannedPart[] = [];
    const { start, end } = range ?? { start: 0, end: size - 1 };
    if (range || size > 0) {
      // The small precise head only pays off when the first block is not already cached or coming.
      const firstBlockKnown = this.#cache.has(blockKey(fileKey, Math.floor(start / MIB)));
      parts = planRange(size, start, end, { headBytes: firstBlockKnown ? 0 : this.options.headBytes });
    }
    const lease = (part: PlannedPart): BlockLease =>
      this.#cache.lease(
        part.whole ? blockKey(fileKey, part.block) : `${fileKey}@${part.offset}+${part.limit}`,
        expectedPartLength(part.offset, part.limit, size),
        (signal) =>
          this.#scheduler.fetch(
            { fileKey, location, offset: part.offset, limit: part.limit, precise: part.precise },
            signal,
          ),
        part.whole,
      );
    return new FileByteStream(parts, lease, this.windowBytes, this.#metrics, options.signal);
  }
}

function blockKey(fileKey: string, block: number): string {
  return `${fileKey}#${block}`;
}
