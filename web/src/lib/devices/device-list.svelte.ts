import type { Schemas } from '@teleplay/api-client';
import type { RealtimeChangeMessage } from '@teleplay/contracts';
import { api } from '../api/api.ts';
import { describeError, unwrap } from '../api/api-errors.ts';

export type Device = Schemas['Device'];

/** The devices signed in to the account (and, on request, those signed out). */
export class DeviceList {
  items = $state<Device[]>([]);
  currentDeviceId = $state<string | null>(null);
  includeSignedOut = $state(false);
  status = $state<'loading' | 'ready' | 'error'>('loading');
  error = $state<string | null>(null);

  async load(): Promise<void> {
    try {
      const list = await unwrap(
        api.listDevices({
          params: { query: { includeSignedOut: this.includeSignedOut ? 'true' : 'false' } },
        }),
      );
      this.items = [...list.items].sort((a, b) => Date.parse(b.signedInAt) - Date.parse(a.signedInAt));
      this.currentDeviceId = list.currentDeviceId;
      this.status = 'ready';
      this.error = null;
    } catch (error) {
      this.error = describeError(error);
      if (this.status !== 'ready') this.status = 'error';
    }
  }

  apply(change: RealtimeChangeMessage): void {
    if (change.type === 'DeviceChanged') void this.load();
  }

  async signOut(deviceId: string): Promise<void> {
    await unwrap(api.signOutDevice({ params: { path: { deviceId } } }));
    this.items = this.includeSignedOut ? this.items : this.items.filter((device) => device.id !== deviceId);
    void this.load();
  }
}
