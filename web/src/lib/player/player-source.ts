import type { PlayerSrc } from 'vidstack';

// The types vidstack picks its HTML video and audio providers by (its VIDEO_TYPES and AUDIO_TYPES).
const VIDEO_TYPES = ['video/mp4', 'video/webm', 'video/3gp', 'video/ogg', 'video/avi', 'video/mpeg'] as const;
const AUDIO_TYPES = [
  'audio/mpeg',
  'audio/ogg',
  'audio/3gp',
  'audio/mp3',
  'audio/webm',
  'audio/flac',
] as const;

const isOneOf = <T extends string>(list: readonly T[], value: string): value is T =>
  (list as readonly string[]).includes(value);

/**
 * The `src` for vidstack. Signed stream URLs have no file extension, so vidstack chooses its provider
 * from the type alone and knows only a few; for others (video/x-matroska, audio/wav, …) a type of the
 * same kind it knows is declared, and the browser, which sniffs the bytes anyway, plays what it can.
 */
export function playerSource(url: string, mimeType: string, kind: 'video' | 'audio'): PlayerSrc {
  if (kind === 'audio') return { src: url, type: isOneOf(AUDIO_TYPES, mimeType) ? mimeType : 'audio/mpeg' };
  return { src: url, type: isOneOf(VIDEO_TYPES, mimeType) ? mimeType : 'video/mp4' };
}
