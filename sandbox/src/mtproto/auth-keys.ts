import { createHash, randomBytes } from 'node:crypto';

export interface AuthKeyRecord {
  /** auth_key_id as it appears on the wire (8 bytes, little-endian), hex-encoded. */
  readonly id: string;
  readonly key: Buffer;
  readonly dcId: number;
  /** The only salt accepted; anything else is answered with bad_server_salt. */
  serverSalt: Buffer;
  /** The user or bot this key was authorised for, once it logged in or imported an authorisation. */
  accountId: number | undefined;
}

export function authKeyId(key: Buffer): string {
  return createHash('sha1').update(key).digest().subarray(12, 20).toString('hex');
}

/** Every auth key created by a handshake, kept for the sandbox's lifetime so saved sessions resume. */
export class AuthKeyRegistry {
  readonly #keys = new Map<string, AuthKeyRecord>();

  has(id: string): boolean {
    return this.#keys.has(id);
  }

  get(id: string): AuthKeyRecord | undefined {
    return this.#keys.get(id);
  }

  add(key: Buffer, dcId: number, serverSalt: Buffer): AuthKeyRecord {
    const record: AuthKeyRecord = { id: authKeyId(key), key, dcId, serverSalt, accountId: undefined };
    this.#keys.set(record.id, record);
    return record;
  }

  /** New salts for every key (of one account, if given): clients must go through bad_server_salt. */
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
