import type { PartFetch } from './part-scheduler.ts';
import type { StreamMetrics } from './stream.metrics.ts';

/** A stream's claim on one part: the bytes, once fetched, stay in memory until released. */
export interface BlockLease {
  readonly bytes: Promise<Uint8Array>;
  /**
   * A stream waits on this part now. It starts even if that exceeds the byte budget, so that streams held
   * up by slow readers elsewhere cannot starve one whose reader is waiting, and it is hedged if slow.
   */
  markHeadOfLine(): void;
  /** Idempotent. The last release of a part still in flight cancels its fetch. */
  release(): void;
}

type EntryState = 'waiting' | 'fetching' | 'ready' | 'failed';

interface Entry {
  readonly key: string;
  readonly cacheable: boolean;
  readonly fetcher: (signal: AbortSignal) => PartFetch;
  readonly controller: AbortController;
  readonly deferred: PromiseWithResolvers<Uint8Array>;
  state: EntryState;
  /** Bytes counted against the budget: the expected size until the answer is in. */
  charge: number;
  pins: number;
  headOfLine: boolean;
  fetch: PartFetch | undefined;
}

/**
 * The one place part bytes live while fetched and after: a byte budget over parts in flight, parts held by
 * streams, and an LRU of whole blocks nobody holds, keyed by file and block so that two viewers, or a
 * seek back, share a single getFile. Cached blocks are evicted to make room; parts that still do not fit
 * wait in FIFO order, except a head-of-line part, which may overdraw. So memory stays within the budget
 * plus one part per stream.
 */
export class BlockCache {
  readonly #maxBytes: number;
  readonly #metrics: StreamMetrics | undefined;
  readonly #entries = new Map<string, Entry>();
  /** Ready, cacheable entries nobody holds, oldest first. */
  readonly #lru = new Map<string, Entry>();
  readonly #waiting: Entry[] = [];
  #usedBytes = 0;
  #lruBytes = 0;

  constructor(maxBytes: number, metrics?: StreamMetrics) {
    this.#maxBytes = maxBytes;
    this.#metrics = metrics;
  }

  /** Bytes in flight, held and cached. */
  get usedBytes(): number {
    return this.#usedBytes;
  }

  /** Whether the part is cached or on its way. */
  has(key: string): boolean {
    return this.#entries.has(key);
  }

  /**
   * Claims the part under `key`, joining the fetch or copy already there, or starting `fetcher` once the
   * budget has room for `expectedBytes`.
   */
  lease(
    key: string,
    expectedBytes: number,
    fetcher: (signal: AbortSignal) => PartFetch,
    /** Keep the bytes after the last release, for later readers (whole blocks only). */
    cacheable: boolean,
  ): BlockLease {
    let entry = this.#entries.get(key);
    if (entry) {
      if (cacheable) this.#metrics?.cacheLookups.inc({ result: entry.state === 'ready' ? 'hit' : 'shared' });
      entry.pins += 1;
      if (this.#lru.delete(key)) this.#lruBytes -= entry.charge;
    } else {
      if (cacheable) this.#metrics?.cacheLookups.inc({ result: 'miss' });
      const deferred = Promise.withResolvers<Uint8Array>();
      // Nobody may be listening when a fetch is cancelled; its holders see their own rejections.
      deferred.promise.catch(() => {});
      entry = {
        key,
        cacheable,
        fetcher,
        controller: new AbortController(),
        deferred,
        state: 'waiting',
        charge: expectedBytes,
        pins: 1,
        headOfLine: false,
        fetch: undefined,
      };
      this.#entries.set(key, entry);
      this.#waiting.push(entry);
      this.#admitWaiting();
    }
    return this.#leaseOf(entry);
  }

  #leaseOf(entry: Entry): BlockLease {
    let released = false;
    return {
      bytes: entry.deferred.promise,
      markHeadOfLine: () => {
        entry.headOfLine = true;
        if (entry.state === 'waiting') {
          this.#waiting.splice(this.#waiting.indexOf(entry), 1);
          this.#start(entry);
        } else {
          entry.fetch?.markHeadOfLine();
        }
      },
      release: () => {
        if (released) return;
        released = true;
        this.#release(entry);
      },
    };
  }

  #admitWaiting(): void {
    while (this.#waiting.length > 0) {
      const entry = this.#waiting[0]!;
      if (this.#usedBytes - this.#lruBytes + entry.charge > this.#maxBytes) break;
      this.#waiting.shift();
      this.#start(entry);
    }
  }

  #start(entry: Entry): void {
    this.#evictDownTo(this.#maxBytes - entry.charge);
    entry.state = 'fetching';
    this.#usedBytes += entry.charge;
    const fetch = entry.fetcher(entry.controller.signal);
    entry.fetch = fetch;
    if (entry.headOfLine) fetch.markHeadOfLine();
    fetch.bytes.then(
      (bytes) => this.#complete(entry, bytes),
      (error: unknown) => this.#fail(entry, error),
    );
    this.#reportBytes();
  }

  #complete(entry: Entry, bytes: Uint8Array): void {
    if (this.#entries.get(entry.key) !== entry) return;
    this.#usedBytes += bytes.length - entry.charge;
    entry.charge = bytes.length;
    entry.state = 'ready';
    entry.deferred.resolve(bytes);
    this.#reportBytes();
  }

  #fail(entry: Entry, error: unknown): void {
    if (this.#entries.get(entry.key) !== entry) return;
    this.#entries.delete(entry.key);
    this.#usedBytes -= entry.charge;
    entry.state = 'failed';
    entry.deferred.reject(error);
    this.#admitWaiting();
    this.#reportBytes();
  }

  #release(entry: Entry): void {
    entry.pins -= 1;
    if (entry.pins > 0 || entry.state === 'failed') return;
    if (entry.state === 'ready' && entry.cacheable) {
      this.#lru.set(entry.key, entry);
      this.#lruBytes += entry.charge;
      this.#evictDownTo(this.#maxBytes);
    } else {
      this.#entries.delete(entry.key);
      if (entry.state === 'waiting') this.#waiting.splice(this.#waiting.indexOf(entry), 1);
      else this.#usedBytes -= entry.charge;
      if (entry.state === 'fetching') entry.controller.abort(new Error('part no longer needed'));
    }
    this.#admitWaiting();
    this.#reportBytes();
  }

  /** Evicts cached blocks, oldest first, until at most `bytes` are used or nothing is left to evict. */
  #evictDownTo(bytes: number): void {
    for (const entry of this.#lru.values()) {
      if (this.#usedBytes <= bytes) return;
      this.#lru.delete(entry.key);
      this.#entries.delete(entry.key);
      this.#lruBytes -= entry.charge;
      this.#usedBytes -= entry.charge;
    }
  }

  #reportBytes(): void {
    this.#metrics?.cacheBytes.set(this.#usedBytes);
  }
}
