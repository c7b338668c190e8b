import type { Schemas } from '@teleplay/api-client';
import { api } from '../api/api.ts';
import { unwrap } from '../api/api-errors.ts';

export type MediaUrls = Schemas['MediaUrls'];

/** Signed URLs are asked for again this long before they expire. */
const RENEW_AHEAD_MS = 5 * 60_000;

const cache = new Map<string, { urls: Promise<MediaUrls>; renewAt: number }>();

/**
 * Short-lived signed URLs to stream, download and show a file (players and <img> cannot send an
 * Authorization header). Shared by every component that shows the file, until shortly before expiry.
 */
export function mediaUrls(fileId: string): Promise<MediaUrls> {
  const cached = cache.get(fileId);
  if (cached && cached.renewAt > Date.now()) return cached.urls;
  const urls = unwrap(api.getMediaUrls({ params: { path: { fileId } } }));
  const entry = { urls, renewAt: Number.POSITIVE_INFINITY };
  cache.set(fileId, entry);
  urls.then(
    (value) => {
      entry.renewAt = Date.parse(value.stream.expiresAt) - RENEW_AHEAD_MS;
    },
    () => cache.delete(fileId),
  );
  return urls;
}

/** Forgets every URL (signed out: they belong to the previous user). */
export function forgetMediaUrls(): void {
  cache.clear();
}
