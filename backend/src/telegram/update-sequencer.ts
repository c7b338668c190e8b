import { LRUCache } from 'lru-cache';
import type { BotUpdate } from './telegram.gateway.ts';
import type { UpdateState } from './telegram-session.store.ts';
import type { PtsStep } from './update.mapping.ts';

/** One answer of updates.getDifference, already mapped: what was missed and where that leaves us. */
export interface DifferencePage {
  readonly updates: readonly BotUpdate[];
  readonly state: UpdateState;
  /** False for a differenceSlice: ask again from `state` for the rest. */
  readonly final: boolean;
}

export interface UpdateSequencerPorts {
  /** Rejects once `signal` aborts (the sequencer is closing). */
  getDifference(from: UpdateState, signal: AbortSignal): Promise<DifferencePage>;
  deliver(update: BotUpdate): Promise<void>;
  saveState(state: UpdateState): Promise<void>;
  /** A handler failed, or catching up did; the sequencer carries on. */
  reportError(error: unknown, context: string): void;
}

export interface UpdateSequencerOptions {
  /**
   * How long a gap may wait for the missing updates before getDifference fills it. Updates can overtake
   * each other (a pushed message before the result of our own send), so Telegram advises a short wait.
   */
  gapTimeoutMs?: number;
  /** How many delivered message ids are remembered to drop a message that arrives twice. */
  rememberedMessages?: number;
}

interface Pending {
  readonly step: PtsStep;
  readonly update: BotUpdate | undefined;
}

/**
 * Applies the account's common update sequence (core.telegram.org/api/updates) so that each update is
 * handled once, in order, even across disconnects and restarts: a step that continues `pts` is applied,
 * one already covered is dropped, one after a gap waits for the gap to fill or for getDifference, which
 * also runs after every (re)connect. Everything runs one task at a time; the state is saved after each
 * delivered update, so a restart resumes right after the last handled one.
 */
export class UpdateSequencer {
  readonly #ports: UpdateSequencerPorts;
  readonly #gapTimeoutMs: number;
  readonly #delivered: LRUCache<string, true>;
  readonly #pending = new Map<number, Pending>();
  readonly #started = Promise.withResolvers<void>();
  readonly #closing = new AbortController();
  #state: UpdateState | undefined;
  #tail: Promise<void>;
  #gapTimer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(ports: UpdateSequencerPorts, options: UpdateSequencerOptions = {}) {
    this.#ports = ports;
    this.#gapTimeoutMs = options.gapTimeoutMs ?? 500;
    this.#delivered = new LRUCache({ max: options.rememberedMessages ?? 10_000 });
    // Updates that arrive before the saved state is known wait for begin().
    this.#tail = this.#started.promise;
  }

  get state(): UpdateState | undefined {
    return this.#state;
  }

  /** Starts processing from a known state (the saved one, or updates.getState on a first run). */
  begin(state: UpdateState): void {
    this.#state = state;
    this.#started.resolve();
  }

  /** A live update that moves pts; `update` is what to deliver, if anything. */
  step(step: PtsStep, update?: BotUpdate): void {
    this.#enqueue(() => this.#applyStep({ step, update }));
  }

  /** A live update outside the sequence (callback queries): delivered in arrival order. */
  unsequenced(update: BotUpdate): void {
    this.#enqueue(() => this.#deliver(update));
  }

  /** Fetches and delivers everything missed since the current state; resolves when done. */
  catchUp(): Promise<void> {
    return this.#enqueue(() => this.#difference());
  }

  /** Stops taking work, cancels catching up, and waits for a handler finishing its update. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#closing.abort();
    clearTimeout(this.#gapTimer);
    this.#started.resolve();
    await this.#tail;
  }

  #enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.#tail.then(async () => {
      if (!this.#closed) await task();
    });
    this.#tail = run.catch((error: unknown) => {
      if (!this.#closed) this.#ports.reportError(error, 'processing updates failed');
    });
    return this.#tail;
  }

  async #applyStep(item: Pending): Promise<void> {
    const state = this.#state!;
    const { pts, ptsCount } = item.step;
    if (pts <= state.pts) return;
    if (pts - ptsCount > state.pts) {
      this.#pending.set(pts, item);
      this.#armGapTimer();
      return;
    }
    await this.#accept(item);
    await this.#drainPending();
  }

  async #accept({ step, update }: Pending): Promise<void> {
    if (update) await this.#deliver(update);
    this.#state = { ...this.#state!, pts: step.pts };
    if (update) await this.#ports.saveState(this.#state);
  }

  /** Applies waiting steps that now continue the sequence, drops covered ones, re-arms for a gap left. */
  async #drainPending(): Promise<void> {
    for (const pts of [...this.#pending.keys()].sort((a, b) => a - b)) {
      const item = this.#pending.get(pts)!;
      if (pts <= this.#state!.pts) {
        this.#pending.delete(pts);
        continue;
      }
      if (pts - item.step.ptsCount > this.#state!.pts) break;
      this.#pending.delete(pts);
      await this.#accept(item);
    }
    if (this.#pending.size === 0) {
      clearTimeout(this.#gapTimer);
      this.#gapTimer = undefined;
    } else {
      this.#armGapTimer();
    }
  }

  #armGapTimer(): void {
    if (this.#gapTimer || this.#closed) return;
    this.#gapTimer = setTimeout(() => {
      this.#gapTimer = undefined;
      if (this.#pending.size > 0) void this.catchUp();
    }, this.#gapTimeoutMs);
    this.#gapTimer.unref();
  }

  async #difference(): Promise<void> {
    try {
      for (;;) {
        const page = await this.#ports.getDifference(this.#state!, this.#closing.signal);
        for (const update of page.updates) {
          if (this.#closed) return;
          await this.#deliver(update);
        }
        this.#state = page.state;
        await this.#ports.saveState(page.state);
        if (page.final) break;
      }
    } finally {
      // Whatever happened, steps the difference covered are done; a gap still open waits for the timer.
      await this.#drainPending();
    }
  }

  async #deliver(update: BotUpdate): Promise<void> {
    const key =
      update.type === 'message' ? `${update.message.chatId}:${update.message.messageId}` : undefined;
    if (key !== undefined) {
      if (this.#delivered.has(key)) return;
      this.#delivered.set(key, true);
    }
    try {
      await this.#ports.deliver(update);
    } catch (error) {
      this.#ports.reportError(error, 'the update handler failed');
    }
  }
}
