import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type AuthTokens,
  type RefreshResult,
  refreshingFetch,
  SessionManager,
  type SessionStore,
} from './session.svelte.ts';
import type { TabLock } from './tab-lock.ts';

/** localStorage shared by several tabs: a write is seen by the other tabs' watchers, not the writer's. */
class SharedStorage {
  value: string | null = null;
  readonly #watchers = new Map<number, (value: string | null) => void>();
  #tabs = 0;
  tab(): SessionStore {
    const id = this.#tabs++;
    return {
      read: () => this.value,
      write: (value) => {
        this.value = value;
        for (const [tab, watcher] of this.#watchers) if (tab !== id) watcher(value);
      },
      watch: (listener) => {
        this.#watchers.set(id, listener);
        return () => this.#watchers.delete(id);
      },
    };
  }
}

/** Web Locks stand-in: one holder at a time across every tab. */
function sharedLock(): TabLock {
  let tail: Promise<unknown> = Promise.resolve();
  return {
    run<T>(task: () => Promise<T>) {
      const result = tail.then(task);
      tail = result.catch(() => undefined);
      return result;
    },
  };
}

const minutes = (n: number) => new Date(Date.now() + n * 60_000).toISOString();

function tokens(generation: number, accessExpiresInMinutes = 15): AuthTokens {
  return {
    tokenType: 'Bearer',
    accessToken: `access-${generation}`,
    accessTokenExpiresAt: minutes(accessExpiresInMinutes),
    refreshToken: `refresh-${generation}`,
    refreshTokenExpiresAt: minutes(60 * 24 * 30),
    userId: '100000001',
    deviceId: 'device-1',
  };
}

/** The refresh endpoint: rotates, and refuses a refresh token it has seen before. */
class FakeAuthServer {
  generation = 1;
  used = new Set<string>();
  calls: string[] = [];
  unreachable = false;
  refresh = async (refreshToken: string): Promise<RefreshResult> => {
    this.calls.push(refreshToken);
    await new Promise((resolve) => setTimeout(resolve, 50));
    if (this.unreachable) throw new TypeError('fetch failed');
    if (this.used.has(refreshToken) || refreshToken !== `refresh-${this.generation}`) return { ok: false };
    this.used.add(refreshToken);
    this.generation += 1;
    return { ok: true, tokens: tokens(this.generation) };
  };
}

describe('SessionManager', () => {
  let storage: SharedStorage;
  let lock: TabLock;
  let server: FakeAuthServer;
  const openTab = () => new SessionManager({ store: storage.tab(), lock, refresh: server.refresh });

  beforeEach(() => {
    vi.useFakeTimers();
    storage = new SharedStorage();
    lock = sharedLock();
    server = new FakeAuthServer();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('keeps the tokens for the other tabs and for the next visit', () => {
    const first = openTab();
    first.signIn(tokens(1));
    const second = openTab();
    expect(second.tokens?.accessToken).toBe('access-1');
  });

  it('hands out the access token as it is while it is fresh', async () => {
    const tab = openTab();
    tab.signIn(tokens(1));
    expect(await tab.accessToken()).toBe('access-1');
    expect(server.calls).toEqual([]);
  });

  it('refreshes an expiring token once for every caller in the tab', async () => {
    const tab = openTab();
    tab.signIn(tokens(1, 0.25));
    const callers = Promise.all([tab.accessToken(), tab.accessToken(), tab.accessToken()]);
    await vi.advanceTimersByTimeAsync(100);
    expect(await callers).toEqual(['access-2', 'access-2', 'access-2']);
    expect(server.calls).toEqual(['refresh-1']);
  });

  it('spends a refresh token once when several tabs need a new token at the same time', async () => {
    const tabs = [openTab(), openTab(), openTab()];
    tabs[0]?.signIn(tokens(1));
    const renewed = Promise.all(tabs.map((tab) => tab.refreshAfterRejection('access-1')));
    await vi.advanceTimersByTimeAsync(500);
    expect(await renewed).toEqual(['access-2', 'access-2', 'access-2']);
    expect(server.calls).toEqual(['refresh-1']);
    expect(server.used.size).toBe(1);
    for (const tab of tabs) expect(tab.tokens?.refreshToken).toBe('refresh-2');
  });

  it('uses the token another tab already renewed instead of refreshing again', async () => {
    const [first, second] = [openTab(), openTab()];
    first.signIn(tokens(1));
    const renewed = first.refreshAfterRejection('access-1');
    await vi.advanceTimersByTimeAsync(100);
    await renewed;
    expect(await second.refreshAfterRejection('access-1')).toBe('access-2');
    expect(server.calls).toEqual(['refresh-1']);
  });

  it('signs out every tab when the server refuses the refresh token', async () => {
    const [first, second] = [openTab(), openTab()];
    first.signIn(tokens(1));
    server.used.add('refresh-1');
    const renewed = first.refreshAfterRejection('access-1');
    await vi.advanceTimersByTimeAsync(100);
    expect(await renewed).toBeNull();
    expect(first.signedIn).toBe(false);
    expect(first.ended).toBe('expired');
    expect(second.signedIn).toBe(false);
    expect(second.ended).toBe('signed_out');
  });

  it('keeps the session when the server cannot be reached', async () => {
    const tab = openTab();
    tab.signIn(tokens(1));
    server.unreachable = true;
    const renewed = tab.refreshAfterRejection('access-1');
    const assertion = expect(renewed).rejects.toThrow('fetch failed');
    await vi.advanceTimersByTimeAsync(100);
    await assertion;
    expect(tab.tokens?.refreshToken).toBe('refresh-1');
  });
});

describe('refreshingFetch', () => {
  const request = (token?: string) =>
    new Request('http://127.0.0.1/api/files', {
      method: 'POST',
      body: '{"name":"x"}',
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });

  /** An API that accepts one token only, and records what it saw. */
  function api(validToken: string) {
    const seen: { token: string | null; body: string }[] = [];
    const send = async (incoming: Request) => {
      const token = incoming.headers.get('authorization')?.slice('Bearer '.length) ?? null;
      seen.push({ token, body: await incoming.text() });
      return new Response(null, { status: token === validToken ? 200 : 401 });
    };
    return { seen, send };
  }

  it('renews a refused token and sends the request again, body included', async () => {
    const server = api('fresh');
    const fetchWithRefresh = refreshingFetch({ refreshAfterRejection: async () => 'fresh' }, server.send);
    const response = await fetchWithRefresh(request('stale'));
    expect(response.status).toBe(200);
    expect(server.seen).toEqual([
      { token: 'stale', body: '{"name":"x"}' },
      { token: 'fresh', body: '{"name":"x"}' },
    ]);
  });

  it('answers the 401 when the session cannot be renewed', async () => {
    const server = api('fresh');
    const fetchWithRefresh = refreshingFetch({ refreshAfterRejection: async () => null }, server.send);
    expect((await fetchWithRefresh(request('stale'))).status).toBe(401);
    expect(server.seen).toHaveLength(1);
  });

  it('leaves requests without a token alone', async () => {
    const server = api('fresh');
    let refreshes = 0;
    const fetchWithRefresh = refreshingFetch(
      {
        refreshAfterRejection: async () => {
          refreshes += 1;
          return 'fresh';
        },
      },
      server.send,
    );
    expect((await fetchWithRefresh(request())).status).toBe(401);
    expect(refreshes).toBe(0);
  });
});
