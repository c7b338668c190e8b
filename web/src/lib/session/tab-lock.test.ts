import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { leaseLock } from './tab-lock.ts';

class MemoryStorage {
  values = new Map<string, string>();
  getItem(key: string) {
    return this.values.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.values.set(key, value);
  }
  removeItem(key: string) {
    this.values.delete(key);
  }
}

describe('leaseLock', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('never lets two tabs hold it at once, even when they claim it in the same instant', async () => {
    const storage = new MemoryStorage();
    const tabs = ['a', 'b', 'c'].map((owner) => leaseLock(storage, 'lock', { owner }));
    let holders = 0;
    let mostHolders = 0;
    const runs = tabs.map((lock, index) =>
      lock.run(async () => {
        holders += 1;
        mostHolders = Math.max(mostHolders, holders);
        await new Promise((resolve) => setTimeout(resolve, 200));
        holders -= 1;
        return index;
      }),
    );
    await vi.advanceTimersByTimeAsync(5_000);
    expect(await Promise.all(runs)).toEqual([0, 1, 2]);
    expect(mostHolders).toBe(1);
    expect(storage.getItem('lock')).toBeNull();
  });

  it('takes over the lease of a tab that went away mid-task', async () => {
    const storage = new MemoryStorage();
    storage.setItem('lock', JSON.stringify({ owner: 'closed-tab', until: Date.now() + 10_000 }));
    const run = leaseLock(storage, 'lock', { owner: 'b' }).run(async () => 'done');
    await vi.advanceTimersByTimeAsync(9_000);
    expect(storage.getItem('lock')).toContain('closed-tab');
    await vi.advanceTimersByTimeAsync(2_000);
    expect(await run).toBe('done');
  });

  it('releases the lock when the task fails', async () => {
    const storage = new MemoryStorage();
    const lock = leaseLock(storage, 'lock', { owner: 'a' });
    const failing = lock.run(async () => {
      throw new Error('refresh failed');
    });
    const assertion = expect(failing).rejects.toThrow('refresh failed');
    await vi.advanceTimersByTimeAsync(100);
    await assertion;
    const next = lock.run(async () => 'next');
    await vi.advanceTimersByTimeAsync(100);
    expect(await next).toBe('next');
  });
});
