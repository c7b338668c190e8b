import { randomBytes } from 'node:crypto';
import type { DeviceId, DeviceKind, UserId } from '@teleplay/contracts';

/** The current time. Injected so expiry can be tested without waiting. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** Cryptographically secure random bytes. Injected so code collisions can be tested. */
export interface RandomSource {
  bytes(length: number): Uint8Array;
}

export const cryptoRandom: RandomSource = { bytes: (length) => randomBytes(length) };

export type SignOutReason = 'logout' | 'revoked' | 'token_reuse';

/**
 * Records device sign-ins and sign-outs in the account's history (`DeviceSignedIn`/`DeviceSignedOut`).
 * The composition root wires it to the account decider; auth does not know about events.
 * Both calls must be idempotent: a sign-out that failed is retried (see `recordPendingSignOuts`).
 */
export interface DeviceSessions {
  signedIn(session: { userId: UserId; deviceId: DeviceId; name: string; kind: DeviceKind }): Promise<void>;
  signedOut(session: { userId: UserId; deviceId: DeviceId; reason: SignOutReason }): Promise<void>;
}

/** Where auth reports problems it recovers from (a pino or fastify logger fits). */
export interface AuthLog {
  warn(details: object, message: string): void;
}
