import { setTimeout as sleep } from 'node:timers/promises';
import { BandwidthScheduler } from './bandwidth-scheduler.ts';

export interface NetworkSettings {
  /** Round trip added to every API call, in milliseconds. */
  rttMs: number;
  /** Extra delay drawn uniformly from [0, jitterMs] per call. */
  jitterMs: number;
  /** Bandwidth of one connection, its answers crossing it one after the other; Infinity for unlimited. */
  connectionBytesPerSecond: number;
  /** Optional cap per account (bot) across all its connections; Infinity for none. */
  accountBytesPerSecond: number;
}

export const UNLIMITED_NETWORK: NetworkSettings = {
  rttMs: 0,
  jitterMs: 0,
  connectionBytesPerSecond: Number.POSITIVE_INFINITY,
  accountBytesPerSecond: Number.POSITIVE_INFINITY,
};

/**
 * When an answer reaches the client: after the round trip (plus jitter), then after its bytes went
 * through the connection's bandwidth and the account's cap if one is set. One connection is one TCP
 * stream: its answers cross it in order, each after the one before (a 1 MiB answer is one write on the
 * server's socket), while the account's cap is shared fairly by its connections.
 */
export class NetworkModel {
  #settings: NetworkSettings;
  readonly #scheduler: BandwidthScheduler;
  /** Per connection, the answer last queued to cross it. */
  readonly #lastOnConnection = new Map<number, Promise<void>>();

  constructor(settings: NetworkSettings) {
    this.#settings = { ...settings };
    this.#scheduler = new BandwidthScheduler((resource) =>
      resource.startsWith('connection:')
        ? this.#settings.connectionBytesPerSecond
        : this.#settings.accountBytesPerSecond,
    );
  }

  get settings(): NetworkSettings {
    return { ...this.#settings };
  }

  update(changes: Partial<NetworkSettings>): NetworkSettings {
    this.#settings = { ...this.#settings, ...changes };
    this.#scheduler.recompute();
    return this.settings;
  }

  async deliver(connectionId: number, accountId: number | undefined, bytes: number): Promise<void> {
    const { rttMs, jitterMs } = this.#settings;
    const delay = rttMs + Math.random() * jitterMs;
    if (delay > 0) await sleep(delay);
    const resources = [`connection:${connectionId}`];
    if (accountId !== undefined) resources.push(`account:${accountId}`);
    const previous = this.#lastOnConnection.get(connectionId);
    const crossing = (previous ?? Promise.resolve()).then(() => this.#scheduler.transfer(bytes, resources));
    const settled = crossing.catch(() => {});
    this.#lastOnConnection.set(connectionId, settled);
    try {
      await crossing;
    } finally {
      if (this.#lastOnConnection.get(connectionId) === settled) this.#lastOnConnection.delete(connectionId);
    }
  }
}
