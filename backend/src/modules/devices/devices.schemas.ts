import { clientText, QueryFlag } from '@teleplay/contracts';
import { z } from 'zod';

export const DeviceParams = z.object({ deviceId: clientText(64).min(1) });

export const ListDevicesQuery = z.strictObject({
  includeSignedOut: QueryFlag.optional().describe('also the devices that were signed out (default false)'),
});
