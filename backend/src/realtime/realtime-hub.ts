import {
  type DeviceId,
  REALTIME_PROTOCOL_VERSION,
  type RealtimeChangeMessage,
  RealtimeCloseCode,
  type ResyncRequired,
  type UserId,
  type Welcome,
} from '@teleplay/contracts';
import type { Position } from '@teleplay/eventstore';
import type { WebSocket } from 'ws';
import type { ChangeFeed, FeedChange } from './change-feed.ts';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A change message without its position: the hub adds where the change is in the feed. */
export type ChangePayload = DistributiveOmit<RealtimeChangeMessage, 'position'>;

/**
 * Turns a feed change into the message for the user's clients (the item as the read models serve it
 * now), or null when there is nothing to send (the item is gone and its removal follows in the feed).
 */
export type LoadChange = (change: FeedChange) => Promise<ChangePayload | null>;

/** Who is on the other end of a socket, as the access token says. */
export interface RealtimeIdentity {
  userId: UserId;
  deviceId: DeviceId;
}

/** A pino or fastify logger fits. */
export interface RealtimeLog {
  warn(details: object, message: string): void;
}

export interface RealtimeHubOptions {
  feed: ChangeFeed;
  loadChange: LoadChange;
  log?: RealtimeLog;
  /** Changes per feed read. */
  batchSize?: number;
  /** Fallback poll when a wake-up is lost. */
  pollIntervalMs?: number;
  /** Changes waiting for one socket; beyond it the client is too slow and is disconnected. */
  maxQueuedMessages?: number;
  /** Bytes the socket may hold unsent before the hub waits for it to drain instead of sending more. */
  maxBufferedBytes?: number;
  /** WebSocket pings; a socket that has not answered the previous one is terminated. */
  heartbeatIntervalMs?: number;
  /** After a close frame, how long the peer has to complete the close before the socket is destroyed. */
  closeGraceMs?: number;
  /** Changes per page when replaying to a resuming client. */
  replayBatchSize?: number;
  /** Loads running at once (they share the database pool with everything else). */
  loadConcurrency?: number;
}

export interface HubConnection {
  /** Every change up to this position has been sent on the connection. */
  position(): Position;
}

export interface RealtimeHub {
  /** Starts following the feed from its current head. */
  start(): Promise<void>;
  /**
   * Takes over an authenticated socket: replays what the user missed after `resumeFrom` (or sends
   * `ResyncRequired`), sends `Welcome`, then pushes live changes. Null when the socket went away first.
   */
  attach(socket: WebSocket, identity: RealtimeIdentity, resumeFrom?: Position): Promise<HubConnection | null>;
  stats(): { connections: number; users: number; position: Position | null };
  /** Stops following the feed and closes every socket (`goingAway`). */
  close(): Promise<void>;
}

interface Loaded {
  text: string;
  /** The device this message signs out, if it does: its sockets close after receiving it. */
  signsOut: DeviceId | null;
}

interface Queued {
  position: Position;
  loaded: Promise<Loaded | null>;
}

interface Connection extends HubConnection {
  readonly identity: RealtimeIdentity;
  readonly open: boolean;
  /** Sends a message; with a position, records that the client has everything up to it. */
  send(text: string, position?: Position): Promise<void>;
  deliver(position: Position, loaded: Loaded | null): Promise<void>;
  enqueue(item: Queued): void;
  goLive(from: Position): Promise<void>;
  heartbeat(): void;
  end(code: number, reason: string): void;
}

const silentLog: RealtimeLog = { warn: () => {} };
const ignore = () => {};
const maxPosition = (a: Position, b: Position): Position => (a > b ? a : b);

/**
 * Pushes the live change feed to WebSocket clients. One tail of the feed per backend instance (a
 * LISTEN wake-up, polling as the fallback); each change is loaded once and fanned out to the sockets
 * of its user on this instance only. Every socket has a bounded queue: a client that does not read
 * is disconnected instead of growing memory.
 */
export function createRealtimeHub(options: RealtimeHubOptions): RealtimeHub {
  const { feed, loadChange } = options;
  const log = options.log ?? silentLog;
  const batchSize = options.batchSize ?? 500;
  const pollIntervalMs = options.pollIntervalMs ?? 1000;
  const maxQueuedMessages = options.maxQueuedMessages ?? 1000;
  const maxBufferedBytes = options.maxBufferedBytes ?? 1024 * 1024;
  const heartbeatIntervalMs = options.heartbeatIntervalMs ?? 30_000;
  const closeGraceMs = options.closeGraceMs ?? 2000;
  const replayBatchSize = options.replayBatchSize ?? 200;
  const limit = createLimiter(options.loadConcurrency ?? 8);

  const connections = new Set<Connection>();
  const byUser = new Map<UserId, Set<Connection>>();
  const stopping = new AbortController();
  /** Every change up to here has been handed to the connections of its user. */
  let through: Position | null = null;
  let tailing: Promise<void> = Promise.resolve();
  let heartbeatTimer: NodeJS.Timeout | undefined;

  function load(change: FeedChange): Promise<Loaded | null> {
    const loaded = limit(async () => {
      const payload = await loadChange(change);
      if (!payload) return null;
      const { type, ...fields } = payload;
      const message = { type, position: change.position, ...fields };
      return { text: JSON.stringify(message), signsOut: signedOutDevice(payload) };
    });
    // Each connection handles a failed load; none may be left to handle it.
    loaded.catch(ignore);
    return loaded;
  }

  function dispatch(changes: readonly FeedChange[]): void {
    for (const change of changes) {
      const listeners = byUser.get(change.userId);
      if (listeners) {
        const item = { position: change.position, loaded: load(change) };
        for (const connection of listeners) connection.enqueue(item);
      }
      through = change.position;
    }
  }

  async function tail(signal: AbortSignal): Promise<void> {
    let dirty = false;
    let wake: (() => void) | null = null;
    const unsubscribe = feed.onChange(() => {
      dirty = true;
      wake?.();
    });
    const idle = (ms: number) =>
      new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          wake = null;
          signal.removeEventListener('abort', done);
          resolve();
        };
        const timer = setTimeout(done, ms);
        wake = done;
        signal.addEventListener('abort', done, { once: true });
      });
    try {
      while (!signal.aborted) {
        // Cleared before reading: a wake-up arriving during the read makes the loop read again.
        dirty = false;
        let changes: FeedChange[];
        try {
          changes = await feed.read({ after: through!, limit: batchSize });
        } catch (error) {
          log.warn({ err: error }, 'realtime: reading the change feed failed; retrying');
          await idle(pollIntervalMs);
          continue;
        }
        dispatch(changes);
        if (changes.length < batchSize && !dirty) await idle(pollIntervalMs);
      }
    } finally {
      unsubscribe();
    }
  }

  function register(connection: Connection): void {
    connections.add(connection);
    const { userId } = connection.identity;
    const listeners = byUser.get(userId) ?? new Set();
    byUser.set(userId, listeners);
    listeners.add(connection);
  }

  function unregister(connection: Connection): void {
    connections.delete(connection);
    const { userId } = connection.identity;
    const listeners = byUser.get(userId);
    listeners?.delete(connection);
    if (listeners?.size === 0) byUser.delete(userId);
  }

  function openConnection(socket: WebSocket, identity: RealtimeIdentity, from: Position): Connection {
    const queue: Queued[] = [];
    let state: 'catching_up' | 'live' | 'closed' = 'catching_up';
    let sent = from;
    let pumping = false;
    let alive = true;
    let terminateTimer: NodeJS.Timeout | undefined;
    const closed = Promise.withResolvers<void>();

    const markClosed = () => {
      if (state === 'closed') return;
      state = 'closed';
      queue.length = 0;
      unregister(connection);
      closed.resolve();
    };
    socket.on('close', () => {
      clearTimeout(terminateTimer);
      markClosed();
    });
    socket.on('pong', () => {
      alive = true;
    });
    socket.on('message', () => {
      alive = true;
    });

    async function pump(): Promise<void> {
      if (pumping || state !== 'live') return;
      pumping = true;
      try {
        while (state === 'live' && queue.length > 0) {
          const item = queue[0]!;
          const loaded = item.position > sent ? await item.loaded : null;
          if (state !== 'live') return;
          queue.shift();
          if (item.position > sent) await connection.deliver(item.position, loaded);
        }
      } catch (error) {
        log.warn({ err: error, userId: identity.userId }, 'realtime: loading a change failed; closing');
        connection.end(RealtimeCloseCode.internalError, 'could not load a change');
      } finally {
        pumping = false;
      }
    }

    const connection: Connection = {
      identity,
      get open() {
        return state !== 'closed';
      },
      position: () => (state === 'live' && queue.length === 0 && through ? maxPosition(sent, through) : sent),

      async send(text, position) {
        if (state === 'closed' || socket.readyState !== socket.OPEN) return;
        // Over the limit, wait until this message is handed to the network before sending more.
        const congested = socket.bufferedAmount > maxBufferedBytes;
        const flushed = congested ? new Promise<void>((resolve) => socket.send(text, () => resolve())) : null;
        if (!congested) socket.send(text);
        if (position) sent = position;
        if (flushed) await Promise.race([flushed, closed.promise]);
      },

      async deliver(position, loaded) {
        if (loaded) await connection.send(loaded.text, position);
        else sent = maxPosition(sent, position);
        if (loaded?.signsOut === identity.deviceId)
          connection.end(RealtimeCloseCode.unauthorized, 'this device was signed out');
      },

      enqueue(item) {
        if (state === 'closed') return;
        if (queue.length >= maxQueuedMessages) {
          log.warn({ userId: identity.userId }, 'realtime: client too slow; disconnecting');
          connection.end(RealtimeCloseCode.tooSlow, 'too many unread messages');
          return;
        }
        queue.push(item);
        void pump();
      },

      async goLive(start) {
        const welcome: Welcome = {
          type: 'Welcome',
          v: REALTIME_PROTOCOL_VERSION,
          userId: identity.userId,
          deviceId: identity.deviceId,
          position: start,
        };
        await connection.send(JSON.stringify(welcome));
        // Replayed positions are all at or before `start`; a `resumeFrom` that was unknown is dropped.
        sent = start;
        if (state === 'catching_up') state = 'live';
        void pump();
      },

      heartbeat() {
        if (!alive) {
          socket.terminate();
          return;
        }
        alive = false;
        socket.ping();
      },

      end(code, reason) {
        if (state === 'closed') return;
        markClosed();
        socket.close(code, reason);
        // A peer that does not read never completes the close handshake.
        terminateTimer = setTimeout(() => socket.terminate(), closeGraceMs);
        terminateTimer.unref();
      },
    };
    register(connection);
    // Gone before it was handed over: its close event has already fired.
    if (socket.readyState !== socket.OPEN) markClosed();
    return connection;
  }

  /** Replays the user's changes in (from, liveFrom]; returns the position the connection goes live from. */
  async function catchUp(connection: Connection, from: Position, liveFrom: Position): Promise<Position> {
    const resync = async (reason: ResyncRequired['reason']) => {
      const message: ResyncRequired = { type: 'ResyncRequired', reason, position: liveFrom };
      await connection.send(JSON.stringify(message));
      return liveFrom;
    };
    const bounds = await feed.bounds();
    if (from < bounds.prunedThrough) return resync('too_old');
    if (from > bounds.head) return resync('unknown');
    let cursor = from;
    while (cursor < liveFrom && connection.open) {
      const page = await feed.readLatest({
        userId: connection.identity.userId,
        after: from,
        through: liveFrom,
        cursor,
        limit: replayBatchSize,
      });
      // Pruned meanwhile: the window may have lost changes.
      if (page.prunedThrough > from) return resync('too_old');
      const loads = page.changes.map(load);
      for (const [index, change] of page.changes.entries()) {
        if (!connection.open) break;
        await connection.deliver(change.position, await loads[index]!);
      }
      if (page.changes.length < replayBatchSize) break;
      cursor = page.changes.at(-1)!.position;
    }
    return maxPosition(from, liveFrom);
  }

  return {
    async start() {
      if (through !== null) throw new Error('the realtime hub is already started');
      through = (await feed.bounds()).head;
      tailing = tail(stopping.signal);
      heartbeatTimer = setInterval(() => {
        for (const connection of connections) connection.heartbeat();
      }, heartbeatIntervalMs);
      heartbeatTimer.unref();
    },

    async attach(socket, identity, resumeFrom) {
      if (through === null || stopping.signal.aborted) throw new Error('the realtime hub is not running');
      // Registered before anything is awaited: every change after `liveFrom` reaches its queue.
      const liveFrom = through;
      const connection = openConnection(socket, identity, resumeFrom ?? liveFrom);
      try {
        const start = resumeFrom === undefined ? liveFrom : await catchUp(connection, resumeFrom, liveFrom);
        if (!connection.open) return null;
        await connection.goLive(start);
        return connection.open ? connection : null;
      } catch (error) {
        log.warn({ err: error, userId: identity.userId }, 'realtime: catching a client up failed; closing');
        connection.end(RealtimeCloseCode.internalError, 'could not catch up');
        return null;
      }
    },

    stats() {
      return { connections: connections.size, users: byUser.size, position: through };
    },

    async close() {
      stopping.abort();
      clearInterval(heartbeatTimer);
      await tailing;
      for (const connection of [...connections])
        connection.end(RealtimeCloseCode.goingAway, 'server shutting down');
    },
  };
}

function signedOutDevice(payload: ChangePayload): DeviceId | null {
  if (payload.type !== 'DeviceChanged') return null;
  return payload.removed || payload.device.signedOutAt !== null ? payload.deviceId : null;
}

/** Runs at most `concurrency` tasks at once, in the order they were submitted. */
function createLimiter(concurrency: number) {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active < concurrency) active += 1;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active -= 1;
    }
  };
}
