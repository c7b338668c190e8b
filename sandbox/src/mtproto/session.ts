import type { AuthKeyRecord } from './auth-keys.ts';
import type { MtprotoConnection } from './connection.ts';

let lastServerMsgId = 0n;

/**
 * Server message ids: unix time in the high 32 bits, strictly increasing, ≡ 1 (mod 4) for answers
 * to client messages and ≡ 3 for everything the server sends on its own.
 */
export function nextServerMsgId(answer: boolean): bigint {
  const now = Date.now();
  const marker = answer ? 1n : 3n;
  let id = (BigInt(Math.floor(now / 1000)) << 32n) | ((BigInt(now % 1000) << 32n) / 1000n);
  id = (id & ~3n) | marker;
  if (id <= lastServerMsgId) id = ((lastServerMsgId + 4n) & ~3n) | marker;
  lastServerMsgId = id;
  return id;
}

/** One MTProto session (auth key + client-chosen session id) and where to reach it. */
export class ServerSession {
  readonly key: AuthKeyRecord;
  readonly id: bigint;
  connection: MtprotoConnection;
  /** Receives pushed updates: set once it sends an API call that is not a file transfer. */
  subscribed = false;
  #contentMessages = 0;

  constructor(key: AuthKeyRecord, id: bigint, connection: MtprotoConnection) {
    this.key = key;
    this.id = id;
    this.connection = connection;
  }

  nextSeqNo(contentRelated: boolean): number {
    if (!contentRelated) return this.#contentMessages * 2;
    return this.#contentMessages++ * 2 + 1;
  }
}

export class SessionRegistry {
  readonly #sessions = new Map<string, ServerSession>();

  /** The session for this key and id, created (and reported as such) on first sight. */
  touch(
    key: AuthKeyRecord,
    id: bigint,
    connection: MtprotoConnection,
  ): { session: ServerSession; created: boolean } {
    const mapKey = `${key.id}:${id}`;
    const existing = this.#sessions.get(mapKey);
    if (existing) {
      existing.connection = connection;
      return { session: existing, created: false };
    }
    const session = new ServerSession(key, id, connection);
    this.#sessions.set(mapKey, session);
    return { session, created: true };
  }

  forget(session: ServerSession): void {
    this.#sessions.delete(`${session.key.id}:${session.id}`);
  }

  /** Open, update-receiving sessions of one account on one DC. */
  *subscribed(accountId: number, dcId: number): Iterable<ServerSession> {
    for (const session of this.#sessions.values()) {
      if (session.subscribed && session.key.accountId === accountId && session.connection.dcId === dcId) {
        yield session;
      }
    }
  }
}
