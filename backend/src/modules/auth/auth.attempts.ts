import { type Kysely, sql } from 'kysely';
import { authErrors } from './auth.errors.ts';
import type { AuthTables } from './auth.migrations.ts';
import type { Clock } from './auth.ports.ts';

export interface AttemptLimit {
  maxFailures: number;
  windowSeconds: number;
}

/**
 * Counts failed attempts per key (a client address, a Telegram user) in a fixed window and refuses
 * further attempts once the limit is reached. Kept in PostgreSQL so that every backend instance sees
 * the same counts.
 */
export interface AttemptLimiter {
  /** Throws `too_many_attempts` while `key` is over the limit. */
  assertAllowed(key: string): Promise<void>;
  recordFailure(key: string): Promise<void>;
}

export function createAttemptLimiter(
  db: Kysely<AuthTables>,
  clock: Clock,
  scope: string,
  limit: AttemptLimit,
): AttemptLimiter {
  const windowMs = limit.windowSeconds * 1000;
  return {
    async assertAllowed(key) {
      const now = clock.now();
      const row = await db
        .selectFrom('auth_attempts')
        .select(['failures', 'window_started_at'])
        .where('scope', '=', scope)
        .where('key', '=', key)
        .executeTakeFirst();
      if (!row || row.failures < limit.maxFailures) return;
      const windowEnds = row.window_started_at.getTime() + windowMs;
      if (windowEnds > now.getTime())
        throw authErrors.tooManyAttempts(Math.ceil((windowEnds - now.getTime()) / 1000));
    },

    async recordFailure(key) {
      const now = clock.now();
      const windowStart = new Date(now.getTime() - windowMs);
      // One statement, so concurrent failures all count: a window that has passed starts again at 1.
      await db
        .insertInto('auth_attempts')
        .values({ scope, key, window_started_at: now, failures: 1 })
        .onConflict((conflict) =>
          conflict.columns(['scope', 'key']).doUpdateSet({
            failures: sql<number>`case when auth_attempts.window_started_at <= ${windowStart}
              then 1 else auth_attempts.failures + 1 end`,
            window_started_at: sql<Date>`case when auth_attempts.window_started_at <= ${windowStart}
              then ${now}::timestamptz else auth_attempts.window_started_at end`,
          }),
        )
        .execute();
    },
  };
}
