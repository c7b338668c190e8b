import {
  REALTIME_PROTOCOL_VERSION,
  type RealtimeChangeMessage,
  RealtimeCloseCode,
  RealtimeServerMessage,
} from '@teleplay/contracts';
import { reconnectDelay } from './backoff.ts';

/** What the socket factory reports back. */
export interface SocketHandlers {
  open(): void;
  message(data: string): void;
  close(code: number, reason: string): void;
}

export interface SocketHandle {
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

/** Opens a WebSocket; a fake in tests. */
export type SocketFactory = (url: string, handlers: SocketHandlers) => SocketHandle;

export interface LiveConnectionOptions {
  url: string;
  connect: SocketFactory;
  /** The current access token (refreshed first when it is about to expire); null: signed out. */
  accessToken(): Promise<string | null>;
  /** A new access token after the server refused `rejected`; null: the session is over. */
  refreshAfterRejection(rejected: string): Promise<string | null>;
  /** In [0, 1), for the backoff jitter. */
  random?: () => number;
  /** A Ping is sent this often; no message for two periods means the connection is dead. */
  heartbeatMs?: number;
  /** Whether the browser believes it is online. */
  isOnline?: () => boolean;
}

/**
 * - `connecting`: a socket is opening, or waiting for `Welcome`;
 * - `live`: changes arrive as they happen;
 * - `waiting`: the connection dropped; the next attempt is at `retryAt`;
 * - `offline`: the browser is offline; the next attempt is when it is back (or at `retryAt`);
 * - `stopped`: signed out, or the server refused this client for good (`problem` says why).
 */
export type LiveStatus = 'idle' | 'connecting' | 'live' | 'waiting' | 'offline' | 'stopped';

type ChangeListener = (change: RealtimeChangeMessage) => void;

const DEFAULT_HEARTBEAT_MS = 25_000;

/**
 * The tab's one live channel (`/api/ws`). It says `Hello` with the access token, passes every change to
 * its listeners, remembers the feed position of the last one, and when the connection drops it
 * reconnects with exponential backoff and `resumeFrom` that position, so nothing in between is missed.
 * A refused token is refreshed once and the connection resumes at once; a protocol refusal stops it.
 */
export class LiveConnection {
  status = $state<LiveStatus>('idle');
  /** When the next attempt happens (epoch ms), while `waiting` or `offline`. */
  retryAt = $state<number | null>(null);
  /** Why the channel stopped, or the last error the server sent. */
  problem = $state<string | null>(null);
  /** Whether it has been live at least once: the indicator then says "reconnecting". */
  everLive = $state(false);

  readonly #options: LiveConnectionOptions;
  #socket: SocketHandle | null = null;
  /** Bumped whenever a socket is abandoned, so that its late events are ignored. */
  #generation = 0;
  #attempt = 0;
  #position: string | undefined;
  #unauthorizedInARow = 0;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #heartbeatTimer: ReturnType<typeof setInterval> | undefined;
  #lastMessageAt = 0;
  readonly #changeListeners = new Set<ChangeListener>();
  readonly #resyncListeners = new Set<() => void>();

  constructor(options: LiveConnectionOptions) {
    this.#options = options;
  }

  /** The feed position of the last change received: where a reconnect resumes. */
  get position(): string | undefined {
    return this.#position;
  }

  start(): void {
    if (this.status !== 'idle' && this.status !== 'stopped') return;
    this.problem = null;
    this.#attempt = 0;
    void this.#connect();
  }

  /** Signed out: close, forget the position, and do not come back. */
  stop(): void {
    this.#abandonSocket(1000, 'signed out');
    this.#position = undefined;
    this.status = 'stopped';
    this.retryAt = null;
  }

  /** Skip the wait (the browser is back online, or the tab became visible). */
  reconnectNow(): void {
    if (this.status !== 'waiting' && this.status !== 'offline') return;
    void this.#connect();
  }

  /** The browser went offline: no point retrying until it is back. */
  markOffline(): void {
    if (this.status === 'waiting') this.status = 'offline';
  }

  /** Called for each change, live or replayed after a reconnect. Returns the unsubscribe function. */
  onChange(listener: ChangeListener): () => void {
    this.#changeListeners.add(listener);
    return () => this.#changeListeners.delete(listener);
  }

  /** Called when the server could not replay what was missed: every view must reload. */
  onResync(listener: () => void): () => void {
    this.#resyncListeners.add(listener);
    return () => this.#resyncListeners.delete(listener);
  }

  async #connect(knownToken?: string): Promise<void> {
    this.#abandonSocket(1000, 'reconnecting');
    const generation = this.#generation;
    this.status = 'connecting';
    this.retryAt = null;
    let token: string | null;
    try {
      token = knownToken ?? (await this.#options.accessToken());
    } catch {
      if (generation === this.#generation) this.#scheduleRetry();
      return;
    }
    if (generation !== this.#generation) return;
    if (!token) return this.#halt('signed out');
    const current = () => generation === this.#generation;
    const hello = JSON.stringify({
      type: 'Hello',
      v: REALTIME_PROTOCOL_VERSION,
      accessToken: token,
      ...(this.#position === undefined ? {} : { resumeFrom: this.#position }),
    });
    this.#socket = this.#options.connect(this.#options.url, {
      open: () => {
        if (current()) this.#socket?.send(hello);
      },
      message: (data) => {
        if (current()) this.#receive(data);
      },
      close: (code, reason) => {
        if (current()) void this.#closed(code, reason, token);
      },
    });
  }

  #receive(data: string): void {
    this.#lastMessageAt = Date.now();
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      return;
    }
    // Unknown message types are ignored, as the protocol asks: a newer server may add some.
    const parsed = RealtimeServerMessage.safeParse(json);
    if (!parsed.success) return;
    const message = parsed.data;
    switch (message.type) {
      case 'Welcome':
        this.#position = message.position;
        this.#attempt = 0;
        this.#unauthorizedInARow = 0;
        this.problem = null;
        this.status = 'live';
        this.everLive = true;
        this.#startHeartbeat();
        return;
      case 'ResyncRequired':
        this.#position = message.position;
        for (const listener of this.#resyncListeners) listener();
        return;
      case 'Pong':
        if (message.position !== undefined) this.#position = message.position;
        return;
      case 'Error':
        this.problem = message.message;
        return;
      default:
        this.#position = message.position;
        for (const listener of this.#changeListeners) listener(message);
    }
  }

  async #closed(code: number, reason: string, token: string): Promise<void> {
    this.#socket = null;
    this.#stopHeartbeat();
    if (code === RealtimeCloseCode.policyViolation || code === RealtimeCloseCode.unsupportedVersion) {
      return this.#halt(`the server refused this app (${reason || code}); reload the page`);
    }
    if (code === RealtimeCloseCode.unauthorized) {
      this.#unauthorizedInARow += 1;
      // Once in a row: the token expired, refresh it and resume at once. Again: back off.
      if (this.#unauthorizedInARow === 1) {
        const generation = this.#generation;
        let fresh: string | null | undefined;
        try {
          fresh = await this.#options.refreshAfterRejection(token);
        } catch {
          fresh = undefined;
        }
        if (generation !== this.#generation) return;
        if (fresh === null) return this.#halt('signed out');
        if (fresh !== undefined) return this.#connect(fresh);
      }
    }
    this.#scheduleRetry();
  }

  #scheduleRetry(): void {
    const random = this.#options.random ?? Math.random;
    const delay = reconnectDelay(this.#attempt, random());
    this.#attempt += 1;
    const online = this.#options.isOnline?.() ?? true;
    this.status = online ? 'waiting' : 'offline';
    this.retryAt = Date.now() + delay;
    clearTimeout(this.#retryTimer);
    this.#retryTimer = setTimeout(() => void this.#connect(), delay);
  }

  #halt(problem: string): void {
    this.#abandonSocket(1000, 'stopped');
    this.status = 'stopped';
    this.problem = problem;
    this.retryAt = null;
  }

  #startHeartbeat(): void {
    this.#stopHeartbeat();
    const period = this.#options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
    this.#heartbeatTimer = setInterval(() => {
      if (Date.now() - this.#lastMessageAt > 2 * period) {
        // A dead TCP connection may take minutes to report its close: give up on it now.
        this.#abandonSocket(4000, 'no answer to ping');
        this.#scheduleRetry();
        return;
      }
      this.#socket?.send(JSON.stringify({ type: 'Ping' }));
    }, period);
  }

  #stopHeartbeat(): void {
    clearInterval(this.#heartbeatTimer);
    this.#heartbeatTimer = undefined;
  }

  #abandonSocket(code: number, reason: string): void {
    this.#generation += 1;
    clearTimeout(this.#retryTimer);
    this.#stopHeartbeat();
    const socket = this.#socket;
    this.#socket = null;
    socket?.close(code, reason);
  }
}
