import type { BotPool } from './bot-pool.ts';
import {
  BotUnavailableError,
  type FilePartRequest,
  type FilePartSource,
  FilePartTimeoutError,
  FloodWaitError,
} from './file-part-source.ts';
import { expectedPartLength, MIB } from './plan.ts';
import type { StreamMetrics } from './stream.metrics.ts';

export interface PartSchedulerOptions {
  /** An attempt taking longer than this is aborted and counted as a timeout. */
  readonly requestTimeoutMs: number;
  /** Failed attempts (timeouts, errors, bad answers) after which a part fails; FLOOD_WAITs do not count. */
  readonly maxAttemptsPerPart: number;
  /** The head-of-line part is hedged once its attempt is this many times the p95 latency old… */
  readonly hedgeLatencyFactor: number;
  /** …but never sooner than this… */
  readonly hedgeMinDelayMs: number;
  /** …and never later than this, which also applies before any latency is known. */
  readonly hedgeMaxDelayMs: number;
  /** How many recent whole-block latencies the p95 is taken over. */
  readonly latencySamples: number;
}

/** A part in progress. Its `bytes` reject with the signal's reason once the signal passed to fetch aborts. */
export interface PartFetch {
  readonly bytes: Promise<Uint8Array>;
  /** A stream waits on this part now: hedge it on a second bot if it is slow. */
  markHeadOfLine(): void;
}

export type PartFetchFailure = 'no-bots' | 'unavailable' | 'exhausted';

/** A part that could not be fetched from any bot. */
export class PartFetchError extends Error {
  override readonly name = 'PartFetchError';
  /** For fastify's error handler: Telegram is the upstream that failed. */
  readonly statusCode = 502;
  readonly reason: PartFetchFailure;

  constructor(reason: PartFetchFailure, message: string, options?: ErrorOptions) {
    super(message, options);
    this.reason = reason;
  }
}

/** Telegram answered with a different number of bytes than the file's size implies. */
class PartLengthError extends Error {
  override readonly name = 'PartLengthError';
}

interface Attempt {
  readonly bot: string;
  readonly controller: AbortController;
  readonly startedAt: number;
  readonly timer: NodeJS.Timeout;
  timedOut: boolean;
  /** The job no longer wants this attempt's answer (another bot won, or the job was aborted). */
  cancelled: boolean;
}

interface Job {
  readonly request: FilePartRequest;
  readonly deferred: PromiseWithResolvers<Uint8Array>;
  readonly attempts: Map<string, Attempt>;
  readonly tried: Set<string>;
  failures: number;
  queued: boolean;
  settled: boolean;
  headOfLine: boolean;
  hedgeTimer: NodeJS.Timeout | undefined;
}

/** Recent latencies in a ring, for the hedging threshold. */
class LatencyWindow {
  readonly #samples: number[] = [];
  readonly #capacity: number;
  #next = 0;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  record(ms: number): void {
    this.#samples[this.#next] = ms;
    this.#next = (this.#next + 1) % this.#capacity;
  }

  p95(): number | undefined {
    if (this.#samples.length === 0) return undefined;
    const sorted = [...this.#samples].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))];
  }
}

/**
 * Sends parts to bots: a queue of parts waiting for a bot with room, re-issued on another bot after a
 * FLOOD_WAIT, a timeout or an error, and hedged when a stream has been waiting on one too long
 * (streaming.md §3.7).
 */
export class PartScheduler {
  readonly #source: FilePartSource;
  readonly #pool: BotPool;
  readonly #options: PartSchedulerOptions;
  readonly #metrics: StreamMetrics | undefined;
  readonly #latency: LatencyWindow;
  /** Retries and hedges go before new parts. */
  readonly #urgent: Job[] = [];
  readonly #normal: Job[] = [];
  #wakeTimer: NodeJS.Timeout | undefined;
  #wakeAt = 0;

  constructor(source: FilePartSource, pool: BotPool, options: PartSchedulerOptions, metrics?: StreamMetrics) {
    this.#source = source;
    this.#pool = pool;
    this.#options = options;
    this.#metrics = metrics;
    this.#latency = new LatencyWindow(options.latencySamples);
  }

  fetch(request: FilePartRequest, signal: AbortSignal): PartFetch {
    const job: Job = {
      request,
      deferred: Promise.withResolvers<Uint8Array>(),
      attempts: new Map(),
      tried: new Set(),
      failures: 0,
      queued: false,
      settled: false,
      headOfLine: false,
      hedgeTimer: undefined,
    };
    const fetch: PartFetch = { bytes: job.deferred.promise, markHeadOfLine: () => this.#markHeadOfLine(job) };
    if (signal.aborted) {
      this.#settle(job, signal.reason);
      return fetch;
    }
    signal.addEventListener('abort', () => this.#settle(job, signal.reason), { once: true });
    this.#enqueue(job, false);
    this.#pump();
    return fetch;
  }

  /** How old the head-of-line attempt may get before it is hedged. */
  hedgeDelayMs(): number {
    const { hedgeLatencyFactor, hedgeMinDelayMs, hedgeMaxDelayMs } = this.#options;
    const p95 = this.#latency.p95();
    if (p95 === undefined) return hedgeMaxDelayMs;
    return Math.min(hedgeMaxDelayMs, Math.max(hedgeMinDelayMs, p95 * hedgeLatencyFactor));
  }

  #enqueue(job: Job, urgent: boolean): void {
    if (job.queued || job.settled) return;
    job.queued = true;
    (urgent ? this.#urgent : this.#normal).push(job);
  }

  #dequeue(job: Job): void {
    if (!job.queued) return;
    job.queued = false;
    for (const queue of [this.#urgent, this.#normal]) {
      const index = queue.indexOf(job);
      if (index >= 0) queue.splice(index, 1);
    }
  }

  /** Starts every queued part that some bot has room for; sleeps until a cool-down ends otherwise. */
  #pump(): void {
    const now = Date.now();
    const bots = this.#source.bots;
    for (const queue of [this.#urgent, this.#normal]) {
      for (let index = 0; index < queue.length; ) {
        const job = queue[index]!;
        const bot = this.#pool.pick(bots, job.request.fileKey, now, (candidate) =>
          job.attempts.has(candidate) ? Number.POSITIVE_INFINITY : job.tried.has(candidate) ? 1 : 0,
        );
        if (bot !== undefined) {
          queue.splice(index, 1);
          job.queued = false;
          this.#startAttempt(job, bot, now);
        } else if (job.attempts.size === 0 && !this.#anyBotCanRead(job, bots, now)) {
          this.#settle(job, this.#unreadable(job, bots));
        } else {
          index += 1;
        }
      }
    }
    this.#scheduleWake(bots, now);
  }

  #anyBotCanRead(job: Job, bots: readonly string[], now: number): boolean {
    return bots.some((bot) => this.#pool.isAvailableFor(bot, job.request.fileKey, now));
  }

  #unreadable(job: Job, bots: readonly string[]): PartFetchError {
    const { fileKey } = job.request;
    return bots.length === 0
      ? new PartFetchError('no-bots', 'no bot is configured to fetch files')
      : new PartFetchError('unavailable', `no bot can read file ${fileKey}`);
  }

  #scheduleWake(bots: readonly string[], now: number): void {
    if (this.#urgent.length + this.#normal.length === 0) {
      clearTimeout(this.#wakeTimer);
      this.#wakeTimer = undefined;
      return;
    }
    const at = this.#pool.nextCoolDownEnd(bots, now);
    if (at === undefined || (this.#wakeTimer !== undefined && this.#wakeAt <= at)) return;
    clearTimeout(this.#wakeTimer);
    this.#wakeAt = at;
    this.#wakeTimer = setTimeout(() => {
      this.#wakeTimer = undefined;
      this.#pump();
    }, at - now);
  }

  #startAttempt(job: Job, bot: string, now: number): void {
    const { request } = job;
    const controller = new AbortController();
    const attempt: Attempt = {
      bot,
      controller,
      startedAt: now,
      timedOut: false,
      cancelled: false,
      timer: setTimeout(() => {
        attempt.timedOut = true;
        controller.abort(new FilePartTimeoutError(`getFile took over ${this.#options.requestTimeoutMs} ms`));
      }, this.#options.requestTimeoutMs),
    };
    job.attempts.set(bot, attempt);
    job.tried.add(bot);
    this.#pool.begin(bot, request.limit);
    // A source that throws synchronously is treated like one that rejects.
    const call = async () => this.#source.getFilePart(bot, request, controller.signal);
    call().then(
      (bytes) => this.#onAnswer(job, attempt, bytes),
      (error: unknown) => this.#onFailure(job, attempt, error),
    );
    this.#armHedge(job);
  }

  #finishAttempt(job: Job, attempt: Attempt): void {
    clearTimeout(attempt.timer);
    job.attempts.delete(attempt.bot);
    this.#pool.end(attempt.bot, job.request.limit);
  }

  #onAnswer(job: Job, attempt: Attempt, bytes: Uint8Array): void {
    const { offset, limit, location } = job.request;
    const expected = expectedPartLength(offset, limit, location.size);
    if (bytes.length !== expected) {
      this.#onFailure(
        job,
        attempt,
        new PartLengthError(`expected ${expected} bytes at ${offset}, got ${bytes.length}`),
      );
      return;
    }
    this.#finishAttempt(job, attempt);
    const now = Date.now();
    this.#pool.recordSuccess(attempt.bot, bytes.length);
    if (!attempt.cancelled && !job.settled) {
      if (limit === MIB) this.#latency.record(now - attempt.startedAt);
      // Bots still working on this part lost the hedge race: they were the slow ones.
      for (const other of job.attempts.values()) this.#pool.recordSetback(other.bot, 'slow', now);
      this.#settle(job, undefined, bytes);
    }
    this.#pump();
  }

  #onFailure(job: Job, attempt: Attempt, error: unknown): void {
    this.#finishAttempt(job, attempt);
    if (attempt.cancelled || job.settled) {
      this.#pump();
      return;
    }
    const now = Date.now();
    const { bot } = attempt;
    if (error instanceof FloodWaitError) {
      this.#pool.recordSetback(bot, 'flood_wait', now, error.seconds);
    } else if (error instanceof BotUnavailableError) {
      this.#pool.markUnavailable(bot, job.request.fileKey, now);
    } else {
      const timedOut = attempt.timedOut || error instanceof FilePartTimeoutError;
      this.#pool.recordSetback(bot, timedOut ? 'timeout' : 'error', now);
      job.failures += 1;
    }
    if (job.failures >= this.#options.maxAttemptsPerPart) {
      const { fileKey, offset } = job.request;
      this.#settle(
        job,
        new PartFetchError('exhausted', `gave up on ${fileKey} at ${offset} after ${job.failures} failures`, {
          cause: error,
        }),
      );
    } else if (job.attempts.size === 0) {
      this.#enqueue(job, true);
    } else {
      this.#armHedge(job);
    }
    this.#pump();
  }

  #markHeadOfLine(job: Job): void {
    if (job.headOfLine) return;
    job.headOfLine = true;
    // A stream waits on it now: it goes before parts that streams only prefetch.
    const index = this.#normal.indexOf(job);
    if (index >= 0) {
      this.#normal.splice(index, 1);
      this.#urgent.push(job);
      this.#pump();
    }
    this.#armHedge(job);
  }

  /** Hedges a head-of-line part whose only attempt has been running for longer than the hedge delay. */
  #armHedge(job: Job): void {
    clearTimeout(job.hedgeTimer);
    job.hedgeTimer = undefined;
    if (!job.headOfLine || job.settled || job.attempts.size !== 1) return;
    const [attempt] = job.attempts.values();
    const delay = Math.max(0, attempt!.startedAt + this.hedgeDelayMs() - Date.now());
    job.hedgeTimer = setTimeout(() => {
      job.hedgeTimer = undefined;
      if (job.settled || job.queued || job.attempts.size !== 1) return;
      const now = Date.now();
      const hedgeable = this.#source.bots.some(
        (bot) => !job.attempts.has(bot) && this.#pool.isAvailableFor(bot, job.request.fileKey, now),
      );
      if (!hedgeable) return;
      this.#metrics?.hedges.inc();
      this.#enqueue(job, true);
      this.#pump();
    }, delay);
  }

  /** Resolves with `bytes`, or rejects with `error`, and stops everything else the job was doing. */
  #settle(job: Job, error: unknown, bytes?: Uint8Array): void {
    if (job.settled) return;
    job.settled = true;
    clearTimeout(job.hedgeTimer);
    this.#dequeue(job);
    for (const attempt of job.attempts.values()) {
      attempt.cancelled = true;
      attempt.controller.abort();
    }
    if (bytes) job.deferred.resolve(bytes);
    else job.deferred.reject(error);
  }
}
