import { describe, expect, it } from 'vitest';
import { BlockCache } from './block-cache.ts';
import type { PartFetch } from './part-scheduler.ts';

/** A fetcher whose answers the test gives by hand, recording what was asked and cancelled. */
function manualFetcher() {
  const started: string[] = [];
  const cancelled: string[] = [];
  const pending = new Map<string, PromiseWithResolvers<Uint8Array>>();
  const headOfLine: string[] = [];
  const fetcher =
    (key: string) =>
    (signal: AbortSignal): PartFetch => {
      started.push(key);
      const deferred = Promise.withResolvers<Uint8Array>();
      pending.set(key, deferred);
      signal.addEventListener('abort', () => {
        cancelled.push(key);
        deferred.reject(signal.reason);
      });
      return { bytes: deferred.promise, markHeadOfLine: () => headOfLine.push(key) };
    };
  const answer = (key: string, size: number) => pending.get(key)!.resolve(new Uint8Array(size));
  const fail = (key: string) => pending.get(key)!.reject(new Error('boom'));
  return { fetcher, answer, fail, started, cancelled, headOfLine };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('BlockCache', () => {
  it('shares one fetch between leases of the same key', async () => {
    const cache = new BlockCache(100);
    const fake = manualFetcher();
    const first = cache.lease('k', 10, fake.fetcher('k'), true);
    const second = cache.lease('k', 10, fake.fetcher('k'), true);
    fake.answer('k', 10);
    expect(await first.bytes).toBe(await second.bytes);
    expect(fake.started).toEqual(['k']);
  });

  it('keeps a released whole block for the next reader, until evicted oldest first', async () => {
    const cache = new BlockCache(25);
    const fake = manualFetcher();
    for (const key of ['a', 'b']) {
      const lease = cache.lease(key, 10, fake.fetcher(key), true);
      fake.answer(key, 10);
      await lease.bytes;
      lease.release();
    }
    expect(cache.usedBytes).toBe(20);
    cache.lease('a', 10, fake.fetcher('a'), true).release(); // a hit; 'a' becomes the newest
    const c = cache.lease('c', 10, fake.fetcher('c'), true); // needs room: evicts 'b'
    expect(cache.has('a')).toBe(true);
    expect(cache.has('b')).toBe(false);
    expect(fake.started).toEqual(['a', 'b', 'c']);
    c.release();
  });

  it('drops parts that are not cacheable once released', async () => {
    const cache = new BlockCache(100);
    const fake = manualFetcher();
    const lease = cache.lease('head', 10, fake.fetcher('head'), false);
    fake.answer('head', 10);
    await lease.bytes;
    lease.release();
    expect(cache.has('head')).toBe(false);
    expect(cache.usedBytes).toBe(0);
  });

  it('cancels a fetch when its last holder releases it, not before', async () => {
    const cache = new BlockCache(100);
    const fake = manualFetcher();
    const first = cache.lease('k', 10, fake.fetcher('k'), true);
    const second = cache.lease('k', 10, fake.fetcher('k'), true);
    first.release();
    first.release();
    expect(fake.cancelled).toEqual([]);
    second.release();
    expect(fake.cancelled).toEqual(['k']);
    expect(cache.usedBytes).toBe(0);
    expect(cache.has('k')).toBe(false);
  });

  it('does not keep failures: the next lease fetches again', async () => {
    const cache = new BlockCache(100);
    const fake = manualFetcher();
    const lease = cache.lease('k', 10, fake.fetcher('k'), true);
    fake.fail('k');
    await expect(lease.bytes).rejects.toThrow('boom');
    lease.release();
    expect(cache.usedBytes).toBe(0);
    cache.lease('k', 10, fake.fetcher('k'), true);
    expect(fake.started).toEqual(['k', 'k']);
  });

  it('makes parts wait for budget, and lets a head-of-line part overdraw', async () => {
    const cache = new BlockCache(20);
    const fake = manualFetcher();
    const a = cache.lease('a', 10, fake.fetcher('a'), true);
    cache.lease('b', 10, fake.fetcher('b'), true);
    const c = cache.lease('c', 10, fake.fetcher('c'), true);
    const d = cache.lease('d', 10, fake.fetcher('d'), true);
    expect(fake.started).toEqual(['a', 'b']);
    d.markHeadOfLine();
    expect(fake.started).toEqual(['a', 'b', 'd']);
    expect(fake.headOfLine).toEqual(['d']);
    expect(cache.usedBytes).toBe(30);
    a.release(); // still over budget: 'c' keeps waiting
    expect(fake.started).toEqual(['a', 'b', 'd']);
    fake.answer('d', 10);
    await flush();
    d.release(); // cached, then evicted to make room for 'c'
    expect(fake.started).toEqual(['a', 'b', 'd', 'c']);
    expect(cache.has('d')).toBe(false);
    expect(cache.usedBytes).toBe(20);
    c.release();
  });

  it('charges what came back, not what was expected', async () => {
    const cache = new BlockCache(100);
    const fake = manualFetcher();
    const lease = cache.lease('k', 10, fake.fetcher('k'), true);
    fake.answer('k', 4);
    await lease.bytes;
    expect(cache.usedBytes).toBe(4);
  });
});
