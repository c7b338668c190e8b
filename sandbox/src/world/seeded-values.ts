import { createHmac } from 'node:crypto';

/** Stable pseudo-random values derived from the sandbox seed, so restarts print the same tokens. */
export class SeededValues {
  readonly #seed: string;

  constructor(seed: string) {
    this.#seed = seed;
  }

  #digest(label: string): Buffer {
    return createHmac('sha256', this.#seed).update(label).digest();
  }

  /** A signed int64, never zero (zero access hashes mean "unknown" to clients). */
  int64(label: string): bigint {
    const value = this.#digest(label).readBigInt64LE(0);
    return value === 0n ? 1n : value;
  }

  /** Letters and digits, like the secret part of a Bot API token. */
  token(label: string, length: number): string {
    return this.#digest(label).toString('base64url').replace(/[-_]/g, 'x').slice(0, length);
  }
}
