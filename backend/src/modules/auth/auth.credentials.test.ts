import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  hashSecret,
  isLoginCode,
  LOGIN_START_PREFIX,
  loginCodeFromStartParameter,
  randomLoginCode,
  randomSecret,
  randomUuid,
  userWhitelist,
} from './auth.credentials.ts';
import { cryptoRandom, type RandomSource } from './auth.ports.ts';

/** Hands out the given byte blocks in order. */
const scriptedRandom = (...blocks: number[][]): RandomSource => ({
  bytes: (length) => {
    const block = blocks.shift();
    if (!block || block.length !== length) throw new Error(`unexpected request for ${length} bytes`);
    return Uint8Array.from(block);
  },
});

describe('randomLoginCode', () => {
  it('keeps leading zeros', () => {
    expect(randomLoginCode(scriptedRandom([0, 0, 0, 42]))).toBe('000042');
  });

  it('draws again instead of favouring low codes when the value is above the last whole range', () => {
    // 0xffffffff is above 4_294_000_000, the largest multiple of 10^6 below 2^32.
    expect(randomLoginCode(scriptedRandom([0xff, 0xff, 0xff, 0xff], [0, 0x0f, 0x42, 0x3f]))).toBe('999999');
  });

  it('maps every accepted value to its last six digits', () => {
    fc.assert(
      fc.property(fc.nat({ max: 4_293_999_999 }), (value) => {
        const bytes = [value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff];
        expect(randomLoginCode(scriptedRandom(bytes))).toBe(String(value % 1_000_000).padStart(6, '0'));
      }),
    );
  });
});

describe('login code deep link', () => {
  it('reads the code from a /start parameter', () => {
    expect(loginCodeFromStartParameter(`${LOGIN_START_PREFIX}012345`)).toBe('012345');
  });

  it.each(['012345', 'login-12345', 'login-1234567', 'login-12a456', 'share-012345', ''])(
    'ignores %j',
    (parameter) => {
      expect(loginCodeFromStartParameter(parameter)).toBeNull();
    },
  );

  it('accepts exactly six digits as a code', () => {
    expect(isLoginCode('000000')).toBe(true);
    expect(isLoginCode(' 000000')).toBe(false);
    expect(isLoginCode('00000')).toBe(false);
  });
});

describe('secrets', () => {
  it('carries 256 random bits in 43 base64url characters', () => {
    expect(randomSecret(cryptoRandom)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(randomSecret(cryptoRandom)).not.toBe(randomSecret(cryptoRandom));
  });

  it('are stored as their SHA-256 digest', () => {
    expect(hashSecret('abc').toString('hex')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });

  it('makes version 4 UUIDs', () => {
    expect(randomUuid(scriptedRandom(new Array(16).fill(0xff)))).toBe('ffffffff-ffff-4fff-bfff-ffffffffffff');
    expect(randomUuid(cryptoRandom)).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });
});

describe('userWhitelist', () => {
  it('lets everyone in when AUTH_USERS is empty', () => {
    expect(userWhitelist([])('123')).toBe(true);
  });

  it('lets only the listed users in otherwise', () => {
    const isAllowed = userWhitelist(['123', '456']);
    expect(isAllowed('456')).toBe(true);
    expect(isAllowed('789')).toBe(false);
  });
});
