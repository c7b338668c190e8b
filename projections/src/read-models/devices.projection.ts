import { type DeviceKind, DOMAIN_EVENT_TYPES, type UserId } from '@teleplay/contracts';
import { type QueryCreator, sql } from 'kysely';
import type { Projection } from '../projection.ts';
import { occurredAt, positionType, toIso, toIsoOrNull } from './read-model-support.ts';

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
  /** When the device last did anything recorded (any event carrying its id). */
  last_seen_at: Date;
  last_position: string;
}

export interface DevicesTables {
  devices: DevicesTable;
}

// ---------------------------------------------------------------------------------------------
// Projection
// ---------------------------------------------------------------------------------------------

/** Every event type: any event a device caused tells when it was last seen. */
export const devicesProjection: Projection<DevicesTables> = {
  name: 'devices',
  version: 1,
  tables: ['devices'],
  eventTypes: DOMAIN_EVENT_TYPES,

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

  async apply(event, { db, emit }) {
    const at = occurredAt(event);
    const changed = (rows: { device_id: string }[]) => {
      for (const row of rows) emit({ userId: event.userId, kind: 'device', id: row.device_id });
    };
    if (event.type === 'DeviceSignedIn') {
      const { deviceId, name, kind } = event.data;
      const signedIn = {
        name,
        kind,
        signed_in_at: at,
        signed_out_at: null,
        sign_out_reason: null,
        last_seen_at: at,
        last_position: event.position,
      };
      changed(
        await db
          .insertInto('devices')
          .values({ user_id: event.userId, device_id: deviceId, ...signedIn })
          .onConflict((conflict) =>
            conflict
              .columns(['user_id', 'device_id'])
              .doUpdateSet(signedIn)
              .where('devices.last_position', '<', event.position),
          )
          .returning('device_id')
          .execute(),
      );
    } else if (event.type === 'DeviceSignedOut') {
      changed(
        await db
          .updateTable('devices')
          .set({ signed_out_at: at, sign_out_reason: event.data.reason, last_position: event.position })
          .where('user_id', '=', event.userId)
          .where('device_id', '=', event.data.deviceId)
          .where('last_position', '<', event.position)
          .returning('device_id')
          .execute(),
      );
    }
    // "Last seen" only moves forward, so applying an event again changes nothing. Not pushed live:
    // it changes with every progress report.
    const { deviceId } = event.metadata;
    if (deviceId !== null)
      await db
        .updateTable('devices')
        .set({ last_seen_at: sql<Date>`greatest(last_seen_at, ${at})` })
        .where('user_id', '=', event.userId)
        .where('device_id', '=', deviceId)
        .execute();
  },
};

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
