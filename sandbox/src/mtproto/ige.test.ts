import { randomBytes } from 'node:crypto';
import { IGE } from 'teleproto/crypto/IGE.js';
import { describe, expect, it } from 'vitest';
import { igeDecrypt, igeEncrypt } from './ige.ts';

describe('AES-256-IGE', () => {
  it.each([16, 32, 48, 1024, 65_536 + 48])(
    'encrypts %i bytes exactly like teleproto, and decrypts back',
    (size) => {
      const key = randomBytes(32);
      const iv = randomBytes(32);
      const plain = randomBytes(size);
      const cipherText = igeEncrypt(plain, key, iv);
      expect(cipherText.equals(new IGE(key, iv).encryptIge(plain))).toBe(true);
      expect(igeDecrypt(cipherText, key, iv).equals(plain)).toBe(true);
    },
  );

  it('refuses data that is not whole blocks', () => {
    expect(() => igeEncrypt(Buffer.alloc(20), randomBytes(32), randomBytes(32))).toThrow(RangeError);
  });
});
