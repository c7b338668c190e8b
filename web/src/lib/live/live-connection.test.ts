import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LiveConnection, type SocketHandlers } from './live-connection.svelte.ts';

const position = (n: number) => `${String(n).padStart(20, '0')}:${String(n).padStart(20, '0')}`;
const FILE_ID = '0b6f8a2e-3c1d-4e5f-8a9b-0c1d2e3f4a5b';

/** A server on the other end of the fake sockets: what each socket was sent, and a way to answer. */
class FakeServer {
  sockets: FakeSocket[] = [];
  get last(): FakeSocket {
    const socket = this.sockets.at(-1);
    if (!socket) throw new Error('no socket was opened');
    return socket;
  }
  connect = (url: string, handlers: SocketHandlers) => {
    const socket = new FakeSocket(url, handlers);
    this.sockets.push(socket);
    return socket;
  };
}

class FakeSocket {
  sent: Record<string, unknown>[] = [];
  closedByClient: number | null = null;
  constructor(
    readonly url: string,
    private readonly handlers: SocketHandlers,
  ) {}
  send(data: string) {
    this.sent.push(JSON.parse(data) as Record<string, unknown>);
  }
  close(code = 1000) {
    this.closedByClient = code;
  }
  open() {
    this.handlers.open();
  }
  receive(message: object | string) {
    this.handlers.message(typeof message === 'string' ? message : JSON.stringify(message));
  }
  welcome(at: number) {
    this.receive({
      type: 'Welcome',
      v: 1,
      userId: '100000001',
      deviceId: 'device-1',
      position: position(at),
    });
  }
  drop(code: number, reason = '') {
    this.handlers.close(code, reason);
  }
}

const fileRemoved = (at: number) => ({
  type: 'LibraryFileChanged',
  position: position(at),
  fileId: FILE_ID,
  removed: true,
});

describe('LiveConnection', () => {
  let server: FakeServer;
  let token: string;
  let refreshes: string[];

  function connection(options: Partial<ConstructorParameters<typeof LiveConnection>[0]> = {}) {
    return new LiveConnection({
      url: 'ws://127.0.0.1/api/ws',
      connect: server.connect,
      accessToken: async () => token,
      refreshAfterRejection: async (rejected) => {
        refreshes.push(rejected);
        token = `${rejected}+refreshed`;
        return token;
      },
      random: () => 0,
      heartbeatMs: 25_000,
      ...options,
    });
  }

  /** Lets the awaited token lookups and refreshes settle. */
  const settle = () => vi.advanceTimersByTimeAsync(0);

  beforeEach(() => {
    vi.useFakeTimers();
    server = new FakeServer();
    token = 'token-1';
    refreshes = [];
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('says Hello with the access token and is live after Welcome', async () => {
    const live = connection();
    live.start();
    await settle();
    expect(live.status).toBe('connecting');
    server.last.open();
    expect(server.last.sent).toEqual([{ type: 'Hello', v: 1, accessToken: 'token-1' }]);
    server.last.welcome(5);
    expect(live.status).toBe('live');
    expect(live.position).toBe(position(5));
  });

  it('passes changes to listeners and resumes from the last one after a drop', async () => {
    const live = connection();
    const received: unknown[] = [];
    live.onChange((change) => received.push(change));
    live.start();
    await settle();
    server.last.open();
    server.last.welcome(5);
    server.last.receive(fileRemoved(7));
    expect(received).toEqual([fileRemoved(7)]);

    server.last.drop(1006);
    expect(live.status).toBe('waiting');
    await vi.advanceTimersByTimeAsync(499);
    expect(server.sockets).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    server.last.open();
    expect(server.last.sent[0]).toEqual({
      type: 'Hello',
      v: 1,
      accessToken: 'token-1',
      resumeFrom: position(7),
    });
  });

  it('backs off longer after each failed attempt, and starts over once live', async () => {
    const live = connection();
    live.start();
    await settle();
    const waits: number[] = [];
    for (let attempt = 0; attempt < 4; attempt += 1) {
      server.last.drop(1006);
      waits.push((live.retryAt ?? 0) - Date.now());
      await vi.advanceTimersByTimeAsync(waits.at(-1) ?? 0);
    }
    expect(waits).toEqual([500, 1000, 2000, 4000]);

    server.last.open();
    server.last.welcome(1);
    server.last.drop(1001);
    expect((live.retryAt ?? 0) - Date.now()).toBe(500);
  });

  it('refreshes a refused token once and reconnects at once', async () => {
    const live = connection();
    live.start();
    await settle();
    server.last.open();
    server.last.drop(4401, 'unauthorized');
    await settle();
    expect(refreshes).toEqual(['token-1']);
    expect(server.sockets).toHaveLength(2);
    server.last.open();
    expect(server.last.sent[0]).toMatchObject({ accessToken: 'token-1+refreshed' });

    // Refused again without ever being live: no refresh loop, back off instead.
    server.last.drop(4401, 'unauthorized');
    await settle();
    expect(refreshes).toHaveLength(1);
    expect(live.status).toBe('waiting');
  });

  it('stops when the session is over', async () => {
    const live = connection({ refreshAfterRejection: async () => null });
    live.start();
    await settle();
    server.last.drop(4401);
    await settle();
    expect(live.status).toBe('stopped');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(server.sockets).toHaveLength(1);
  });

  it('does not retry a protocol refusal', async () => {
    const live = connection();
    live.start();
    await settle();
    server.last.drop(4426, 'unsupported protocol version');
    expect(live.status).toBe('stopped');
    expect(live.problem).toContain('unsupported protocol version');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(server.sockets).toHaveLength(1);
  });

  it('pings while live and gives up on a connection that stays silent', async () => {
    const live = connection();
    live.start();
    await settle();
    server.last.open();
    server.last.welcome(1);
    await vi.advanceTimersByTimeAsync(25_000);
    expect(server.last.sent.at(-1)).toEqual({ type: 'Ping' });
    server.last.receive({ type: 'Pong', position: position(3) });
    expect(live.position).toBe(position(3));

    await vi.advanceTimersByTimeAsync(75_000);
    expect(server.sockets[0]?.closedByClient).toBe(4000);
    expect(live.status).not.toBe('live');
    await vi.advanceTimersByTimeAsync(1000);
    expect(server.sockets).toHaveLength(2);
  });

  it('tells resync listeners when the server cannot replay', async () => {
    const live = connection();
    let resyncs = 0;
    live.onResync(() => {
      resyncs += 1;
    });
    live.start();
    await settle();
    server.last.receive({ type: 'ResyncRequired', reason: 'too_old', position: position(9) });
    expect(resyncs).toBe(1);
    expect(live.position).toBe(position(9));
  });

  it('ignores what it does not understand', async () => {
    const live = connection();
    const received: unknown[] = [];
    live.onChange((change) => received.push(change));
    live.start();
    await settle();
    server.last.receive('not json');
    server.last.receive({ type: 'SomethingNew', position: position(2) });
    server.last.receive({ type: 'LibraryFileChanged', position: 'bad', fileId: FILE_ID, removed: true });
    expect(received).toEqual([]);
    expect(live.position).toBeUndefined();
  });

  it('does not come back after stop', async () => {
    const live = connection();
    live.start();
    await settle();
    server.last.open();
    server.last.welcome(1);
    live.stop();
    expect(server.last.closedByClient).toBe(1000);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(server.sockets).toHaveLength(1);
    expect(live.position).toBeUndefined();
  });
});
