import { createHash } from 'node:crypto';
import type { RandomSource } from './auth.ports.ts';

// -----------------------------------------------------------------------------------------------
// Login codes: six digits a human reads off a screen and types into Telegram.
// -----------------------------------------------------------------------------------------------

export const LOGIN_CODE_PATTERN = /^\d{6}$/;

const CODE_SPACE = 1_000_000;
// The largest multiple of CODE_SPACE below 2^32: values above it would make low codes more likely.
const UNBIASED_LIMIT = Math.floor(2 ** 32 / CODE_SPACE) * CODE_SPACE;

/** A uniformly random six-digit code, leading zeros included. */
export function randomLoginCode(random: RandomSource): string {
  for (;;) {
    const bytes = random.bytes(4);
    const value = ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0;
    if (value < UNBIASED_LIMIT) return String(value % CODE_SPACE).padStart(6, '0');
  }
}

export function isLoginCode(text: string): boolean {
  return LOGIN_CODE_PATTERN.test(text);
}

/**
 * The bot deep link carries the code as its start parameter: `https://t.me/<bot>?start=login-123456`
 * arrives as `/start login-123456`.
 */
export const LOGIN_START_PREFIX = 'login-' as const;

/** The login code in a `/start` parameter, or null when the parameter is something else. */
export function loginCodeFromStartParameter(parameter: string): string | null {
  if (!parameter.startsWith(LOGIN_START_PREFIX)) return null;
  const code = parameter.slice(LOGIN_START_PREFIX.length);
  return isLoginCode(code) ? code : null;
}

// -----------------------------------------------------------------------------------------------
// Bearer secrets (login-code poll secrets, refresh tokens, web login links): 256 random bits, sent to
// the client once and kept only as a SHA-256 digest. Their entropy makes a slow hash unnecessary.
// -----------------------------------------------------------------------------------------------

export const SECRET_BYTES = 32;

export function randomSecret(random: RandomSource): string {
  return Buffer.from(random.bytes(SECRET_BYTES)).toString('base64url');
}

export function hashSecret(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

/** A random (version 4) UUID from the injected source. */
export function randomUuid(random: RandomSource): string {
  const bytes = Buffer.from(random.bytes(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// -----------------------------------------------------------------------------------------------
// AUTH_USERS
// -----------------------------------------------------------------------------------------------

/** Who may sign in: the listed Telegram user ids, or everyone when the list is empty. */
export function userWhitelist(allowedUsers: readonly string[]): (userId: string) => boolean {
  if (allowedUsers.length === 0) return () => true;
  const allowed = new Set(allowedUsers);
  return (userId) => allowed.has(userId);
}
