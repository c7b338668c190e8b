import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { ShareId } from '@teleplay/contracts';

const NONCE_BYTES = 16;
const TAG_BYTES = 16;
// Unpadded base64url of 16 bytes.
const PART_LENGTH = 22;

export interface ShareIds {
  /** A share id from 16 bytes of `seed` (a UUID: random, or derived from an idempotency key). */
  create(seed: string): ShareId;
  /** Whether this server signed `id`: a guessed or altered id is refused before any lookup. */
  verify(id: string): boolean;
}

/**
 * Share-link ids are the public links' secret: a nonce and an HMAC of it under a key derived from
 * the server's secret (HKDF-SHA256), 44 URL-safe characters. Without the secret no valid id can be
 * made, so the public route can turn away forgeries without touching the database; expiry and
 * revocation are the share link's state in the account.
 */
export function createShareIds(secret: string): ShareIds {
  if (secret.length < 32) throw new RangeError('the share-link secret must have at least 32 characters');
  const key = Buffer.from(hkdfSync('sha256', secret, 'teleplay-share-links', 'share-id-v1', 32));
  const tagOf = (nonce: Buffer) => createHmac('sha256', key).update(nonce).digest().subarray(0, TAG_BYTES);
  return {
    create(seed) {
      const nonce = Buffer.from(seed.replaceAll('-', ''), 'hex').subarray(0, NONCE_BYTES);
      if (nonce.length !== NONCE_BYTES) throw new RangeError('a share id is made from a UUID');
      return `${nonce.toString('base64url')}${tagOf(nonce).toString('base64url')}`;
    },
    verify(id) {
      if (id.length !== 2 * PART_LENGTH || !/^[A-Za-z0-9_-]+$/.test(id)) return false;
      const nonce = Buffer.from(id.slice(0, PART_LENGTH), 'base64url');
      const tag = Buffer.from(id.slice(PART_LENGTH), 'base64url');
      return nonce.length === NONCE_BYTES && tag.length === TAG_BYTES && timingSafeEqual(tag, tagOf(nonce));
    },
  };
}
