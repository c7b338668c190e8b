import { describe, expect, it } from 'vitest';
import { reconnectDelay } from './backoff.ts';

describe('reconnectDelay', () => {
  it('doubles the step per attempt', () => {
    expect([0, 1, 2, 3].map((attempt) => reconnectDelay(attempt, 0))).toEqual([500, 1000, 2000, 4000]);
  });

  it('adds up to half a step of jitter', () => {
    expect(reconnectDelay(2, 0.5)).toBe(3000);
    expect(reconnectDelay(2, 0.999)).toBeLessThan(4000);
  });

  it('never waits longer than the cap', () => {
    expect(reconnectDelay(20, 0.999)).toBeLessThanOrEqual(30_000);
    expect(reconnectDelay(20, 0)).toBe(15_000);
  });
});
