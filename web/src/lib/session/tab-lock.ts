/** Runs a task while no other task under the same lock runs, in this tab or in any other. */
export interface TabLock {
  run<T>(task: () => Promise<T>): Promise<T>;
}

/** The Web Locks API: exclusive across every tab and worker of the origin. Secure contexts only. */
export function webLock(locks: LockManager, name: string): TabLock {
  return {
    run: <T>(task: () => Promise<T>) => locks.request(name, { mode: 'exclusive' }, task) as Promise<T>,
  };
}

/** The parts of `localStorage` the lease lock needs. */
export interface LeaseStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export interface LeaseLockOptions {
  /** A holder that crashed (tab closed mid-task) loses the lock after this long. */
  leaseMs?: number;
  /** How long a writer waits before checking that its claim survived a concurrent one. */
  settleMs?: number;
  /** How often a waiter looks again. */
  pollMs?: number;
  /** A unique id of this tab. */
  owner: string;
}

interface Lease {
  owner: string;
  until: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A lock made of a lease in `localStorage`, for pages that are not a secure context (a self-hosted
 * server on `http://192.168.…`), where `navigator.locks` does not exist. A tab claims a free or
 * expired lease, waits `settleMs`, and owns the lock only if its claim is still the one stored: when
 * two tabs claim at once, the later write wins and the other one waits. Tasks of one tab run one
 * after the other.
 */
export function leaseLock(storage: LeaseStorage, key: string, options: LeaseLockOptions): TabLock {
  const leaseMs = options.leaseMs ?? 10_000;
  const settleMs = options.settleMs ?? 50;
  const pollMs = options.pollMs ?? 100;
  const read = (): Lease | null => {
    try {
      const value = JSON.parse(storage.getItem(key) ?? 'null') as Lease | null;
      return value && typeof value.owner === 'string' && typeof value.until === 'number' ? value : null;
    } catch {
      return null;
    }
  };
  const acquire = async () => {
    for (;;) {
      const lease = read();
      if (!lease || lease.until < Date.now()) {
        storage.setItem(key, JSON.stringify({ owner: options.owner, until: Date.now() + leaseMs }));
        await sleep(settleMs);
        if (read()?.owner === options.owner) return;
      } else {
        await sleep(pollMs);
      }
    }
  };
  let queue: Promise<unknown> = Promise.resolve();
  return {
    run<T>(task: () => Promise<T>): Promise<T> {
      const result = queue.then(async () => {
        await acquire();
        try {
          return await task();
        } finally {
          if (read()?.owner === options.owner) storage.removeItem(key);
        }
      });
      queue = result.catch(() => undefined);
      return result;
    },
  };
}
