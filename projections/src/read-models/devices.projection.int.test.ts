import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { id, makeEvent, USER_A, USER_B } from '../testing/event-builder.ts';
import { uploaded } from '../testing/library-events.ts';
import { playbackProgressed, playbackStarted, playbackStopped } from '../testing/playback-events.ts';
import { createProjectionHarness, type ProjectionHarness } from '../testing/projection-harness.ts';
import {
  type Device,
  type DevicesTables,
  devicesProjection,
  getDevice,
  listDevices,
} from './devices.projection.ts';

let harness: ProjectionHarness<DevicesTables>;
beforeAll(async () => {
  harness = await createProjectionHarness([devicesProjection]);
});
afterAll(() => harness.close());

const at = (time: string) => ({ occurredAt: `2025-07-01T${time}:00.000Z` });

const signIns = () => [
  makeEvent('DeviceSignedIn', { deviceId: 'tv-1', name: 'Living room', kind: 'tv' }, at('10:00')),
  makeEvent('DeviceSignedIn', { deviceId: 'phone-1', name: 'Pixel 8', kind: 'mobile' }, at('10:05')),
  makeEvent('DeviceSignedIn', { deviceId: 'web-1', name: 'Firefox on Linux', kind: 'web' }, at('10:10')),
];

describe('devices projection', () => {
  it('lists signed-in devices, the one seen last first', async () => {
    const events = [
      ...signIns(),
      playbackStarted({
        fileId: id(1),
        deviceId: 'tv-1',
        positionSeconds: 60,
        occurredAt: '2025-07-01T11:00:00.000Z',
      }),
      uploaded(id(2), {}, { source: 'mobile', deviceId: 'phone-1', ...at('10:30') }),
    ];
    const { result, changes } = await harness.project(events, () => listDevices(harness.db, USER_A));
    expect(result).toEqual([
      {
        deviceId: 'tv-1',
        name: 'Living room',
        kind: 'tv',
        signedIn: true,
        signedInAt: '2025-07-01T10:00:00.000Z',
        signedOutAt: null,
        signOutReason: null,
        lastSeenAt: '2025-07-01T11:00:00.000Z',
      },
      expect.objectContaining({ deviceId: 'phone-1', lastSeenAt: '2025-07-01T10:30:00.000Z' }),
      expect.objectContaining({ deviceId: 'web-1', lastSeenAt: '2025-07-01T10:10:00.000Z' }),
    ] satisfies Device[]);
    // Sign-ins are pushed live; "last seen" moving is not.
    expect(changes.map((change) => change.id)).toEqual(['tv-1', 'phone-1', 'web-1']);
  });

  it('keeps "last seen" to the minute, and not moved by progress reports', async () => {
    const play = { fileId: id(1), deviceId: 'tv-1', positionSeconds: 60 };
    const events = [
      makeEvent(
        'DeviceSignedIn',
        { deviceId: 'tv-1', name: 'Living room', kind: 'tv' },
        { occurredAt: '2025-07-01T10:00:30.000Z' },
      ),
      playbackStarted({ ...play, occurredAt: '2025-07-01T10:05:59.999Z' }),
      playbackProgressed({ ...play, occurredAt: '2025-07-01T10:30:00.000Z' }),
      // Recorded late, by a device whose clock lags: "last seen" does not go back.
      makeEvent(
        'FileTrashed',
        { fileId: id(1) },
        { deviceId: 'tv-1', occurredAt: '2025-07-01T10:02:00.000Z' },
      ),
    ];
    const { result } = await harness.project(events, () => getDevice(harness.db, USER_A, 'tv-1'));
    expect(result).toMatchObject({
      signedInAt: '2025-07-01T10:00:30.000Z',
      lastSeenAt: '2025-07-01T10:05:00.000Z',
    });

    const stopped = playbackStopped({ ...play, occurredAt: '2025-07-01T11:45:10.000Z' });
    const { result: afterStop } = await harness.project([...events, stopped], () =>
      getDevice(harness.db, USER_A, 'tv-1'),
    );
    expect(afterStop?.lastSeenAt).toBe('2025-07-01T11:45:00.000Z');
  });

  it('keeps signed-out devices apart, with why they were signed out', async () => {
    const events = [
      ...signIns(),
      makeEvent(
        'DeviceSignedOut',
        { deviceId: 'phone-1', reason: 'revoked' },
        { ...at('12:00'), deviceId: 'web-1' },
      ),
    ];
    const { result, changes } = await harness.project(events, async () => ({
      active: (await listDevices(harness.db, USER_A)).map((device) => device.deviceId),
      all: (await listDevices(harness.db, USER_A, { includeSignedOut: true })).map(
        (device) => device.deviceId,
      ),
      phone: await getDevice(harness.db, USER_A, 'phone-1'),
    }));
    expect(result.active).toEqual(['web-1', 'tv-1']);
    expect(result.all).toEqual(['web-1', 'phone-1', 'tv-1']);
    expect(result.phone).toMatchObject({
      signedIn: false,
      signedOutAt: '2025-07-01T12:00:00.000Z',
      signOutReason: 'revoked',
      lastSeenAt: '2025-07-01T10:05:00.000Z',
    });
    expect(changes.at(-1)).toEqual({ userId: USER_A, kind: 'device', id: 'phone-1' });
  });

  it('signs a device in again after a sign-out', async () => {
    const events = [
      ...signIns(),
      makeEvent('DeviceSignedOut', { deviceId: 'tv-1', reason: 'logout' }, at('12:00')),
      makeEvent('DeviceSignedIn', { deviceId: 'tv-1', name: 'Bedroom', kind: 'tv' }, at('13:00')),
    ];
    const { result } = await harness.project(events, () => getDevice(harness.db, USER_A, 'tv-1'));
    expect(result).toMatchObject({
      name: 'Bedroom',
      signedIn: true,
      signedInAt: '2025-07-01T13:00:00.000Z',
      signOutReason: null,
    });
  });

  it('shows a user only their own devices', async () => {
    const events = [
      ...signIns(),
      makeEvent('DeviceSignedIn', { deviceId: 'tv-1', name: 'Their TV', kind: 'tv' }, { userId: USER_B }),
      makeEvent('DeviceSignedOut', { deviceId: 'phone-1', reason: 'revoked' }, { userId: USER_B }),
    ];
    const { result } = await harness.project(events, async () => ({
      a: (await listDevices(harness.db, USER_A)).map((device) => device.name),
      b: (await listDevices(harness.db, USER_B, { includeSignedOut: true })).map((device) => device.name),
    }));
    expect(result).toEqual({ a: ['Firefox on Linux', 'Pixel 8', 'Living room'], b: ['Their TV'] });
  });
});
