import 'teleproto';
import { randomBytes } from 'node:crypto';
import { IGE } from 'teleproto/crypto/IGE.js';
import { describe, expect, it } from 'vitest';
import { installFastIge } from './fast-ige.ts';

// Captured before installing: the reference the native implementation must match byte for byte.
const stockEncrypt = IGE.prototype.encryptIge;
const stockDecrypt = IGE.prototype.decryptIge;

describe('installFastIge', () => {
  const status = installFastIge();

  it('installs the native implementation', () => {
    expect(status).toEqual({ installed: true });
    expect(IGE.prototype.decryptIge).not.toBe(stockDecrypt);
    expect(installFastIge()).toBe(status);
  });

  it('encrypts and decrypts exactly like teleproto', () => {
    for (const length of [16, 32, 1024, 64 * 1024 + 16]) {
      const key = randomBytes(32);
      const iv = randomBytes(32);
      const plain = randomBytes(length);
      const cipher = new IGE(key, iv).encryptIge(plain);
      expect(cipher.equals(stockEncrypt.call(new IGE(key, iv), plain))).toBe(true);
      expect(new IGE(key, iv).decryptIge(cipher).equals(plain)).toBe(true);
      expect(stockDecrypt.call(new IGE(key, iv), cipher).equals(plain)).toBe(true);
    }
  });

  it('pads a partial last block with random bytes, as teleproto does', () => {
    const key = randomBytes(32);
    const iv = randomBytes(32);
    const plain = randomBytes(100);
    const cipher = new IGE(key, iv).encryptIge(plain);
    expect(cipher.length).toBe(112);
    expect(new IGE(key, iv).decryptIge(cipher).subarray(0, 100).equals(plain)).toBe(true);
  });

  it('refuses cipher text that is not whole blocks', () => {
    expect(() => new IGE(randomBytes(32), randomBytes(32)).decryptIge(randomBytes(17))).toThrow(
      /multiple of 16/,
    );
  });
});
