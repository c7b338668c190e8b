import { createHash, randomBytes } from 'node:crypto';

export interface AuthKeyRecord {
  /** auth_key_id as it appears on the wire (8 bytes, little-endian), hex-encoded. */
  readonly id: string;
  readonly key: Buffer;
  readonly dcId: number;
  /** The only salt accepted; anything else is answered with bad_server_salt. */
  serverSalt: Buffer;
  /** The user or bot this key was authorised for, once it logged in or imported an authorisation. */
  readonly accountId: number | undefined;
}

/** A durable change to the registry: a new key, or the account a key acts for. */
export type AuthKeyChange =
  | { type: 'auth_key_created'; record: AuthKeyRecord }
  | { type: 'auth_key_account_set'; record: AuthKeyRecord };

export function authKeyId(key: Buffer): string {
  return createHash('sha1').update(key).digest().subarray(12, 20).toString('hex');
}

interface MutableAuthKeyRecord extends AuthKeyRecord {
  accountId: number | undefined;
}

/**
 * Every auth key created by a handshake, kept for the sandbox's lifetime (and across restarts with a
 * data directory) so saved sessions resume.
 */
export class AuthKeyRegistry {
  readonly #keys = new Map<string, MutableAuthKeyRecord>();
  #journal: ((change: AuthKeyChange) => void) | undefined;

  /** Receives every new key and authorisation change (the data directory journals them). */
  setJournal(journal: (change: AuthKeyChange) => void): void {
    this.#journal = journal;
  }

  has(id: string): boolean {
    return this.#keys.has(id);
  }

  get(id: string): AuthKeyRecord | undefined {
    return this.#keys.get(id);
  }

  add(key: Buffer, dcId: number, serverSalt: Buffer): AuthKeyRecord {
    const record: MutableAuthKeyRecord = {
      id: authKeyId(key),
      key,
      dcId,
      serverSalt,
      accountId: undefined,
    };
    this.#keys.set(record.id, record);
    this.#journal?.({ type: 'auth_key_created', record });
    return record;
  }

  /** The key now acts for this account (after a login or an imported authorisation), or for none. */
  setAccount(id: string, accountId: number | undefined): void {
    const record = this.#keys.get(id);
    if (!record || record.accountId === accountId) return;
    record.accountId = accountId;
    this.#journal?.({ type: 'auth_key_account_set', record });
  }

  /**
   * New salts for every key (of one account, if given): clients must go through bad_server_salt.
   * Not journalled: after a restart a key has its first salt again, which a client learns the same way.
   */
  rotateSalts(accountId?: number): number {
    let rotated = 0;
    for (const record of this.#keys.values()) {
      if (accountId !== undefined && record.accountId !== accountId) continue;
      record.serverSalt = randomBytes(8);
      rotated++;
    }
    return rotated;
  }
}
