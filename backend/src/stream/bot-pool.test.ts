import { describe, expect, it } from 'vitest';
import { BotPool } from './bot-pool.ts';

const options = { initialConcurrency: 4, maxConcurrency: 16, botUnavailableMs: 1000 };
const anyRank = () => 0;

describe('BotPool', () => {
  it('starts each bot at 4 requests and grows by one per window of successes, up to 16', () => {
    const pool = new BotPool(options);
    expect(pool.concurrencyOf('a')).toBe(4);
    for (let i = 0; i < 4; i += 1) pool.recordSuccess('a', 1);
    expect(pool.concurrencyOf('a')).toBe(5);
    for (let i = 0; i < 1000; i += 1) pool.recordSuccess('a', 1);
    expect(pool.concurrencyOf('a')).toBe(16);
  });

  it('halves the window on a timeout, a flood wait or a lost hedge, down to one', () => {
    const pool = new BotPool({ ...options, initialConcurrency: 16 });
    pool.recordSetback('a', 'timeout', 0);
    expect(pool.concurrencyOf('a')).toBe(8);
    pool.recordSetback('a', 'flood_wait', 0, 0);
    pool.recordSetback('a', 'slow', 0);
    pool.recordSetback('a', 'error', 0);
    pool.recordSetback('a', 'error', 0);
    expect(pool.concurrencyOf('a')).toBe(1);
  });

  it('picks the bot with the fewest bytes in flight among those with room', () => {
    const pool = new BotPool({ ...options, initialConcurrency: 2 });
    pool.begin('a', 100);
    pool.begin('b', 300);
    expect(pool.pick(['a', 'b', 'c'], 'f', 0, anyRank)).toBe('c');
    pool.begin('c', 200);
    expect(pool.pick(['a', 'b', 'c'], 'f', 0, anyRank)).toBe('a');
    pool.begin('a', 100);
    expect(pool.pick(['a', 'b', 'c'], 'f', 0, anyRank)).toBe('c'); // 'a' is full
    pool.end('a', 100);
    expect(pool.pick(['a', 'b', 'c'], 'f', 0, anyRank)).toBe('a');
  });

  it('ranks before load, and never picks a bot ranked infinite', () => {
    const pool = new BotPool(options);
    pool.begin('b', 1000);
    expect(pool.pick(['a', 'b'], 'f', 0, (bot) => (bot === 'a' ? 1 : 0))).toBe('b');
    expect(pool.pick(['a', 'b'], 'f', 0, (bot) => (bot === 'b' ? Number.POSITIVE_INFINITY : 0))).toBe('a');
    expect(pool.pick(['a'], 'f', 0, () => Number.POSITIVE_INFINITY)).toBeUndefined();
  });

  it('keeps a flooded bot out of rotation until its wait is over', () => {
    const pool = new BotPool(options);
    pool.recordSetback('a', 'flood_wait', 1_000, 15);
    expect(pool.pick(['a', 'b'], 'f', 1_000, anyRank)).toBe('b');
    expect(pool.pick(['a'], 'f', 15_999, anyRank)).toBeUndefined();
    expect(pool.nextCoolDownEnd(['a', 'b'], 1_000)).toBe(16_000);
    expect(pool.pick(['a'], 'f', 16_000, anyRank)).toBe('a');
    expect(pool.nextCoolDownEnd(['a', 'b'], 16_000)).toBeUndefined();
  });

  it('keeps a bot away from a file it cannot read, for a while', () => {
    const pool = new BotPool(options);
    pool.markUnavailable('a', 'f', 0);
    expect(pool.isAvailableFor('a', 'f', 999)).toBe(false);
    expect(pool.isAvailableFor('a', 'g', 999)).toBe(true);
    expect(pool.pick(['a'], 'f', 999, anyRank)).toBeUndefined();
    expect(pool.pick(['a'], 'f', 1000, anyRank)).toBe('a');
  });
});
