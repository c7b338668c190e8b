import { randomBytes } from 'node:crypto';

interface IssuedReference {
  bytes: Buffer;
  issuedAt: number;
}

/**
 * file_reference values: one per (account, file), handed out whenever the account sees the file in a
 * message, valid only for that account, until expired on demand or by age. A stale or foreign
 * reference is what makes Telegram answer FILE_REFERENCE_EXPIRED.
 */
export class FileReferences {
  readonly #issued = new Map<string, IssuedReference>();
  readonly #ttlMs: number;
  readonly #now: () => number;

  constructor(ttlMs: number, now: () => number = Date.now) {
    this.#ttlMs = ttlMs;
    this.#now = now;
  }

  /** The account's current reference to the file, minted if it has none or it expired. */
  issue(accountId: number, fileId: bigint): Buffer {
    const key = `${accountId}:${fileId}`;
    const current = this.#issued.get(key);
    if (current && this.#fresh(current)) return current.bytes;
    const bytes = randomBytes(20);
    this.#issued.set(key, { bytes, issuedAt: this.#now() });
    return bytes;
  }

  isValid(accountId: number, fileId: bigint, reference: Buffer): boolean {
    const current = this.#issued.get(`${accountId}:${fileId}`);
    return current !== undefined && this.#fresh(current) && current.bytes.equals(reference);
  }

  /** Expires every reference (of one account, if given); returns how many were live. */
  expire(accountId?: number): number {
    let expired = 0;
    for (const key of [...this.#issued.keys()]) {
      if (accountId !== undefined && !key.startsWith(`${accountId}:`)) continue;
      this.#issued.delete(key);
      expired++;
    }
    return expired;
  }

  #fresh(reference: IssuedReference): boolean {
    return this.#now() - reference.issuedAt < this.#ttlMs;
  }
}
