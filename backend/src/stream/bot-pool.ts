import type { StreamMetrics } from './stream.metrics.ts';

export interface BotPoolOptions {
  readonly initialConcurrency: number;
  readonly maxConcurrency: number;
  /** How long a bot stays out of rotation for a file after BotUnavailableError. */
  readonly botUnavailableMs: number;
}

/** Expired entries of the unavailable map are swept once it grows this large. */
const UNAVAILABLE_SWEEP_SIZE = 1024;

export type BotSetback = 'flood_wait' | 'timeout' | 'slow' | 'error';

interface BotState {
  /** Congestion window: requests this bot may have in flight, grown additively and halved on trouble. */
  window: number;
  inFlight: number;
  inFlightBytes: number;
  coolDownUntil: number;
}

/**
 * The shared, per-bot view of load and health that every stream schedules against: AIMD concurrency per
 * bot (like Telegram Desktop's per-session window, streaming.md §2.1), cool-downs after FLOOD_WAIT, and
 * bots that cannot read a given file.
 */
export class BotPool {
  readonly #options: BotPoolOptions;
  readonly #metrics: StreamMetrics | undefined;
  readonly #bots = new Map<string, BotState>();
  /** `${bot}\n${fileKey}` → until when the bot is out of rotation for that file. */
  readonly #unavailable = new Map<string, number>();

  constructor(options: BotPoolOptions, metrics?: StreamMetrics) {
    this.#options = options;
    this.#metrics = metrics;
  }

  #state(bot: string): BotState {
    let state = this.#bots.get(bot);
    if (!state) {
      state = { window: this.#options.initialConcurrency, inFlight: 0, inFlightBytes: 0, coolDownUntil: 0 };
      this.#bots.set(bot, state);
    }
    return state;
  }

  isAvailableFor(bot: string, fileKey: string, now: number): boolean {
    const key = `${bot}\n${fileKey}`;
    const until = this.#unavailable.get(key);
    if (until === undefined) return true;
    if (until > now) return false;
    this.#unavailable.delete(key);
    return true;
  }

  /**
   * The bot to send the next request of `fileKey` to: among bots that can read the file, are not cooling
   * down and have room in their window, the one ranked lowest by `rank` then by bytes in flight.
   */
  pick(
    bots: readonly string[],
    fileKey: string,
    now: number,
    rank: (bot: string) => number,
  ): string | undefined {
    let best: string | undefined;
    let bestRank = 0;
    let bestBytes = 0;
    for (const bot of bots) {
      const state = this.#state(bot);
      if (state.coolDownUntil > now || state.inFlight >= Math.floor(state.window)) continue;
      if (!this.isAvailableFor(bot, fileKey, now)) continue;
      const botRank = rank(bot);
      if (botRank === Number.POSITIVE_INFINITY) continue;
      if (
        best === undefined ||
        botRank < bestRank ||
        (botRank === bestRank && state.inFlightBytes < bestBytes)
      ) {
        best = bot;
        bestRank = botRank;
        bestBytes = state.inFlightBytes;
      }
    }
    return best;
  }

  /** When the earliest cool-down among `bots` ends, if any is cooling down. */
  nextCoolDownEnd(bots: readonly string[], now: number): number | undefined {
    let earliest: number | undefined;
    for (const bot of bots) {
      const until = this.#state(bot).coolDownUntil;
      if (until > now && (earliest === undefined || until < earliest)) earliest = until;
    }
    return earliest;
  }

  begin(bot: string, bytes: number): void {
    const state = this.#state(bot);
    state.inFlight += 1;
    state.inFlightBytes += bytes;
    this.#metrics?.botInFlight.set({ bot }, state.inFlight);
  }

  end(bot: string, bytes: number): void {
    const state = this.#state(bot);
    state.inFlight -= 1;
    state.inFlightBytes -= bytes;
    this.#metrics?.botInFlight.set({ bot }, state.inFlight);
  }

  /** One more window's worth of successes grows the window by one request (additive increase). */
  recordSuccess(bot: string, bytes: number): void {
    const state = this.#state(bot);
    state.window = Math.min(this.#options.maxConcurrency, state.window + 1 / Math.floor(state.window));
    this.#metrics?.botBytes.inc({ bot }, bytes);
    this.#metrics?.botConcurrency.set({ bot }, Math.floor(state.window));
  }

  /** Halves the window; a FLOOD_WAIT also takes the bot out of rotation for the time Telegram asked. */
  recordSetback(bot: string, kind: BotSetback, now: number, floodWaitSeconds = 0): void {
    const state = this.#state(bot);
    state.window = Math.max(1, Math.floor(state.window / 2));
    if (kind === 'flood_wait') {
      state.coolDownUntil = Math.max(state.coolDownUntil, now + floodWaitSeconds * 1000);
      this.#metrics?.floodWaits.inc({ bot });
      this.#metrics?.floodWaitSeconds.inc({ bot }, floodWaitSeconds);
    }
    this.#metrics?.botErrors.inc({ bot, kind });
    this.#metrics?.botConcurrency.set({ bot }, Math.floor(state.window));
  }

  markUnavailable(bot: string, fileKey: string, now: number): void {
    if (this.#unavailable.size >= UNAVAILABLE_SWEEP_SIZE) {
      for (const [key, until] of this.#unavailable) if (until <= now) this.#unavailable.delete(key);
    }
    this.#unavailable.set(`${bot}\n${fileKey}`, now + this.#options.botUnavailableMs);
    this.#metrics?.botErrors.inc({ bot, kind: 'unavailable' });
  }

  /** Current window of a bot, for tests and diagnostics. */
  concurrencyOf(bot: string): number {
    return Math.floor(this.#state(bot).window);
  }
}
