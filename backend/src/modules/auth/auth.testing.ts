import type { AuthLog, Clock, DeviceSessions, SignOutReason } from './auth.ports.ts';

/** A clock that only moves when told to. */
export class FakeClock implements Clock {
  private current: Date;

  constructor(start = new Date('2026-01-01T12:00:00Z')) {
    this.current = new Date(start);
  }

  now(): Date {
    return new Date(this.current);
  }

  advance(milliseconds: number): void {
    this.current = new Date(this.current.getTime() + milliseconds);
  }
}

export type DeviceSessionRecord =
  | { type: 'signedIn'; userId: string; deviceId: string; name: string; kind: string }
  | { type: 'signedOut'; userId: string; deviceId: string; reason: SignOutReason };

/** Keeps what auth reported, in order; `unavailable` makes every call fail like a down event store. */
export class RecordingDeviceSessions implements DeviceSessions {
  readonly records: DeviceSessionRecord[] = [];
  unavailable = false;
  private gate: Promise<void> | undefined;

  /** Makes sign-ins wait (inside their transaction) until the returned function is called. */
  hold(): () => void {
    const { promise, resolve } = Promise.withResolvers<void>();
    this.gate = promise;
    return () => {
      this.gate = undefined;
      resolve();
    };
  }

  async signedIn(session: Parameters<DeviceSessions['signedIn']>[0]): Promise<void> {
    await this.gate;
    this.check();
    this.records.push({ type: 'signedIn', ...session });
  }

  async signedOut(session: Parameters<DeviceSessions['signedOut']>[0]): Promise<void> {
    this.check();
    this.records.push({ type: 'signedOut', ...session });
  }

  private check(): void {
    if (this.unavailable) throw new Error('the account history is unavailable');
  }
}

/** Keeps warnings so a test can see that a problem was reported. */
export class RecordingLog implements AuthLog {
  readonly warnings: string[] = [];

  warn(_details: object, message: string): void {
    this.warnings.push(message);
  }
}
