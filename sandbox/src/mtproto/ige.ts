import { createCipheriv, createDecipheriv } from 'node:crypto';

const BLOCK = 16;

function toWords(data: Buffer): Uint32Array {
  const words = new Uint32Array(data.length / 4);
  new Uint8Array(words.buffer).set(data);
  return words;
}

function assertBlocks(data: Buffer, key: Buffer, iv: Buffer): void {
  if (data.length % BLOCK !== 0) throw new RangeError('AES-IGE data must be a multiple of 16 bytes');
  if (key.length !== 32 || iv.length !== 32)
    throw new RangeError('AES-IGE needs a 32-byte key and a 32-byte IV');
}

/**
 * AES-256-IGE encryption through OpenSSL's bulk CBC. With y_i = E(p_i ⊕ c_{i-1}) and
 * c_i = y_i ⊕ p_{i-1}, the cipher input is p_i ⊕ p_{i-2} ⊕ y_{i-1}: CBC over q_i = p_i ⊕ p_{i-2}
 * (IV c_0) yields every y_i, because the plaintext is known up front. This keeps the server's
 * 1 MiB getFile answers from costing more CPU than the client that decrypts them.
 */
export function igeEncrypt(plain: Buffer, key: Buffer, iv: Buffer): Buffer {
  assertBlocks(plain, key, iv);
  if (plain.length === 0) return Buffer.alloc(0);
  const p = toWords(plain);
  const p0 = toWords(iv.subarray(BLOCK));
  const q = new Uint32Array(p.length);
  for (let w = 0; w < 4; w++) q[w] = p[w]!;
  for (let w = 4; w < 8 && w < p.length; w++) q[w] = p[w]! ^ p0[w - 4]!;
  for (let w = 8; w < p.length; w++) q[w] = p[w]! ^ p[w - 8]!;

  const cbc = createCipheriv('aes-256-cbc', key, iv.subarray(0, BLOCK)).setAutoPadding(false);
  const y = toWords(Buffer.concat([cbc.update(new Uint8Array(q.buffer)), cbc.final()]));
  for (let w = 0; w < 4; w++) y[w] = y[w]! ^ p0[w]!;
  for (let w = 4; w < p.length; w++) y[w] = y[w]! ^ p[w - 4]!;
  return Buffer.from(y.buffer);
}

/** AES-256-IGE decryption, block by block on one reused ECB context (requests are small). */
export function igeDecrypt(cipherText: Buffer, key: Buffer, iv: Buffer): Buffer {
  assertBlocks(cipherText, key, iv);
  const ecb = createDecipheriv('aes-256-ecb', key, null).setAutoPadding(false);
  const out = Buffer.alloc(cipherText.length);
  let previousCipher = iv.subarray(0, BLOCK);
  let previousPlain = iv.subarray(BLOCK);
  const block = Buffer.alloc(BLOCK);
  for (let offset = 0; offset < cipherText.length; offset += BLOCK) {
    const cipherBlock = cipherText.subarray(offset, offset + BLOCK);
    for (let i = 0; i < BLOCK; i++) block[i] = cipherBlock[i]! ^ previousPlain[i]!;
    const decrypted = ecb.update(block);
    for (let i = 0; i < BLOCK; i++) out[offset + i] = decrypted[i]! ^ previousCipher[i]!;
    previousCipher = cipherBlock;
    previousPlain = out.subarray(offset, offset + BLOCK);
  }
  return out;
}
