import { Api, helpers } from 'teleproto';

/** The parts of a teleproto client the keep-alive uses. */
export interface KeepAliveTarget {
  readonly _sender?:
    | {
        isConnected(): boolean;
        readonly isReconnecting: boolean;
        send(request: Api.AnyRequest): Promise<unknown> | undefined;
        reconnect(): void;
      }
    | undefined;
  invoke(request: Api.updates.GetState): Promise<unknown>;
}

export interface KeepAliveOptions {
  pingIntervalMs?: number;
  pingTimeoutMs?: number;
  /** Telegram stops pushing updates to a session that makes no request for long. */
  stateRefreshMs?: number;
  onReconnect?: (reason: unknown) => void;
}

/** Seconds after which the server closes a connection whose pings stopped (a client that died). */
const DISCONNECT_DELAY_SECONDS = 60;

/**
 * Keeps a bot's main connection alive in place of teleproto's update loop, which does the same job but
 * cannot be stopped cleanly: every ping arms a 10 s timer that holds the process open after destroy(),
 * and a ping in flight at destroy() is retried for 30 s and then printed as "Error: TIMEOUT". Same
 * protocol: ping_delay_disconnect every 9 s, a reconnect when a ping goes unanswered (a half-open TCP
 * connection only shows this way), updates.getState every 30 minutes.
 */
export class KeepAlive {
  readonly #target: KeepAliveTarget;
  readonly #pingIntervalMs: number;
  readonly #pingTimeoutMs: number;
  readonly #stateRefreshMs: number;
  readonly #onReconnect: (reason: unknown) => void;
  #timer: NodeJS.Timeout | undefined;
  #lastStateAt = Date.now();
  #running = false;

  constructor(target: KeepAliveTarget, options: KeepAliveOptions = {}) {
    this.#target = target;
    this.#pingIntervalMs = options.pingIntervalMs ?? 9_000;
    this.#pingTimeoutMs = options.pingTimeoutMs ?? 10_000;
    this.#stateRefreshMs = options.stateRefreshMs ?? 30 * 60_000;
    this.#onReconnect = options.onReconnect ?? (() => {});
  }

  start(): void {
    this.#running = true;
    this.#schedule();
  }

  stop(): void {
    this.#running = false;
    clearTimeout(this.#timer);
  }

  #schedule(): void {
    if (!this.#running) return;
    this.#timer = setTimeout(() => void this.#tick(), this.#pingIntervalMs);
    this.#timer.unref();
  }

  async #tick(): Promise<void> {
    const sender = this.#target._sender;
    if (sender?.isConnected() && !sender.isReconnecting) {
      const ping = new Api.PingDelayDisconnect({
        pingId: helpers.generateRandomLong(),
        disconnectDelay: DISCONNECT_DELAY_SECONDS,
      });
      try {
        await this.#withinTimeout(sender.send(ping), 'pong');
      } catch (error) {
        if (this.#running) {
          this.#onReconnect(error);
          sender.reconnect();
        }
      }
      if (this.#running && Date.now() - this.#lastStateAt >= this.#stateRefreshMs) {
        this.#lastStateAt = Date.now();
        // Its failures are the connection's, which the pings watch.
        await this.#withinTimeout(this.#target.invoke(new Api.updates.GetState()), 'updates.getState').catch(
          () => {},
        );
      }
    }
    this.#schedule();
  }

  async #withinTimeout(answer: Promise<unknown> | undefined, what: string): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no ${what} within ${this.#pingTimeoutMs} ms`)),
        this.#pingTimeoutMs,
      );
      timer.unref();
    });
    try {
      await Promise.race([answer, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }
}
