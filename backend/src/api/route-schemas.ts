import { PageCursor, WriteAccepted } from '@teleplay/contracts';
import { z } from 'zod';
import { ErrorResponse } from '../plugins/errors.plugin.ts';
import { IDEMPOTENCY_KEY_HEADER } from './command-runner.ts';

/** The OpenAPI security requirement of routes that need an access token. */
export const bearerAuth = [{ bearerAuth: [] }];

/** The error shape under each of these status codes. */
export const errorResponses = <Codes extends number>(...codes: Codes[]) =>
  Object.fromEntries(codes.map((code) => [code, ErrorResponse])) as Record<Codes, typeof ErrorResponse>;

/** The answer of a write that is recorded but not yet in its read models (see `awaitReadModels`). */
export const writeAccepted = {
  202: WriteAccepted,
};

/** Headers of a write: an optional idempotency key, kept with the command it starts. */
export const WriteHeaders = z.looseObject({
  [IDEMPOTENCY_KEY_HEADER]: z
    .string()
    .min(1)
    .max(128)
    .regex(/^[\x21-\x7e]+$/, 'visible ASCII characters')
    .optional()
    .describe('makes the write safe to retry: a request repeated with the same key is not written twice'),
});

/** Whether every string inside a decoded cursor is text PostgreSQL can take (no NUL, no lone surrogates). */
function holdsCleanText(value: unknown): boolean {
  if (typeof value === 'string') return value.isWellFormed() && !value.includes('\0');
  if (Array.isArray(value)) return value.every(holdsCleanText);
  if (value !== null && typeof value === 'object') return Object.values(value).every(holdsCleanText);
  return true;
}

/**
 * A page cursor from a query string. The read models make cursors (base64url JSON) and refuse those
 * they did not make; this also refuses a crafted one carrying text that PostgreSQL cannot compare.
 */
export const Cursor = PageCursor.refine((cursor) => {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return true;
  }
  return holdsCleanText(decoded);
}, 'not a cursor of this list');
