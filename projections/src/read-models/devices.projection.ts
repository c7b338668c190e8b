import { type DeviceKind, DOMAIN_EVENT_TYPES, type UserId } from '@teleplay/contracts';
import type { QueryCreator } from 'kysely';
import type { ProjectedEvent, Projection, ProjectionContext } from '../projection.ts';
import { LiveChangeLog, occurredAt, positionType, toIso, toIsoOrNull } from './read-model-support.ts';
import { TableRows } from './table-rows.ts';

// ---------------------------------------------------------------------------------------------
// Rows
// ---------------------------------------------------------------------------------------------

export type SignOutReason = 'logout' | 'revoked' | 'token_reuse';

export interface DevicesTable {
  user_id: string;
  device_id: string;
  name: string;
  kind: DeviceKind;
  signed_in_at: Date;
  signed_out_at: Date | null;
  sign_out_reason: SignOutReason | null;
  /** The minute of the last event naming the device in its metadata (progress reports aside). */
  last_seen_at: Date;
  last_position: string;
}

export interface DevicesTables {
  devices: DevicesTable;
}

// ---------------------------------------------------------------------------------------------
// Projection
// ---------------------------------------------------------------------------------------------

/**
 * "Last seen" is the minute of the last event whose metadata names the device: signing in or out,
 * starting, stopping or finishing playback, changing the library, sharing. Coarsened twice, as it
 * is read by people: to the minute, and without the progress reports a player sends every few
 * seconds while it plays (most of all events; a device watching a film shows when that started).
 * So a device writes its row at most once a minute, and an event without a device costs no query.
 */
export const devicesProjection: Projection<DevicesTables> = {
  name: 'devices',
  // 2: "last seen" to the minute, from the events whose metadata names the device.
  version: 2,
  tables: ['devices'],
  eventTypes: DOMAIN_EVENT_TYPES.filter((type) => type !== 'PlaybackProgressed'),

  async createTables(db, schema) {
    await db.schema
      .withSchema(schema)
      .createTable('devices')
      .addColumn('user_id', 'text', (column) => column.notNull())
      .addColumn('device_id', 'text', (column) => column.notNull())
      .addColumn('name', 'text', (column) => column.notNull())
      .addColumn('kind', 'text', (column) => column.notNull())
      .addColumn('signed_in_at', 'timestamptz', (column) => column.notNull())
      .addColumn('signed_out_at', 'timestamptz')
      .addColumn('sign_out_reason', 'text')
      .addColumn('last_seen_at', 'timestamptz', (column) => column.notNull())
      .addColumn('last_position', positionType, (column) => column.notNull())
      .addPrimaryKeyConstraint('devices_pkey', ['user_id', 'device_id'])
      .execute();
  },

  apply: (event, context) => projectDevices([event], context),
  applyMany: projectDevices,
};

type DeviceRows = TableRows<DevicesTable, 'user_id' | 'device_id'>;

/** Loads the rows the events touch, folds the events over them in order, writes the outcome. */
async function projectDevices(
  events: readonly ProjectedEvent[],
  context: ProjectionContext<DevicesTables>,
): Promise<void> {
  const devices: DeviceRows = new TableRows('devices', ['user_id', 'device_id']);
  await devices.load(
    context.db,
    events.flatMap((event) =>
      deviceIdsOf(event).map((deviceId) => ({ user_id: event.userId, device_id: deviceId })),
    ),
  );
  const changes = new LiveChangeLog();
  for (const event of events) foldDeviceEvent(devices, event, changes);
  await devices.save(context.db);
  changes.emitTo(context);
}

function deviceIdsOf(event: ProjectedEvent): string[] {
  const ids = event.metadata.deviceId === null ? [] : [event.metadata.deviceId];
  if (event.type === 'DeviceSignedIn' || event.type === 'DeviceSignedOut') ids.push(event.data.deviceId);
  return ids;
}

/** The minute an event happened in: "last seen" is kept to the minute. */
function minuteOf(event: ProjectedEvent): Date {
  const at = occurredAt(event);
  return new Date(at.getTime() - (at.getTime() % 60_000));
}

/**
 * Signing in and out applies only to a row the event is newer than (`last_position`); "last seen"
 * only moves forward. Either way, applying an event again changes nothing.
 */
function foldDeviceEvent(devices: DeviceRows, event: ProjectedEvent, changes: LiveChangeLog): void {
  const { userId } = event;
  const changed = (deviceId: string) => changes.add({ userId, kind: 'device', id: deviceId });
  if (event.type === 'DeviceSignedIn') {
    const { deviceId, name, kind } = event.data;
    const row = devices.get({ user_id: userId, device_id: deviceId });
    if (row === null || row.last_position < event.position) {
      devices.set({
        user_id: userId,
        device_id: deviceId,
        name,
        kind,
        signed_in_at: occurredAt(event),
        signed_out_at: null,
        sign_out_reason: null,
        last_seen_at: minuteOf(event),
        last_position: event.position,
      });
      changed(deviceId);
    }
  } else if (event.type === 'DeviceSignedOut') {
    const { deviceId, reason } = event.data;
    const row = devices.get({ user_id: userId, device_id: deviceId });
    if (row !== null && row.last_position < event.position) {
      devices.set({
        ...row,
        signed_out_at: occurredAt(event),
        sign_out_reason: reason,
        last_position: event.position,
      });
      changed(deviceId);
    }
  }
  // Not pushed live: it changes with every progress report.
  const { deviceId } = event.metadata;
  if (deviceId === null) return;
  const row = devices.get({ user_id: userId, device_id: deviceId });
  const seen = minuteOf(event);
  if (row !== null && row.last_seen_at.getTime() < seen.getTime())
    devices.set({ ...row, last_seen_at: seen });
}

// ---------------------------------------------------------------------------------------------
// Queries
// ---------------------------------------------------------------------------------------------

export interface Device {
  deviceId: string;
  name: string;
  kind: DeviceKind;
  signedIn: boolean;
  signedInAt: string;
  signedOutAt: string | null;
  signOutReason: SignOutReason | null;
  lastSeenAt: string;
}

type DevicesReader = QueryCreator<DevicesTables>;

export async function getDevice(db: DevicesReader, userId: UserId, deviceId: string): Promise<Device | null> {
  const row = await db
    .selectFrom('devices')
    .selectAll()
    .where('user_id', '=', userId)
    .where('device_id', '=', deviceId)
    .executeTakeFirst();
  return row ? toDevice(row) : null;
}

/** The user's devices, most recently seen first; signed-out ones only when asked for. */
export async function listDevices(
  db: DevicesReader,
  userId: UserId,
  options: { includeSignedOut?: boolean } = {},
): Promise<Device[]> {
  let query = db.selectFrom('devices').selectAll().where('user_id', '=', userId);
  if (!options.includeSignedOut) query = query.where('signed_out_at', 'is', null);
  const rows = await query.orderBy('last_seen_at', 'desc').orderBy('device_id').execute();
  return rows.map(toDevice);
}

function toDevice(row: DevicesTable): Device {
  return {
    deviceId: row.device_id,
    name: row.name,
    kind: row.kind,
    signedIn: row.signed_out_at === null,
    signedInAt: toIso(row.signed_in_at),
    signedOutAt: toIsoOrNull(row.signed_out_at),
    signOutReason: row.sign_out_reason,
    lastSeenAt: toIso(row.last_seen_at),
  };
}
