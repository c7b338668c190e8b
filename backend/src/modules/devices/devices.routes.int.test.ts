import { accountStream } from '@teleplay/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, type SignedIn, startApiHarness } from '../../api/testing/api-harness.ts';

let harness: ApiHarness;
let web: SignedIn;
let tv: SignedIn;

beforeAll(async () => {
  harness = await startApiHarness();
  web = await harness.signIn('3001', 'web', 'Alice');
  tv = await harness.signIn('3001', 'tv', 'Alice');
  await harness.caughtUp();
});

afterAll(async () => {
  await harness?.close();
});

describe('/api/devices', () => {
  it('lists the signed-in devices and says which one asked', async () => {
    const response = await harness.request(web, { method: 'GET', url: '/api/devices' });
    expect(response.statusCode).toBe(200);
    expect(response.json().currentDeviceId).toBe(web.deviceId);
    expect(response.json().items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: web.deviceId, name: "Alice's web", kind: 'web', signedOutAt: null }),
        expect.objectContaining({ id: tv.deviceId, name: "Alice's tv", kind: 'tv', signedOutAt: null }),
      ]),
    );
  });

  it('records each sign-in in the account history, from the app that signed in', async () => {
    const events = await harness.store.readStream(accountStream(web.userId));
    const signIns = events.filter((event) => event.type === 'DeviceSignedIn');
    expect(
      signIns.map((event) => [
        (event.data as { deviceId: string }).deviceId,
        (event.metadata as { source: string }).source,
      ]),
    ).toEqual([
      [web.deviceId, 'web'],
      [tv.deviceId, 'tv'],
    ]);
  });

  it('signs another device out: its token stops working and the list shows it gone', async () => {
    const response = await harness.request(web, { method: 'DELETE', url: `/api/devices/${tv.deviceId}` });
    expect(response.statusCode).toBe(204);
    const refused = await harness.request(tv, { method: 'GET', url: '/api/files' });
    expect(refused.statusCode).toBe(401);
    expect(refused.json().error.details).toEqual({ reason: 'session_revoked' });

    const live = await harness.request(web, { method: 'GET', url: '/api/devices' });
    expect(live.json().items.map((device: { id: string }) => device.id)).toEqual([web.deviceId]);
    const all = await harness.request(web, { method: 'GET', url: '/api/devices?includeSignedOut=true' });
    expect(all.json().items).toContainEqual(
      expect.objectContaining({ id: tv.deviceId, signOutReason: 'logout' }),
    );
    const events = await harness.store.readStream(accountStream(web.userId));
    expect(events.filter((event) => event.type === 'DeviceSignedOut')).toHaveLength(1);
  });

  it('answers 404 for a device the account never had', async () => {
    const response = await harness.request(web, { method: 'DELETE', url: '/api/devices/no-such-device' });
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('device_not_found');
  });

  it('signs the asking device itself out', async () => {
    const phone = await harness.signIn('3001', 'mobile', 'Alice');
    await harness.caughtUp();
    const response = await harness.request(phone, {
      method: 'DELETE',
      url: `/api/devices/${phone.deviceId}`,
    });
    expect(response.statusCode).toBe(204);
    expect((await harness.request(phone, { method: 'GET', url: '/api/devices' })).statusCode).toBe(401);
  });
});
