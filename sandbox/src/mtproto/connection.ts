import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { Api, extensions } from 'teleproto';
import type { AuthKeyRecord, AuthKeyRegistry } from './auth-keys.ts';
import { FrameCodec } from './frame-codec.ts';
import { Handshake } from './handshake.ts';
import { decryptClientMessage, encryptServerMessage } from './message-crypto.ts';
import type { ServerRsaKey } from './rsa-key.ts';
import { nextServerMsgId, type ServerSession, type SessionRegistry } from './session.ts';
import { long, readInt64, type TlSerializable } from './tl.ts';

const MSG_CONTAINER = 0x73f1f8dc;
const GZIP_PACKED = 0x3072cfa1;
const RPC_RESULT = 0xf35c6d01;
const BAD_SERVER_SALT_CODE = 48;

/** A decoded API call, with the wrappers (invokeWithLayer, initConnection, ...) already taken off. */
export interface RpcCall {
  readonly request: TlRequest;
  readonly msgId: bigint;
  readonly session: ServerSession;
  readonly connection: MtprotoConnection;
}

/** The part of a teleproto request object the protocol layer looks at. */
export interface TlRequest {
  readonly className: string;
  readonly classType: 'request' | 'constructor';
}

/** Answers API calls; resolves with the serialized result or rpc_error, never rejects. */
export interface RpcDispatcher {
  dispatch(call: RpcCall): Promise<Buffer>;
}

/** Protocol events the sandbox counts. */
export interface ProtocolObserver {
  keyCreated(record: AuthKeyRecord): void;
  badServerSalt(): void;
  sessionCreated(): void;
  /** The connection now carries an authorised account (first use, or after a login on it). */
  connectionAuthorised(connection: MtprotoConnection, accountId: number, previous: number | undefined): void;
  connectionClosed(connection: MtprotoConnection): void;
}

export interface DcServices {
  readonly dcId: number;
  readonly rsaKey: ServerRsaKey;
  readonly keys: AuthKeyRegistry;
  readonly sessions: SessionRegistry;
  readonly rpc: RpcDispatcher;
  readonly observer: ProtocolObserver;
}

let nextConnectionId = 1;

/** Wrappers around a query: each is removed and the query inside answered instead. */
function unwrap(request: TlRequest): { query: TlRequest; withoutUpdates: boolean } {
  let query: TlRequest = request;
  let withoutUpdates = false;
  for (;;) {
    if (query instanceof Api.InvokeWithoutUpdates) withoutUpdates = true;
    if (
      query instanceof Api.InvokeWithLayer ||
      query instanceof Api.InitConnection ||
      query instanceof Api.InvokeAfterMsg ||
      query instanceof Api.InvokeAfterMsgs ||
      query instanceof Api.InvokeWithoutUpdates
    ) {
      query = query.query as TlRequest;
      continue;
    }
    return { query, withoutUpdates };
  }
}

/** Calls that do not make a session receive updates: file transfers, like the client's download sessions. */
function subscribesToUpdates(request: TlRequest): boolean {
  return !request.className.startsWith('upload.');
}

/**
 * One client TCP connection to one sandbox DC: transport framing, plain key exchange messages,
 * MTProto 2.0 encryption, sessions and salts, containers, acks, pings, and API calls.
 */
export class MtprotoConnection {
  readonly id = nextConnectionId++;
  readonly dcId: number;
  /** Account of the last authorised auth key seen on this connection. */
  accountId: number | undefined;
  readonly #socket: Socket;
  readonly #services: DcServices;
  readonly #codec = new FrameCodec();
  readonly #handshake: Handshake;
  readonly #sessions = new Set<ServerSession>();
  /** Content-related client messages not answered yet, acknowledged if they are still waiting. */
  readonly #unanswered = new Map<bigint, { session: ServerSession; acked: boolean }>();
  #closed = false;
  #disconnectTimer: NodeJS.Timeout | undefined;
  #ackFlushScheduled = false;

  constructor(socket: Socket, services: DcServices) {
    this.#socket = socket;
    this.#services = services;
    this.dcId = services.dcId;
    this.#handshake = new Handshake({
      rsaKey: services.rsaKey,
      dcId: services.dcId,
      keys: services.keys,
      onKeyCreated: (record) => services.observer.keyCreated(record),
    });
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.#receive(chunk));
    socket.on('error', () => this.close());
    socket.on('close', () => this.close());
  }

  get closed(): boolean {
    return this.#closed;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#disconnectTimer);
    this.#socket.destroy();
    for (const session of this.#sessions) {
      if (session.connection === this) this.#services.sessions.forget(session);
    }
    this.#unanswered.clear();
    this.#services.observer.connectionClosed(this);
  }

  sendRpcResult(session: ServerSession, reqMsgId: bigint, result: Buffer): void {
    this.#unanswered.delete(reqMsgId);
    const header = Buffer.alloc(12);
    header.writeUInt32LE(RPC_RESULT, 0);
    header.writeBigInt64LE(reqMsgId, 4);
    this.#sendEncrypted(session, Buffer.concat([header, result]), true, true);
  }

  sendUpdates(session: ServerSession, updates: TlSerializable): void {
    this.#sendEncrypted(session, updates.getBytes(), true, false);
  }

  #receive(chunk: Buffer): void {
    if (this.#closed) return;
    try {
      for (const payload of this.#codec.push(chunk)) this.#handleFrame(payload);
    } catch {
      this.close();
    }
  }

  #handleFrame(payload: Buffer): void {
    if (this.#closed) return;
    if (payload.length < 8) throw new Error('frame too short');
    if (readInt64(payload) === 0n) {
      this.#handlePlain(payload);
      return;
    }
    const key = this.#services.keys.get(payload.subarray(0, 8).toString('hex'));
    if (!key || key.dcId !== this.dcId) {
      // Transport error -404: the auth key is unknown here; the client drops it.
      const error = Buffer.alloc(4);
      error.writeInt32LE(-404);
      this.#write(error);
      return;
    }
    const message = decryptClientMessage(key.key, payload);
    if (!message) throw new Error('message failed to decrypt');
    if (!message.salt.equals(key.serverSalt)) {
      this.#services.observer.badServerSalt();
      this.#sendBadServerSalt(key, message.sessionId, message.msgId, message.seqNo);
      return;
    }
    const { session, created } = this.#services.sessions.touch(key, message.sessionId, this);
    this.#sessions.add(session);
    if (created) {
      this.#services.observer.sessionCreated();
      this.#sendEncrypted(
        session,
        new Api.NewSessionCreated({
          firstMsgId: long(message.msgId),
          uniqueId: long(readInt64(randomBytes(8))),
          serverSalt: long(readInt64(key.serverSalt)),
        }).getBytes(),
        false,
        false,
      );
    }
    if (key.accountId !== undefined && this.accountId !== key.accountId) {
      const previous = this.accountId;
      this.accountId = key.accountId;
      this.#services.observer.connectionAuthorised(this, key.accountId, previous);
    }
    this.#process(session, message.msgId, message.seqNo, message.body);
    this.#scheduleAckFlush();
  }

  #handlePlain(payload: Buffer): void {
    const length = payload.readInt32LE(16);
    const request = new extensions.BinaryReader(payload.subarray(20, 20 + length)).tgReadObject();
    const body = this.#handshake.answer(request).getBytes();
    const header = Buffer.alloc(20);
    header.writeBigInt64LE(nextServerMsgId(true), 8);
    header.writeInt32LE(body.length, 16);
    this.#write(Buffer.concat([header, body]));
  }

  #process(session: ServerSession, msgId: bigint, seqNo: number, body: Buffer): void {
    const constructorId = body.readUInt32LE(0);
    if (constructorId === MSG_CONTAINER) {
      const count = body.readInt32LE(4);
      let offset = 8;
      for (let i = 0; i < count; i++) {
        const innerId = body.readBigInt64LE(offset);
        const innerSeqNo = body.readInt32LE(offset + 8);
        const length = body.readInt32LE(offset + 12);
        this.#process(session, innerId, innerSeqNo, body.subarray(offset + 16, offset + 16 + length));
        offset += 16 + length;
      }
      return;
    }
    if (constructorId === GZIP_PACKED) {
      const reader = new extensions.BinaryReader(body.subarray(4));
      this.#process(session, msgId, seqNo, gunzipSync(reader.tgReadBytes()));
      return;
    }
    const contentRelated = seqNo % 2 === 1;
    let object: unknown;
    try {
      object = new extensions.BinaryReader(body).tgReadObject();
    } catch {
      if (contentRelated) this.#answerError(session, msgId, 400, 'INPUT_METHOD_INVALID');
      return;
    }
    if (object instanceof Api.Ping || object instanceof Api.PingDelayDisconnect) {
      if (object instanceof Api.PingDelayDisconnect) this.#armDisconnect(object.disconnectDelay);
      this.#sendEncrypted(
        session,
        new Api.Pong({ msgId: long(msgId), pingId: object.pingId }).getBytes(),
        false,
        true,
      );
      return;
    }
    if (isRequest(object)) {
      this.#unanswered.set(msgId, { session, acked: false });
      void this.#invoke(session, msgId, object);
    }
    // msgs_ack and other service notifications need no answer.
  }

  async #invoke(session: ServerSession, msgId: bigint, request: TlRequest): Promise<void> {
    const { query, withoutUpdates } = unwrap(request);
    const result = await this.#services.rpc.dispatch({ request: query, msgId, session, connection: this });
    if (this.#closed) return;
    // Checked after the call, so the session that logs in is the one that starts receiving updates.
    if (!withoutUpdates && session.key.accountId !== undefined && subscribesToUpdates(query)) {
      session.subscribed = true;
    }
    this.sendRpcResult(session, msgId, result);
  }

  #answerError(session: ServerSession, msgId: bigint, code: number, message: string): void {
    this.sendRpcResult(
      session,
      msgId,
      new Api.RpcError({ errorCode: code, errorMessage: message }).getBytes(),
    );
  }

  /** Acknowledges, once, the calls still running after the packet that carried them was read. */
  #scheduleAckFlush(): void {
    if (this.#ackFlushScheduled) return;
    this.#ackFlushScheduled = true;
    setImmediate(() => {
      this.#ackFlushScheduled = false;
      if (this.#closed) return;
      const bySession = new Map<ServerSession, bigint[]>();
      for (const [msgId, pending] of this.#unanswered) {
        if (pending.acked) continue;
        pending.acked = true;
        bySession.set(pending.session, [...(bySession.get(pending.session) ?? []), msgId]);
      }
      for (const [session, msgIds] of bySession) {
        this.#sendEncrypted(
          session,
          new Api.MsgsAck({ msgIds: msgIds.map((id) => long(id)) }).getBytes(),
          false,
          false,
        );
      }
    });
  }

  #armDisconnect(seconds: number): void {
    clearTimeout(this.#disconnectTimer);
    this.#disconnectTimer = setTimeout(() => this.close(), seconds * 1000);
    this.#disconnectTimer.unref();
  }

  /** Sent before any session is accepted, so it goes to the message's own session id, outside any sequence. */
  #sendBadServerSalt(key: AuthKeyRecord, sessionId: bigint, badMsgId: bigint, badMsgSeqno: number): void {
    const body = new Api.BadServerSalt({
      badMsgId: long(badMsgId),
      badMsgSeqno,
      errorCode: BAD_SERVER_SALT_CODE,
      newServerSalt: long(readInt64(key.serverSalt)),
    }).getBytes();
    const packet = encryptServerMessage(key.key, Buffer.from(key.id, 'hex'), {
      salt: key.serverSalt,
      sessionId,
      msgId: nextServerMsgId(true),
      seqNo: 0,
      body,
    });
    this.#write(packet);
  }

  #sendEncrypted(session: ServerSession, body: Buffer, contentRelated: boolean, answer: boolean): void {
    if (this.#closed) return;
    const packet = encryptServerMessage(session.key.key, Buffer.from(session.key.id, 'hex'), {
      salt: session.key.serverSalt,
      sessionId: session.id,
      msgId: nextServerMsgId(answer),
      seqNo: session.nextSeqNo(contentRelated),
      body,
    });
    this.#write(packet);
  }

  #write(payload: Buffer): void {
    if (this.#closed) return;
    this.#socket.cork();
    for (const part of this.#codec.encode(payload)) this.#socket.write(part);
    this.#socket.uncork();
  }
}

function isRequest(object: unknown): object is TlRequest {
  return typeof object === 'object' && object !== null && (object as TlRequest).classType === 'request';
}
