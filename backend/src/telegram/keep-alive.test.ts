import type { Api } from 'teleproto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { KeepAlive, type KeepAliveTarget } from './keep-alive.ts';

/** A connection that answers pings (or not) and records what the keep-alive did to it. */
class FakeConnection implements KeepAliveTarget {
  answersPings = true;
  connected = true;
  readonly sent: string[] = [];
  reconnects = 0;

  readonly _sender = {
    isConnected: () => this.connected,
    get isReconnecting() {
      return false;
    },
    send: (request: Api.AnyRequest) => {
      this.sent.push(request.className);
      return this.answersPings ? Promise.resolve() : new Promise(() => {});
    },
    reconnect: () => {
      this.reconnects++;
    },
  };

  async invoke(request: Api.updates.GetState): Promise<unknown> {
    this.sent.push(request.className);
    return undefined;
  }
}

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('KeepAlive', () => {
  it('pings every interval and refreshes the update state every half hour', async () => {
    const connection = new FakeConnection();
    const keepAlive = new KeepAlive(connection, { pingIntervalMs: 9_000, stateRefreshMs: 30 * 60_000 });
    keepAlive.start();
    await vi.advanceTimersByTimeAsync(27_000);
    expect(connection.sent).toEqual(['PingDelayDisconnect', 'PingDelayDisconnect', 'PingDelayDisconnect']);
    await vi.advanceTimersByTimeAsync(30 * 60_000);
    expect(connection.sent.filter((name) => name === 'updates.GetState')).toHaveLength(1);
    expect(connection.reconnects).toBe(0);
    keepAlive.stop();
  });

  it('reconnects when a ping goes unanswered', async () => {
    const connection = new FakeConnection();
    const reasons: string[] = [];
    const keepAlive = new KeepAlive(connection, {
      pingIntervalMs: 9_000,
      pingTimeoutMs: 10_000,
      onReconnect: (reason) => reasons.push((reason as Error).message),
    });
    connection.answersPings = false;
    keepAlive.start();
    await vi.advanceTimersByTimeAsync(18_999);
    expect(connection.reconnects).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(connection.reconnects).toBe(1);
    expect(reasons).toEqual(['no pong within 10000 ms']);
    keepAlive.stop();
  });

  it('leaves a disconnected client to teleproto’s own reconnecting', async () => {
    const connection = new FakeConnection();
    connection.connected = false;
    const keepAlive = new KeepAlive(connection, { pingIntervalMs: 9_000 });
    keepAlive.start();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(connection.sent).toEqual([]);
    keepAlive.stop();
  });

  it('does nothing once stopped, even with a ping in flight', async () => {
    const connection = new FakeConnection();
    connection.answersPings = false;
    const keepAlive = new KeepAlive(connection, { pingIntervalMs: 9_000, pingTimeoutMs: 10_000 });
    keepAlive.start();
    await vi.advanceTimersByTimeAsync(9_000);
    keepAlive.stop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(connection.sent).toEqual(['PingDelayDisconnect']);
    expect(connection.reconnects).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});
