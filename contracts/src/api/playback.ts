import { z } from 'zod';
import { DeviceKind, FileKind, Thumbnail } from '../events.ts';
import { DeviceId, FileId, Timestamp } from '../ids.ts';
import { WatchProgressDto } from '../realtime.ts';

// ---------------------------------------------------------------------------------------------
// Playback reports and what the user can resume.
// ---------------------------------------------------------------------------------------------

z.globalRegistry.add(WatchProgressDto, { id: 'WatchProgress' });

/** Longer than any real item (about 115 days): bounds what a player may report. */
export const MAX_MEDIA_SECONDS = 10_000_000;

export const PlaybackReportRequest = z
  .strictObject({
    fileId: FileId,
    event: z
      .enum(['start', 'progress', 'stop'])
      .describe('`start` when playback begins, `progress` every few seconds and on pause, `stop` at the end'),
    positionSeconds: z.number().min(0).max(MAX_MEDIA_SECONDS),
    durationSeconds: z
      .number()
      .positive()
      .max(MAX_MEDIA_SECONDS)
      .optional()
      .describe('as the player measured it; used when the library does not know the duration'),
    paused: z.boolean().default(false).describe('with `progress`: whether playback is paused'),
  })
  .meta({ id: 'PlaybackReportRequest' });
export type PlaybackReportRequest = z.input<typeof PlaybackReportRequest>;

export const PlaybackState = z
  .object({
    progress: WatchProgressDto.nullable().describe('null when the file was never played far enough to count'),
  })
  .meta({ id: 'PlaybackState' });
export type PlaybackState = z.infer<typeof PlaybackState>;

export const ContinueWatchingItem = z
  .object({
    fileId: FileId,
    name: z.string(),
    kind: FileKind,
    mimeType: z.string(),
    thumbnail: Thumbnail.nullable(),
    resumeAtSeconds: z.number().nonnegative(),
    positionSeconds: z.number().nonnegative(),
    durationSeconds: z.number().nonnegative(),
    lastPlayedAt: Timestamp,
    lastDevice: z
      .object({ id: DeviceId, name: z.string().nullable(), kind: DeviceKind.nullable() })
      .describe('the device that played it last; name and kind are null if it never signed in here'),
  })
  .meta({ id: 'ContinueWatchingItem' });
export type ContinueWatchingItem = z.infer<typeof ContinueWatchingItem>;

export const ContinueWatchingList = z
  .object({ items: z.array(ContinueWatchingItem) })
  .meta({ id: 'ContinueWatchingList' });
export type ContinueWatchingList = z.infer<typeof ContinueWatchingList>;
