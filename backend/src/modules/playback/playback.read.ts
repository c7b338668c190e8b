import type { UserId, WatchProgressDto } from '@teleplay/contracts';
import {
  type DevicesTables,
  getProgressOfFiles,
  listDevices,
  type WatchProgressTables,
} from '@teleplay/projections';
import type { QueryCreator } from 'kysely';

/**
 * The playback state of these files as the API and the live channel serve it: the watch-progress
 * read model with the name of the device each file was last played on. Files never played are absent.
 */
export async function readWatchProgress(
  db: QueryCreator<WatchProgressTables & DevicesTables>,
  userId: UserId,
  fileIds: readonly string[],
): Promise<Map<string, WatchProgressDto>> {
  const progress = await getProgressOfFiles(db, userId, fileIds);
  if (progress.length === 0) return new Map();
  const devices = await listDevices(db, userId, { includeSignedOut: true });
  const names = new Map(devices.map((device) => [device.deviceId, device.name]));
  return new Map(
    progress.map(({ lastDeviceId, ...state }) => [
      state.fileId,
      { ...state, deviceId: lastDeviceId, deviceName: names.get(lastDeviceId) ?? null },
    ]),
  );
}
