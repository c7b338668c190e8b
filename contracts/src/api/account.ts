import { z } from 'zod';
import { DeviceId, FileId, Timestamp } from '../ids.ts';
import { DeviceDto, ShareLinkDto } from '../realtime.ts';

// ---------------------------------------------------------------------------------------------
// Signed-in devices, public share links and media URLs.
// ---------------------------------------------------------------------------------------------

z.globalRegistry.add(DeviceDto, { id: 'Device' });

export const DeviceList = z
  .object({
    currentDeviceId: DeviceId.describe('the device that asked'),
    items: z.array(DeviceDto).describe('most recently seen first'),
  })
  .meta({ id: 'DeviceList' });
export type DeviceList = z.infer<typeof DeviceList>;

export const ShareLinkStatus = z.enum(['active', 'expired', 'revoked']);
export type ShareLinkStatus = z.infer<typeof ShareLinkStatus>;

export const ShareLink = ShareLinkDto.extend({
  status: ShareLinkStatus,
  url: z
    .url()
    .describe('the public link: anyone who has it can open the file until it expires or is revoked'),
}).meta({ id: 'ShareLink' });
export type ShareLink = z.infer<typeof ShareLink>;

export const ShareLinkList = z.object({ items: z.array(ShareLink) }).meta({ id: 'ShareLinkList' });
export type ShareLinkList = z.infer<typeof ShareLinkList>;

export const SHARE_LINK_MAX_SECONDS = 365 * 24 * 60 * 60;
export const SHARE_LINK_DEFAULT_SECONDS = 7 * 24 * 60 * 60;

export const CreateShareLinkRequest = z
  .strictObject({
    fileId: FileId,
    expiresInSeconds: z
      .number()
      .int()
      .min(60)
      .max(SHARE_LINK_MAX_SECONDS)
      .default(SHARE_LINK_DEFAULT_SECONDS)
      .describe('how long the link works: a minute to a year, a week by default'),
  })
  .meta({ id: 'CreateShareLinkRequest' });
export type CreateShareLinkRequest = z.input<typeof CreateShareLinkRequest>;

export const MediaUrl = z.object({ url: z.url(), expiresAt: Timestamp }).meta({ id: 'MediaUrl' });

export const MediaUrls = z
  .object({
    stream: MediaUrl,
    download: MediaUrl,
    thumbnail: MediaUrl.nullable(),
  })
  .describe(
    'short-lived signed URLs bound to this user and file (players cannot send headers): `stream` for a player (Range requests), `download` as an attachment, `thumbnail` null when the file has none',
  )
  .meta({ id: 'MediaUrls' });
export type MediaUrls = z.infer<typeof MediaUrls>;
