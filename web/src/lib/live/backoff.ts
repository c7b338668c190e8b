/** How long to wait before reconnect attempt `attempt` (0 for the first retry). */
export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1000, maxMs: 30_000 };

/**
 * Exponential backoff with "equal jitter": half of the doubled delay is fixed, the other half random,
 * so that a server restart does not see every tab reconnect in the same instant, and no tab retries
 * sooner than half the step. `random` is in [0, 1).
 */
export function reconnectDelay(
  attempt: number,
  random: number,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
): number {
  const step = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt));
  return Math.round(step / 2 + (step / 2) * random);
}
