import { _serverKeys } from 'teleproto/crypto/RSA.js';
import { describe, expect, it } from 'vitest';
import { exportServerRsaKey, importServerRsaKey, rsaFingerprint, serverRsaKey } from './rsa-key.ts';

describe('RSA key fingerprints', () => {
  it("compute the fingerprints teleproto ships for Telegram's own keys", () => {
    const builtIn = [..._serverKeys.entries()].filter(([fingerprint]) => fingerprint.startsWith('-'));
    expect(builtIn.length).toBeGreaterThan(0);
    for (const [fingerprint, { n, e }] of builtIn) {
      const modulus = Buffer.from(n.toString(16), 'hex');
      const exponent = Buffer.from(e.toString(16).padStart(6, '0'), 'hex');
      expect(rsaFingerprint(modulus, exponent).toString()).toBe(fingerprint);
    }
  });

  it('survive a PEM round trip, so a restarted sandbox offers the same key', async () => {
    const key = await serverRsaKey();
    const restored = importServerRsaKey(exportServerRsaKey(key));
    expect(restored.fingerprint).toBe(key.fingerprint);
    expect(restored.modulusHex).toBe(key.modulusHex);
    expect(restored.exponent).toBe(65537);
  });

  it('refuse a PEM that is not an RSA private key', () => {
    expect(() => importServerRsaKey('not a key')).toThrow();
  });
});
