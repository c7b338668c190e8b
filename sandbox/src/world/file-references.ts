import { randomBytes } from 'node:crypto';
import type { FileReferenceChange } from './model.ts';

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
  readonly #changed: (change: FileReferenceChange) => void;

  constructor(
    ttlMs: number,
    now: () => number = Date.now,
    changed: (change: FileReferenceChange) => void = () => {},
  ) {
    this.#ttlMs = ttlMs;
    this.#now = now;
    this.#changed = changed;
  }

  /** The account's current reference to the file, minted if it has none or it expired. */
  issue(accountId: number, fileId: bigint): Buffer {
    const current = this.#issued.get(referenceKey(accountId, fileId));
    if (current && this.#fresh(current)) return current.bytes;
    const bytes = randomBytes(20);
    const issuedAt = this.#now();
    this.restore(accountId, fileId, bytes, issuedAt);
    this.#changed({ type: 'file_reference_issued', accountId, fileId, bytes, issuedAt });
    return bytes;
  }

  /** Puts back a reference issued by an earlier run of the sandbox. */
  restore(accountId: number, fileId: bigint, bytes: Buffer, issuedAt: number): void {
    this.#issued.set(referenceKey(accountId, fileId), { bytes, issuedAt });
  }

  isValid(accountId: number, fileId: bigint, reference: Buffer): boolean {
    const current = this.#issued.get(referenceKey(accountId, fileId));
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
    if (expired > 0) this.#changed({ type: 'file_references_expired', accountId });
    return expired;
  }

  #fresh(reference: IssuedReference): boolean {
    return this.#now() - reference.issuedAt < this.#ttlMs;
  }
}

function referenceKey(accountId: number, fileId: bigint): string {
  return `${accountId}:${fileId}`;
}
