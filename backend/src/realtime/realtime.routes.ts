import websocket from '@fastify/websocket';
import {
  type Hello,
  type Pong,
  RealtimeClientMessage,
  RealtimeCloseCode,
  type RealtimeError,
  type RealtimeErrorCode,
  SUPPORTED_REALTIME_PROTOCOL_VERSIONS,
} from '@teleplay/contracts';
import type { Position } from '@teleplay/eventstore';
import type { FastifyBaseLogger, FastifyPluginAsync } from 'fastify';
import type { RawData, WebSocket } from 'ws';
import { z } from 'zod';
import type { HubConnection, RealtimeHub, RealtimeIdentity } from './realtime-hub.ts';

/** What a valid access token says; `expiresAt` ends the connection when the token would expire. */
export interface AuthenticatedSocket extends RealtimeIdentity {
  expiresAt?: Date;
}

export interface RealtimeRoutesOptions {
  hub: RealtimeHub;
  /** Checks an access token; null when it is invalid or expired. */
  authenticate(accessToken: string): Promise<AuthenticatedSocket | null>;
  /** The first message must be `Hello` within this time. */
  helloTimeoutMs?: number;
  /** Invalid messages answered with `Error` before the connection is closed. */
  maxInvalidMessages?: number;
  /** Largest client message; clients only send small control messages. */
  maxPayloadBytes?: number;
  /** After a close frame, how long the peer has to complete the close (on shutdown too). */
  closeGraceMs?: number;
}

export const REALTIME_PATH = '/api/ws';

/**
 * The live channel: `GET /api/ws` upgraded to a WebSocket. The client sends `Hello` with its access
 * token first (never in the URL, where it would be logged), then receives changes from the hub.
 */
export const realtimeRoutes: FastifyPluginAsync<RealtimeRoutesOptions> = async (app, options) => {
  const closeGraceMs = options.closeGraceMs ?? 2000;
  await app.register(websocket, {
    options: { maxPayload: options.maxPayloadBytes ?? 16 * 1024 },
    preClose(done) {
      for (const client of this.websocketServer.clients)
        closeSocket(client, RealtimeCloseCode.goingAway, 'server shutting down', closeGraceMs);
      this.websocketServer.close(() => done());
    },
  });
  app.get(REALTIME_PATH, { websocket: true }, (socket, request) => {
    handleSession(socket, options, request.log);
  });
};

function handleSession(socket: WebSocket, options: RealtimeRoutesOptions, log: FastifyBaseLogger): void {
  const { hub, authenticate } = options;
  const maxInvalidMessages = options.maxInvalidMessages ?? 3;
  const closeGraceMs = options.closeGraceMs ?? 2000;
  let state: 'awaiting_hello' | 'authenticating' | 'live' | 'closed' = 'awaiting_hello';
  let connection: HubConnection | null = null;
  let invalidMessages = 0;
  let expiryTimer: NodeJS.Timeout | undefined;
  const helloTimer = setTimeout(
    () => end(RealtimeCloseCode.policyViolation, 'no Hello in time'),
    options.helloTimeoutMs ?? 5000,
  );

  // A function, so that checks after an await are not narrowed away.
  const closed = () => state === 'closed';
  const send = (message: RealtimeError | Pong) => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
  };
  const fail = (code: RealtimeErrorCode, message: string) => send({ type: 'Error', code, message });
  function end(closeCode: number, reason: string): void {
    if (state === 'closed') return;
    state = 'closed';
    clearTimeout(helloTimer);
    clearTimeout(expiryTimer);
    closeSocket(socket, closeCode, reason, closeGraceMs);
  }
  function invalid(code: RealtimeErrorCode, message: string): void {
    fail(code, message);
    invalidMessages += 1;
    if (invalidMessages >= maxInvalidMessages)
      end(RealtimeCloseCode.policyViolation, 'too many invalid messages');
  }

  async function hello(message: Hello): Promise<void> {
    clearTimeout(helloTimer);
    if (!SUPPORTED_REALTIME_PROTOCOL_VERSIONS.includes(message.v)) {
      fail(
        'unsupported_version',
        `protocol version ${message.v} is not supported; use ${SUPPORTED_REALTIME_PROTOCOL_VERSIONS.join(' or ')}`,
      );
      return end(RealtimeCloseCode.unsupportedVersion, 'unsupported protocol version');
    }
    state = 'authenticating';
    const identity = await authenticate(message.accessToken);
    if (closed()) return;
    if (!identity) {
      fail('unauthorized', 'the access token is invalid or expired');
      return end(RealtimeCloseCode.unauthorized, 'unauthorized');
    }
    connection = await hub.attach(socket, identity, message.resumeFrom as Position | undefined);
    if (!connection || closed()) return;
    state = 'live';
    if (identity.expiresAt) {
      // Long-lived sockets must not outlive the token: the client refreshes it and resumes.
      expiryTimer = setTimeout(
        () => end(RealtimeCloseCode.unauthorized, 'the access token expired'),
        Math.max(0, identity.expiresAt.getTime() - Date.now()),
      );
      expiryTimer.unref();
    }
  }

  async function handle(data: RawData, isBinary: boolean): Promise<void> {
    if (state === 'closed') return;
    const parsed = parseMessage(data, isBinary);
    if (!parsed.message) return invalid('invalid_message', parsed.problem);
    const { message } = parsed;
    if (message.type === 'Hello') {
      if (state !== 'awaiting_hello') {
        fail('hello_expected', 'Hello was already received');
        return end(RealtimeCloseCode.policyViolation, 'a second Hello');
      }
      return hello(message);
    }
    if (state !== 'live' || !connection) return invalid('hello_expected', 'the first message must be Hello');
    send({
      type: 'Pong',
      ...(message.nonce === undefined ? {} : { nonce: message.nonce }),
      position: connection.position(),
    });
  }

  // Handled one at a time, in order: a Ping right after Hello is answered once the client is live.
  let handling = Promise.resolve();
  socket.on('message', (data, isBinary) => {
    handling = handling
      .then(() => handle(data, isBinary))
      .catch((error: unknown) => {
        log.warn({ err: error }, 'realtime: handling a client message failed');
        fail('internal', 'the server could not handle the message');
        end(RealtimeCloseCode.internalError, 'internal error');
      });
  });
  socket.on('close', () => {
    state = 'closed';
    clearTimeout(helloTimer);
    clearTimeout(expiryTimer);
  });
}

function parseMessage(data: RawData, isBinary: boolean) {
  if (isBinary) return { problem: 'messages are JSON text frames' } as const;
  const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    return { problem: 'the message is not JSON' } as const;
  }
  const parsed = RealtimeClientMessage.safeParse(json);
  return parsed.success ? { message: parsed.data } : { problem: z.prettifyError(parsed.error) };
}

/** Sends a close frame, and destroys the socket if the peer does not complete the close in time. */
function closeSocket(socket: WebSocket, code: number, reason: string, graceMs: number): void {
  if (socket.readyState === socket.CLOSED) return;
  socket.close(code, reason);
  const timer = setTimeout(() => socket.terminate(), graceMs);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
}
